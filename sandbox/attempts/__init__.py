"""Scripted attempts that record the task bank's exemplar traces (see ``sandbox.recording``).

Each module registers, for a task id and a trace file name, the attempt that produces it.
"""

from sandbox.attempts import cross, documents, mail, onestop, signing

MODULES = (mail, documents, signing, onestop, cross)
