"""`python -m graderd validate|test`: what task authors run, as they run it, from the repository root."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.graderd.builders import RUBRIC, place, task_text, write_task

REPO = Path(__file__).resolve().parents[2]
PROBLEM_LINE = re.compile(r"^(?P<path>\S+\.(?:yaml|jsonl)):(?P<line>\d+):(?P<col>\d+): \S")


def graderd(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graderd", *(str(arg) for arg in args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def said(process: subprocess.CompletedProcess[str]) -> str:
    return f"exit {process.returncode}\n--- stdout\n{process.stdout}\n--- stderr\n{process.stderr}"


def test_validate_passes_the_bank_and_counts_its_tasks() -> None:
    process = graderd("validate", "tasks")
    blueprints = len(list((REPO / "tasks" / "blueprints").glob("*.yaml")))
    count = len(list((REPO / "tasks").rglob("*.yaml"))) - blueprints
    assert process.returncode == 0, said(process)
    plural = "" if blueprints == 1 else "s"
    assert process.stdout.strip() == f"{count} tasks and {blueprints} blueprint{plural} in tasks: all valid", said(
        process
    )
    assert process.stderr == ""


def test_validate_fails_a_broken_bank_with_every_problem_as_path_line_col(tmp_path: Path) -> None:
    broken = task_text(RUBRIC.replace("{contains: Báo cáo}", "{contain: Báo cáo}"), service="mial")
    write_task(tmp_path / "mail", broken, name="first.yaml")
    write_task(tmp_path / "mail", task_text(task_id="mail.second", extra="pionts: 3\n"), name="second.yaml")
    process = graderd("validate", tmp_path)
    assert process.returncode == 1, said(process)
    assert process.stdout == ""
    lines = process.stderr.splitlines()
    assert lines[-1] == f"3 problems in {tmp_path}", said(process)
    problems = lines[:-1]
    assert len(problems) == 3, said(process)
    assert all(PROBLEM_LINE.match(line) for line in problems), said(process)
    places = [line.split(": ")[0] for line in problems]
    assert places == [
        f"{tmp_path}/mail/first.yaml:{place(broken, 'mial')}",
        f"{tmp_path}/mail/first.yaml:{place(broken, 'contain:')}",
        f"{tmp_path}/mail/second.yaml:5:1",
    ]
    assert "unknown service 'mial' (did you mean 'mail'?)" in problems[0]
    assert "unknown modifier 'contain' (did you mean 'contains'?)" in problems[1]
    assert "unknown key 'pionts' in a task (did you mean 'points'?)" in problems[2]


def test_validate_refuses_a_folder_that_is_not_there(tmp_path: Path) -> None:
    process = graderd("validate", tmp_path / "nowhere")
    assert process.returncode == 1, said(process)
    assert process.stderr.strip() == f"error: {tmp_path / 'nowhere'} is not a folder of task files"


def test_test_grades_every_exemplar_of_the_bank_as_promised() -> None:
    process = graderd("test", "tasks")
    assert process.returncode == 0, said(process)
    last = process.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"(\d+) exemplars of (\d+) tasks?: (\d+) ok, 0 failed", last)
    assert match is not None, said(process)
    assert int(match.group(1)) == int(match.group(3)) >= 3
    assert "FAILED" not in process.stdout


def test_test_verbose_prints_every_item_of_every_exemplar() -> None:
    process = graderd("test", "tasks", "--verbose")
    assert process.returncode == 0, said(process)
    assert "mail.send-report full.jsonl: 5/5 ok" in process.stdout
    assert "    cc_leader: failed 0/1: " in process.stdout


def send_report_bank(tmp_path: Path) -> Path:
    """A bank of one task, send-report, copied with its exemplars and fixtures; its file's path."""
    source, target = REPO / "tasks" / "mail", tmp_path / "tasks" / "mail"
    shutil.copytree(source / "exemplars" / "send-report", target / "exemplars" / "send-report")
    shutil.copytree(source / "fixtures", target / "fixtures")
    shutil.copy(source / "send-report.yaml", target / "send-report.yaml")
    return target / "send-report.yaml"


def test_test_fails_an_exemplar_whose_promised_points_are_wrong_naming_it(tmp_path: Path) -> None:
    task = send_report_bank(tmp_path)
    bank = task.parent.parent
    text = task.read_text(encoding="utf-8")
    promise = "{trace: exemplars/send-report/no-cc-no-attachment.jsonl, kind: partial, expect_points: 3,"
    assert promise in text
    task.write_text(text.replace(promise, promise.replace("expect_points: 3", "expect_points: 4")), encoding="utf-8")
    line = next(number for number, each in enumerate(text.splitlines(), start=1) if promise in each)

    process = graderd("test", bank)
    assert process.returncode == 1, said(process)
    out = process.stdout
    assert f"{task}:{line}:5: mail.send-report no-cc-no-attachment.jsonl: 3/5 FAILED" in out, said(process)
    assert "    earned 3 points, the exemplar expects 4" in out
    assert "full.jsonl" not in out  # the exemplars that pass are not listed without --verbose
    assert out.strip().splitlines()[-1] == "4 exemplars of 1 tasks: 3 ok, 1 failed"


def test_test_fails_an_exemplar_whose_promised_outcome_is_wrong(tmp_path: Path) -> None:
    task = send_report_bank(tmp_path)
    bank = task.parent.parent
    text = task.read_text(encoding="utf-8")
    assert "expect: {cc_leader: failed, attachment: failed}" in text
    task.write_text(text.replace("cc_leader: failed,", "cc_leader: passed,"), encoding="utf-8")

    process = graderd("test", bank)
    assert process.returncode == 1, said(process)
    assert "    item cc_leader is failed, the exemplar expects passed" in process.stdout, said(process)


def test_bank_reports_tasks_per_service_and_difficulty_exemplars_and_blueprints() -> None:
    process = graderd("bank", "tasks")
    assert process.returncode == 0, said(process)
    lines = process.stdout.splitlines()
    header = lines[0].split()
    assert header == ["service", "tasks", "de", "trung_binh", "kho", "points", "minutes"]
    rows = {line.split()[0]: line.split() for line in lines[1:7] if line.strip()}
    assert set(rows) == {"mail", "documents", "signing", "onestop", "cross", "all"}
    assert int(rows["all"][1]) >= 30
    assert sum(int(rows[service][1]) for service in rows if service != "all") == int(rows["all"][1])
    send_report = next(line for line in lines if line.startswith("mail.send-report "))
    assert send_report.split()[1:4] == ["trung_binh", "5", "5"]
    assert send_report.split()[-2:] == ["1/1/1/1", "ok"]  # one exemplar of each kind, all grading as promised
    assert any(line.startswith("Blueprint thuc-hanh-2026: ") for line in lines)
    assert "Every task is drawn by some blueprint." in lines  # thuc-hanh-2026 and chung-ket-2026 together
    assert lines[-1].endswith(" ok, 0 failed")
