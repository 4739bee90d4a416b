"""Recording exemplars: the files a grading reads are written beside the trace, in ``<trace>.files/``,
unless the task's own files have them; a re-recording replaces them and touches nothing else."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sandbox.recording import RecordingError, write_files

PDF = b"%PDF-1.7\n signed \n%%EOF\n"
DER = b"\x30\x82\x01\x00 a certificate"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def task_and_exemplar(folder: Path, trace: str = "exemplars/t/full.jsonl") -> tuple[Any, Any]:
    (folder / trace).parent.mkdir(parents=True, exist_ok=True)
    (folder / trace).write_text("", encoding="utf-8")
    return SimpleNamespace(folder=folder), SimpleNamespace(trace=folder / trace)


def test_the_files_read_are_written_beside_the_trace_by_sha256(tmp_path: Path) -> None:
    task, exemplar = task_and_exemplar(tmp_path)
    written = write_files(task, exemplar, {sha(PDF): PDF, sha(DER): DER})
    assert written == tmp_path / "exemplars/t/full.files"
    assert sorted(path.name for path in written.iterdir()) == sorted([f"{sha(PDF)[:16]}.pdf", f"{sha(DER)[:16]}.der"])
    assert {sha(path.read_bytes()) for path in written.iterdir()} == {sha(PDF), sha(DER)}


def test_a_fixture_of_the_task_is_not_copied(tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "BaoCao.pdf").write_bytes(PDF)
    task, exemplar = task_and_exemplar(tmp_path)
    assert write_files(task, exemplar, {sha(PDF): PDF}) is None
    assert not (tmp_path / "exemplars/t/full.files").exists()


def test_a_new_recording_replaces_the_old_files_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "a.pdf").write_bytes(b"%PDF- fixture")
    task, exemplar = task_and_exemplar(tmp_path)
    other_task, other = task_and_exemplar(tmp_path, "exemplars/t/partial.jsonl")
    write_files(other_task, other, {sha(DER): DER})
    write_files(task, exemplar, {sha(PDF): PDF})
    write_files(task, exemplar, {sha(DER): DER})  # re-recorded: other files this time
    assert [path.name for path in (tmp_path / "exemplars/t/full.files").iterdir()] == [f"{sha(DER)[:16]}.der"]
    assert (tmp_path / "fixtures" / "a.pdf").exists()
    assert [path.name for path in (tmp_path / "exemplars/t/partial.files").iterdir()] == [f"{sha(DER)[:16]}.der"]


def test_a_trace_named_like_a_folder_of_the_task_leaves_that_folder_alone(tmp_path: Path) -> None:
    (tmp_path / "fixtures.files").mkdir()
    (tmp_path / "fixtures.files" / "BaoCao.pdf").write_bytes(b"%PDF- not ours")
    task, exemplar = task_and_exemplar(tmp_path, "fixtures.jsonl")
    with pytest.raises(RecordingError, match="left alone"):
        write_files(task, exemplar, {sha(PDF): PDF})
    assert (tmp_path / "fixtures.files" / "BaoCao.pdf").read_bytes() == b"%PDF- not ours"
