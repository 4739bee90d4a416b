"""Recording exemplar traces: a task put on a scratch candidate's paper in a throwaway room, a
scripted attempt played through the services' own domain functions (what the pages call), and
the candidate's events written out as the JSONL trace the exemplar names.

Traces are recorded, never typed: they are exactly what the services log, so a change in an
event's shape shows up as a failing ``python -m graderd test`` until they are recorded again
(``python -m sandbox record-exemplars``).

The files a grading of the trace reads (a signed PDF, the certificates and CRL its signatures are
checked against) are written beside the trace, in ``<trace>.files/``, unless the task's own files
(its fixtures) have them: ``graderd test`` finds blobs by sha256 in the task's folder.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy.engine import Connection

from graderd.engine import grade
from graderd.spec.model import EXAMPLE_DAY, EXAMPLE_SEED, Exemplar, TaskSpec
from graderd.spec.problems import Problems
from graderd.trace import parse_trace
from mock_services.catalog import prepare_schema
from mock_services.core import log
from mock_services.core.accounts import Candidate, NewCandidate, candidates_of_exam
from mock_services.core.blobs import BlobError, BlobStore
from mock_services.core.db import Database
from mock_services.core.errors import SathachError
from mock_services.core.events import EventContext
from mock_services.core.exams import create_exam
from mock_services.core.settings import RoomSettings
from mock_services.documents import acting as documents
from mock_services.mail import store as mail_store
from mock_services.mail.domain import room_domains
from mock_services.mail.folders import Location
from mock_services.mail.mailbox import Acting
from sandbox import roster
from sandbox.paper import put_task

EXAM_START = (
    datetime.combine(EXAMPLE_DAY, datetime.min.time(), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    .replace(hour=8)
    .astimezone(UTC)
)


@dataclass
class Attempt:
    """A scripted candidate at work: the database connection, a clock that moves only when told."""

    conn: Connection
    candidate: Candidate
    settings: RoomSettings
    now: datetime
    params: dict[str, Any]  # the task's params as drawn for this attempt
    session: str = "exemplar-session"

    def wait(self, seconds: float = 20) -> None:
        self.now += timedelta(seconds=seconds)

    def acting(self) -> Acting:
        self.wait()
        return Acting(
            now=self.now,
            blobs=BlobStore(self.settings.blob_max_bytes),
            tz=ZoneInfo(self.settings.timezone),
            domains=room_domains(self.settings.mail_domains),
            context=EventContext(session_id=self.session, client="10.0.0.21"),
        )

    def documents_acting(self) -> documents.Acting:
        """The next action in the document service, as ``acting()`` for mail: the clock moves first."""
        self.wait()
        return documents.Acting(
            now=self.now,
            blobs=BlobStore(self.settings.blob_max_bytes),
            tz=ZoneInfo(self.settings.timezone),
            mail_domains=room_domains(self.settings.mail_domains),
            context=EventContext(session_id=self.session, client="10.0.0.21"),
        )

    def message(self, subject_contains: str, *, folder: str = "inbox") -> mail_store.Message:
        """A message of the candidate's mailbox by a piece of its subject."""
        for message in mail_store.messages_in(self.conn, self.candidate.id, Location.parse(folder)):
            if subject_contains in message.subject:
                return message
        raise LookupError(f"no message with {subject_contains!r} in {folder}")


Script = Callable[[Attempt], None]


@dataclass
class Recorder:
    """The scripts of a bank's exemplars, by (task id, trace file name)."""

    scripts: dict[tuple[str, str], Script] = field(default_factory=dict)

    def attempt(self, task_id: str, trace: str) -> Callable[[Script], Script]:
        def register(script: Script) -> Script:
            self.scripts[(task_id, trace)] = script
            return script

        return register


RECORDER = Recorder()


@dataclass
class Recorded:
    """A recorded attempt: the candidate's events in order, and the files grading them read."""

    events: list[dict[str, Any]]
    files: dict[str, bytes]


@dataclass
class _ReadBlobs:
    """The room's blob store as grading sees it, noting every blob read."""

    conn: Connection
    store: BlobStore
    read: dict[str, bytes] = field(default_factory=dict)

    def get(self, sha256: str, /) -> bytes | None:
        try:
            data = self.store.get(self.conn, sha256)
        except BlobError:
            return None
        self.read[sha256] = data
        return data


def record(task: TaskSpec, exemplar: Exemplar, script: Script) -> Recorded:
    """Play ``script`` against ``task`` set up for the exemplar's candidate."""
    with tempfile.TemporaryDirectory(prefix="sathach-record-") as scratch:
        settings = RoomSettings(data_dir=Path(scratch), environment="development")
        db = Database(settings.resolved_database_url)
        prepare_schema(db)
        person = NewCandidate(**{key: exemplar.candidate[key] for key in NewCandidate.__dataclass_fields__})
        prepared = roster.prepare([person], secret=settings.secret())
        now = EXAM_START - timedelta(minutes=30)
        with db.write() as conn:
            exam = create_exam(
                conn, name="Ghi bài mẫu", starts_at=EXAM_START, duration_minutes=60, seed=EXAMPLE_SEED, now=now
            )
            roster.insert_candidates(conn, exam.id, prepared, now=now)
            [candidate] = candidates_of_exam(conn, exam.id)
            assignment = put_task(
                conn,
                candidate,
                1,
                task,
                exam_seed=EXAMPLE_SEED,
                exam_day=EXAMPLE_DAY,
                settings=settings,
                now=now,
                params=task.example_params(exemplar.params),
            )
        with db.write() as conn:
            script(Attempt(conn, candidate, settings, EXAM_START + timedelta(minutes=2), assignment.params))
        with db.read() as conn:
            events = [record.as_json() for record in log.iter_events(conn, candidate_id=candidate.id)]
            files = _files_read(task, exemplar, assignment.params, events, _ReadBlobs(conn, BlobStore(1)))
        db.dispose()
    return Recorded(events, files)


def _files_read(
    task: TaskSpec, exemplar: Exemplar, params: dict[str, Any], events: list[dict[str, Any]], blobs: _ReadBlobs
) -> dict[str, bytes]:
    """The blobs a grading of ``events`` reads, by sha256."""
    problems = Problems()
    parsed = parse_trace(_trace_lines(events), str(exemplar.trace), problems)
    if problems:
        raise RecordingError(f"{task.id} {exemplar.trace.name}: the recorded trace does not read back: {problems}")
    grade(task, params, parsed, blobs, candidate=exemplar.candidate)
    return blobs.read


def _trace_lines(events: list[dict[str, Any]]) -> list[bytes]:
    return [orjson.dumps(event, option=orjson.OPT_SORT_KEYS) for event in events]


def write_trace(path: Path, events: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(line + b"\n" for line in _trace_lines(events)))


FILES_SUFFIX = ".files"  # exemplars/x/full.jsonl → exemplars/x/full.files/
_RECORDED_FILE = re.compile(r"^[0-9a-f]{16}\.(pdf|der|bin)$")


def write_files(task: TaskSpec, exemplar: Exemplar, files: dict[str, bytes]) -> Path | None:
    """The files a grading read that the task's own files (its fixtures) lack, in a folder named
    after the trace (``exemplars/x/full.jsonl`` → ``exemplars/x/full.files/``), replacing what an
    earlier recording left there; anything else found in that folder stops the recording."""
    folder = exemplar.trace.with_suffix(FILES_SUFFIX)
    if folder.exists():
        strangers = [p.name for p in folder.iterdir() if not _RECORDED_FILE.match(p.name)] if folder.is_dir() else []
        if strangers or not folder.is_dir():
            raise RecordingError(f"{folder} is not a folder of recorded files ({', '.join(strangers)}): left alone")
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    own = {
        hashlib.sha256(path.read_bytes()).hexdigest()
        for path in task.folder.rglob("*")
        if path.is_file() and not any(parent.name.endswith(FILES_SUFFIX) for parent in path.parents)
    }
    missing = {sha: data for sha, data in files.items() if sha not in own}
    if not missing:
        return None
    folder.mkdir(parents=True)
    for sha, data in sorted(missing.items()):
        (folder / f"{sha[:16]}{_extension(data)}").write_bytes(data)
    return folder


def _extension(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"\x30"):  # an ASN.1 SEQUENCE: a certificate or a CRL in DER
        return ".der"
    return ".bin"


def record_bank(root: Path, only: set[str] | None = None) -> list[Path]:
    """Record every exemplar of the bank that has a script (or those of the tasks in ``only``);
    the paths written. An exemplar without a script is an error: it would go stale unseen."""
    from graderd.spec.load import load_bank
    from sandbox import attempts  # noqa: F401 - registers the scripts

    written = []
    missing = []
    for task in load_bank(root, traces=False):
        if only is not None and task.id not in only:
            continue
        for exemplar in task.exemplars:
            script = RECORDER.scripts.get((task.id, exemplar.trace.name))
            if script is None:
                missing.append(f"{task.id} {exemplar.trace.name}")
                continue
            recorded = record(task, exemplar, script)
            write_trace(exemplar.trace, recorded.events)
            written.append(exemplar.trace)
            folder = write_files(task, exemplar, recorded.files)
            if folder is not None:
                written.append(folder)
    if missing:
        raise RecordingError(f"no scripted attempt for: {', '.join(missing)} (add one in sandbox/attempts/)")
    return written


class RecordingError(SathachError):
    """An exemplar has no scripted attempt to record it."""
