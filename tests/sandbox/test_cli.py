"""The operator's commands, run as the operator runs them: `python -m sandbox …` in a subprocess."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mock_services.core.accounts import candidates_of_exam, find_operator
from mock_services.core.db import Database
from mock_services.core.passwords import verify_password
from mock_services.core.setup_ops import SetupError
from sandbox import cli, exam_draw, roster
from sandbox.candidates_csv import parse_candidates
from sandbox.draw import draw_papers
from tests.support.live import room_env, sandbox_cli
from tests.support.room import EXAM_START, seed_exam

# The commands run on the real clock: an exam a year ahead of it has not started, whatever the day.
AHEAD = date.today() + timedelta(days=365)

PASSWORD = re.compile(r"^[a-z2-9]{4}-[a-z2-9]{4}$")

GOOD_CSV = (
    "Số báo danh,Họ và tên,Chức vụ,Đơn vị,Email\r\n"
    "CT001,Nguyễn Văn An,Chủ tịch UBND phường,UBND phường Ninh Kiều,an.nv@ninhkieu.egov.vn\r\n"
    "CT002,Trần Thị Bích Hòa,Phó Chủ tịch UBND phường,UBND phường Cái Khế,hoa@caikhe.egov.vn\r\n"
    "CT003,Lê Quốc Việt,Trưởng phòng Kinh tế,UBND phường Tân An,viet.lq@tanan.egov.vn\r\n"
)


def assert_refused(result: subprocess.CompletedProcess[str]) -> str:
    """Exit status 2 and one sentence on stderr, never a traceback; returns that sentence."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def credentials_of(env: dict[str, str], exam_id: str) -> dict[str, str]:
    """số báo danh -> password, as `credentials` prints them."""
    result = sandbox_cli("credentials", exam_id, env=env)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.startswith("SBD")
    return {row.split()[0]: row.split()[-1] for row in rows}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return room_env(tmp_path)


@pytest.fixture
def exam_id(env: dict[str, str]) -> str:
    assert sandbox_cli("init-db", env=env).returncode == 0
    schedule = ("--date", AHEAD.isoformat(), "--start", "08:00", "--duration", "90")
    result = sandbox_cli("create-exam", "--name", "Sát hạch CNTT", *schedule, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    path = tmp_path / "danh-sach.csv"
    path.write_bytes(GOOD_CSV.encode("utf-8-sig"))
    return path


def test_init_db_creates_the_schema_then_finds_it_current(env: dict[str, str], tmp_path: Path) -> None:
    first = sandbox_cli("init-db", env=env)
    second = sandbox_cli("init-db", env=env)

    assert first.returncode == 0, first.stderr
    assert "schema created" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "schema current" in second.stdout
    assert (tmp_path / "sathach.db").is_file()


def test_commands_before_init_db_say_to_run_it(env: dict[str, str]) -> None:
    sentence = assert_refused(sandbox_cli("list-exams", env=env))

    assert "init-db" in sentence


def test_create_exam_prints_the_id_and_accepts_both_date_forms(env: dict[str, str]) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    common = ("--start", "08:00", "--duration", "90")
    day = AHEAD

    iso = sandbox_cli("create-exam", "--name", "Đợt 1", "--date", day.isoformat(), *common, env=env)
    vietnamese = sandbox_cli("create-exam", "--name", "Đợt 2", "--date", f"{day:%d/%m/%Y}", *common, env=env)

    assert iso.returncode == 0, iso.stderr
    assert vietnamese.returncode == 0, vietnamese.stderr
    assert iso.stdout.strip() == "1"
    assert vietnamese.stdout.strip() == "2"
    listing = sandbox_cli("list-exams", env=env)
    assert listing.returncode == 0, listing.stderr
    rows = sorted(line.split("\t") for line in listing.stdout.splitlines())
    assert rows == [
        ["1", f"{day} 08:00", "90 min", "not_started", "Đợt 1"],
        ["2", f"{day} 08:00", "90 min", "not_started", "Đợt 2"],
    ]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--date", "24-11-2026"),
        ("--date", "31/11/2026"),
        ("--date", "2026-13-01"),
        ("--start", "25:00"),
        ("--start", "8 giờ"),
        ("--duration", "0"),
        ("--duration", "601"),
    ],
)
def test_create_exam_refuses_a_bad_date_time_or_duration_in_one_sentence(
    env: dict[str, str], option: str, value: str
) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    args = {"--date": AHEAD.isoformat(), "--start": "08:00", "--duration": "90", option: value}

    argv = [part for pair in args.items() for part in pair]

    sentence = assert_refused(sandbox_cli("create-exam", "--name", "Đợt 1", *argv, env=env))

    assert value in sentence
    assert sandbox_cli("list-exams", env=env).stdout == ""


def test_imported_candidates_each_get_a_working_password(
    env: dict[str, str], exam_id: str, good_csv: Path, tmp_path: Path
) -> None:
    result = sandbox_cli("import-candidates", exam_id, str(good_csv), env=env)

    assert result.returncode == 0, result.stderr
    assert "3" in result.stdout
    passwords = credentials_of(env, exam_id)
    assert sorted(passwords) == ["CT001", "CT002", "CT003"]
    assert all(PASSWORD.match(password) for password in passwords.values()), passwords
    assert len(set(passwords.values())) == 3
    db = Database(f"sqlite:///{tmp_path / 'sathach.db'}")
    with db.read() as conn:
        stored = {c.so_bao_danh: c for c in candidates_of_exam(conn, int(exam_id))}
        hashes: dict[str, str] = dict(conn.exec_driver_sql("SELECT so_bao_danh, password_hash FROM candidates").all())
    db.dispose()
    assert stored["CT002"].ho_ten == "Trần Thị Bích Hòa"
    assert stored["CT002"].don_vi == "UBND phường Cái Khế"
    assert all(verify_password(hashes[number], password) for number, password in passwords.items())


def test_credentials_lists_names_and_writes_an_excel_csv(
    env: dict[str, str], exam_id: str, good_csv: Path, tmp_path: Path
) -> None:
    assert sandbox_cli("import-candidates", exam_id, str(good_csv), env=env).returncode == 0
    out = tmp_path / "mat-khau.csv"

    result = sandbox_cli("credentials", exam_id, "--csv", str(out), env=env)

    assert result.returncode == 0, result.stderr
    assert "Lê Quốc Việt" in result.stdout
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = [line.split(",") for line in raw.decode("utf-8-sig").splitlines()]
    assert rows[0] == ["Số báo danh", "Họ và tên", "Chức vụ", "Đơn vị", "Mật khẩu"]
    assert [row[:2] for row in rows[1:]] == [
        ["CT001", "Nguyễn Văn An"],
        ["CT002", "Trần Thị Bích Hòa"],
        ["CT003", "Lê Quốc Việt"],
    ]
    assert {row[0]: row[4] for row in rows[1:]} == credentials_of(env, exam_id)


def test_a_broken_row_imports_nobody(env: dict[str, str], exam_id: str, tmp_path: Path) -> None:
    bad = tmp_path / "danh-sach.csv"
    lines = GOOD_CSV.splitlines()
    lines[2] = "CT002,Trần Thị Bích Hòa,Phó Chủ tịch UBND phường,UBND phường Cái Khế,hoa-at-caikhe"
    bad.write_bytes("\r\n".join(lines).encode("utf-8-sig"))

    result = sandbox_cli("import-candidates", exam_id, str(bad), env=env)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert f"{bad}:3: " in result.stderr
    assert "hoa-at-caikhe" in result.stderr
    assert credentials_of(env, exam_id) == {}


def test_importing_the_same_list_twice_is_refused_and_keeps_the_passwords(
    env: dict[str, str], exam_id: str, good_csv: Path
) -> None:
    assert sandbox_cli("import-candidates", exam_id, str(good_csv), env=env).returncode == 0
    before = credentials_of(env, exam_id)

    again = sandbox_cli("import-candidates", exam_id, str(good_csv), env=env)

    assert again.returncode == 2
    assert "Traceback" not in again.stderr
    assert all(f"{good_csv}:{line}: " in again.stderr for line in (2, 3, 4))
    assert credentials_of(env, exam_id) == before


def test_importing_into_an_exam_that_does_not_exist_is_refused(
    env: dict[str, str], exam_id: str, good_csv: Path
) -> None:
    sentence = assert_refused(sandbox_cli("import-candidates", "99", str(good_csv), env=env))

    assert "99" in sentence
    assert credentials_of(env, exam_id) == {}


def test_importing_a_file_that_does_not_exist_is_refused(env: dict[str, str], exam_id: str, tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.csv"

    sentence = assert_refused(sandbox_cli("import-candidates", exam_id, str(missing), env=env))

    assert str(missing) in sentence


def test_reset_password_changes_only_that_candidates_password(
    env: dict[str, str], exam_id: str, good_csv: Path, tmp_path: Path
) -> None:
    assert sandbox_cli("import-candidates", exam_id, str(good_csv), env=env).returncode == 0
    before = credentials_of(env, exam_id)

    result = sandbox_cli("reset-password", exam_id, "ct002", env=env)

    assert result.returncode == 0, result.stderr
    new = result.stdout.split()[-1]
    assert result.stdout.startswith("CT002 Trần Thị Bích Hòa")
    assert PASSWORD.match(new)
    assert new != before["CT002"]
    assert credentials_of(env, exam_id) == {**before, "CT002": new}
    db = Database(f"sqlite:///{tmp_path / 'sathach.db'}")
    with db.read() as conn:
        [stored] = conn.exec_driver_sql("SELECT password_hash FROM candidates WHERE so_bao_danh = 'CT002'").all()
    db.dispose()
    assert verify_password(stored[0], new)
    assert not verify_password(stored[0], before["CT002"])


def test_reset_password_of_an_unknown_candidate_is_refused(env: dict[str, str], exam_id: str, good_csv: Path) -> None:
    assert sandbox_cli("import-candidates", exam_id, str(good_csv), env=env).returncode == 0
    before = credentials_of(env, exam_id)

    sentence = assert_refused(sandbox_cli("reset-password", exam_id, "CT404", env=env))

    assert "CT404" in sentence
    assert credentials_of(env, exam_id) == before


def test_create_operator_prints_a_working_password_and_refuses_a_duplicate(env: dict[str, str], tmp_path: Path) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0

    created = sandbox_cli("create-operator", "GiamThi1", "--name", "Phạm  Thu Trang", env=env)
    duplicate = sandbox_cli("create-operator", "giamthi1", "--name", "Người khác", env=env)

    assert created.returncode == 0, created.stderr
    match = re.fullmatch(r"Operator giamthi1: ([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})\n", created.stdout)
    assert match, created.stdout
    assert "giamthi1" in assert_refused(duplicate)
    db = Database(f"sqlite:///{tmp_path / 'sathach.db'}")
    with db.read() as conn:
        found = find_operator(conn, "giamthi1")
    db.dispose()
    assert found is not None
    operator, password_hash = found
    assert operator.ho_ten == "Phạm Thu Trang"
    assert verify_password(password_hash, match[1])


def test_verify_log_on_an_intact_log_says_intact(env: dict[str, str], tmp_path: Path) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    db = Database(f"sqlite:///{tmp_path / 'sathach.db'}")
    seed_exam(db, now=EXAM_START)
    db.dispose()

    result = sandbox_cli("verify-log", env=env)

    assert result.returncode == 0, result.stderr
    assert "BROKEN" not in result.stdout
    assert "3 chains, 6 events" in result.stdout
    assert "intact" in result.stdout


def test_verify_log_names_the_candidate_and_seq_of_a_tampered_event(env: dict[str, str], tmp_path: Path) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    path = tmp_path / "sathach.db"
    db = Database(f"sqlite:///{path}")
    seed_exam(db, now=EXAM_START)
    db.dispose()
    with sqlite3.connect(path) as conn:
        seq, data = conn.execute(
            "SELECT e.seq, e.data FROM events e JOIN candidates c ON c.id = e.candidate_id"
            " WHERE c.so_bao_danh = 'CT002' ORDER BY e.seq DESC LIMIT 1"
        ).fetchone()
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET data = ? WHERE seq = ?", (json.dumps({**json.loads(data), "points": "9"}), seq))
    conn.close()

    result = sandbox_cli("verify-log", env=env)

    assert result.returncode == 1, result.stderr
    broken = [line for line in result.stdout.splitlines() if line.startswith("BROKEN")]
    assert len(broken) == 1, result.stdout
    assert "CT002" in broken[0]
    assert f"seq {seq}" in broken[0]
    assert "intact" not in result.stdout


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody:hunter2-secret@127.0.0.1:1/none",
        "postgresql+psycopg://nobody:hunter2-secret@127.0.0.1:54x2/none",
        "mysql://sathach:hunter2-secret@127.0.0.1/sathach",
        "not a url",
    ],
)
def test_a_database_url_that_cannot_be_used_is_named_in_one_sentence(tmp_path: Path, url: str) -> None:
    env = room_env(tmp_path, database_url=url)

    sentence = assert_refused(sandbox_cli("init-db", env=env))

    assert "SATHACH_DATABASE_URL" in sentence
    assert "hunter2-secret" not in sentence


# --- The draw: an exam drawn from a blueprint


def papers_in(data_dir: Path, exam: str) -> dict[str, list[tuple[str, str | None, str]]]:
    """số báo danh -> [(task id, pool, params as stored)], in paper order."""
    with sqlite3.connect(data_dir / "sathach.db") as conn:
        rows = conn.execute(
            "SELECT c.so_bao_danh, a.task_id, a.pool, a.params FROM assignments a "
            "JOIN candidates c ON c.id = a.candidate_id WHERE a.exam_id = ? ORDER BY c.so_bao_danh, a.position",
            (int(exam),),
        ).fetchall()
    papers: dict[str, list[tuple[str, str | None, str]]] = {}
    for number, task_id, pool, params in rows:
        papers.setdefault(number, []).append((task_id, pool, params))
    return papers


def drawn_exam(env: dict[str, str], *extra: str) -> str:
    schedule = ("--date", AHEAD.isoformat(), "--start", "08:00")
    result = sandbox_cli("create-exam", "--name", "Hội thi CĐS 2026", *schedule, *extra, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_an_exam_draws_each_imported_candidates_paper_from_its_blueprint(
    env: dict[str, str], good_csv: Path, tmp_path: Path
) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    created = sandbox_cli(
        "create-exam", "--name", "Hội thi CĐS 2026", "--date", AHEAD.isoformat(), "--start", "08:00",
        "--seed", "2026", env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    exam = created.stdout.strip()
    assert "Blueprint thuc-hanh-2026: Phần thực hành" in created.stderr  # what every paper will hold
    assert re.search(r"\d+ different papers possible", created.stderr), created.stderr
    listed = sandbox_cli("list-exams", env=env).stdout
    minutes = re.search(r"(\d+) phút", created.stderr) or re.search(r"\t(\d+) min\t", listed)
    assert minutes is not None
    assert f"\t{minutes.group(1)} min\t" in listed  # the duration is the blueprint's time limit

    imported = sandbox_cli("import-candidates", exam, str(good_csv), env=env)

    assert imported.returncode == 0, imported.stderr
    assert "Drawing 3 papers from blueprint thuc-hanh-2026:" in imported.stdout
    assert re.search(r"^  CT001 +9 câu, 40 điểm  \(\d+\.\d s\)$", imported.stdout, re.M), imported.stdout
    assert "3 papers" in imported.stdout
    assert "Import candidates on the exam day." in imported.stdout  # the exam is a year ahead
    papers = papers_in(tmp_path, exam)
    assert sorted(papers) == ["CT001", "CT002", "CT003"]
    pools = [[pool for _, pool, _ in paper] for paper in papers.values()]
    assert pools[0] == pools[1] == pools[2]  # the same mix on every paper
    assert all(pool is not None for pool in pools[0])
    shown = sandbox_cli("show-draw", exam, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "seed 2026, drawn from blueprint thuc-hanh-2026" in shown.stdout
    for number, paper in papers.items():
        line = next(line for line in shown.stdout.splitlines() if line.startswith(number))
        assert " 40 điểm " in line
        assert all(task_id in line for task_id, _, _ in paper)
    assert "Neighbouring seats: 2 pairs" in shown.stdout


def test_the_same_seed_draws_the_same_papers(env: dict[str, str], good_csv: Path, tmp_path: Path) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    first, second, other = (
        drawn_exam(env, "--seed", "7"),
        drawn_exam(env, "--seed", "7"),
        drawn_exam(env, "--seed", "8"),
    )
    for exam in (first, second, other):
        assert sandbox_cli("import-candidates", exam, str(good_csv), env=env).returncode == 0

    assert papers_in(tmp_path, first) == papers_in(tmp_path, second)
    assert papers_in(tmp_path, first) != papers_in(tmp_path, other)


def test_an_unknown_blueprint_is_refused_naming_the_known_ones(env: dict[str, str]) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    sentence = assert_refused(
        sandbox_cli("create-exam", "--name", "Đợt 1", "--date", AHEAD.isoformat(), "--start", "08:00",
                    "--blueprint", "thuc-hanh-2025", env=env)
    )  # fmt: skip
    assert sentence == (
        "error: There is no blueprint 'thuc-hanh-2025' in the bank's blueprints/; "
        "blueprints: chung-ket-2026, thuc-hanh-2026."
    )
    assert sandbox_cli("list-exams", env=env).stdout == ""


def test_candidates_are_not_drawn_from_a_blueprint_changed_since_the_exam_was_created(
    env: dict[str, str], good_csv: Path, tmp_path: Path
) -> None:
    bank = tmp_path / "tasks"
    shutil.copytree(Path(__file__).resolve().parents[2] / "tasks", bank)
    env = {**env, "SATHACH_TASKS_DIR": str(bank)}
    assert sandbox_cli("init-db", env=env).returncode == 0
    exam = drawn_exam(env)
    blueprint = bank / "blueprints" / "thuc-hanh-2026.yaml"
    blueprint.write_text(blueprint.read_text(encoding="utf-8") + "# sửa sau khi tạo kỳ thi\n", encoding="utf-8")

    sentence = assert_refused(sandbox_cli("import-candidates", exam, str(good_csv), env=env))

    assert sentence == (
        f"error: The blueprint 'thuc-hanh-2026' or the tasks of its pools have changed since exam {exam} was "
        "created, so new candidates would not be drawn like the others: restore the file, or create a new exam."
    )
    assert sandbox_cli("credentials", exam, env=env).stdout.splitlines()[1:] == []  # nobody was imported


def test_an_exam_too_short_for_its_papers_or_closed_is_refused(env: dict[str, str], good_csv: Path) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    sentence = assert_refused(
        sandbox_cli("create-exam", "--name", "Đợt 1", "--date", AHEAD.isoformat(), "--start", "08:00",
                    "--duration", "10", env=env)
    )  # fmt: skip
    assert "a 10-minute exam is too short for it" in sentence
    exam = drawn_exam(env)
    assert sandbox_cli("close-exam", exam, env=env).returncode == 0
    sentence = assert_refused(sandbox_cli("import-candidates", exam, str(good_csv), env=env))
    assert sentence == f"error: Exam {exam} is closed: nobody can be added to it."


def test_draw_papers_sets_up_what_an_import_left_undone_as_the_import_would_have(
    env: dict[str, str], good_csv: Path, tmp_path: Path
) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    imported, resumed = drawn_exam(env, "--seed", "41"), drawn_exam(env, "--seed", "41")
    assert sandbox_cli("import-candidates", imported, str(good_csv), env=env).returncode == 0
    # An import that stopped after adding the list: candidates without papers (what a failed
    # setup or a Ctrl-C leaves behind).
    people = parse_candidates(good_csv.read_bytes(), str(good_csv), taken=set())
    db = Database(f"sqlite:///{tmp_path / 'sathach.db'}")
    roster.import_candidates(db, int(resumed), people, secret=b"k" * 32, now=EXAM_START)
    db.dispose()
    assert "(chưa có đề)" in sandbox_cli("show-draw", resumed, env=env).stdout

    drawn = sandbox_cli("draw-papers", resumed, env=env)

    assert drawn.returncode == 0, drawn.stderr
    assert "Drawing 3 papers from blueprint thuc-hanh-2026:" in drawn.stdout
    assert papers_in(tmp_path, resumed) == papers_in(tmp_path, imported)
    # And what the room stored is what the draw computes, seat after seat.
    bank = exam_draw.load(Path(__file__).resolve().parents[2] / "tasks")
    expected = draw_papers(
        bank.blueprint("thuc-hanh-2026"), bank.tasks, seed=41, seats=["CT001", "CT002", "CT003"], exam_day=AHEAD
    )
    stored = papers_in(tmp_path, resumed)
    for paper in expected:
        assert [task_id for task_id, _, _ in stored[paper.seat]] == list(paper.task_ids)
        assert [json.loads(params) for _, _, params in stored[paper.seat]] == [t.params for t in paper.tasks]
    again = sandbox_cli("draw-papers", resumed, env=env)
    assert again.returncode == 0, again.stderr
    assert "Drawing 0 papers" in again.stdout
    assert papers_in(tmp_path, resumed) == papers_in(tmp_path, imported)


def test_an_import_that_stops_halfway_keeps_the_papers_set_up_and_draw_papers_finishes_it(
    env: dict[str, str],
    good_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert sandbox_cli("init-db", env=env).returncode == 0
    whole, stopped = drawn_exam(env, "--seed", "43"), drawn_exam(env, "--seed", "43")
    assert sandbox_cli("import-candidates", whole, str(good_csv), env=env).returncode == 0
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # The second seat's setup fails (what a broken fixture or a full disk would do), in-process.
    real_draw = exam_draw.draw_seat

    def failing_on_ct002(conn: Any, exam: Any, candidate: Any, *args: Any, **kwargs: Any) -> Any:
        if candidate.so_bao_danh == "CT002":
            raise SetupError("Không ghi được tệp dự thảo.")
        return real_draw(conn, exam, candidate, *args, **kwargs)

    monkeypatch.setattr(exam_draw, "draw_seat", failing_on_ct002)

    status = cli.main(["import-candidates", stopped, str(good_csv)])

    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err == (
        "error: CT002's paper could not be set up (Không ghi được tệp dự thảo); 1 of 3 papers are set up, and "
        f"`python -m sandbox draw-papers {stopped}` sets up the rest once that is fixed."
    )
    assert {number: bool(paper) for number, paper in papers_in(tmp_path, stopped).items()} == {"CT001": True}
    shown = sandbox_cli("show-draw", stopped, env=env).stdout
    assert "2 candidates have no paper yet" in shown, shown
    assert "1 papers, 1 different sets of tasks." in shown
    assert "Neighbouring seats: 0 pairs" in shown  # an empty seat is nobody's neighbour

    monkeypatch.setattr(exam_draw, "draw_seat", real_draw)
    assert cli.main(["draw-papers", stopped]) == 0
    assert "Drawing 2 papers from blueprint thuc-hanh-2026:" in capsys.readouterr().out
    assert papers_in(tmp_path, stopped) == papers_in(tmp_path, whole)  # as if it had never stopped
