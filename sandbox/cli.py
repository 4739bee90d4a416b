"""`python -m sandbox …`: the operator's commands for an exam room.

Every command reads its settings from the environment (``SATHACH_…``, see docs/settings.md)
and reports a problem as one sentence on stderr with exit status 2; nothing is half done (an
import adds the whole list or nobody; its papers are set up one by one, and `draw-papers`
finishes them should it stop).
"""

from __future__ import annotations

import argparse
import csv
import logging
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from mock_services import catalog
from mock_services.core.accounts import candidates_of_exam, existing_numbers, find_operator
from mock_services.core.clock import utcnow
from mock_services.core.db import Database
from mock_services.core.errors import SathachError
from mock_services.core.exams import Exam, assignments_for, create_exam, get_exam, list_exams
from mock_services.core.formatting import points
from mock_services.core.settings import RoomSettings, describe_invalid
from mock_services.core.verify import verify_log
from sandbox import closing, exam_draw, roster
from sandbox.candidates_csv import parse_candidates
from sandbox.demo import DemoExam, DemoRoom, ensure_demo
from sandbox.exam_draw import DEFAULT_BLUEPRINT
from sandbox.schedule import check_duration, parse_date, parse_time, starts_at

Command = Callable[[argparse.Namespace, RoomSettings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = RoomSettings()
    except ValidationError as exc:
        print(f"error: {describe_invalid(exc)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    command: Command = args.command
    try:
        return command(args, settings)
    except SathachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Sát hạch: the exam room's commands.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(command=func)
        return p

    p = command("run", cmd_run, "Boot the room: room server, SMTP listener and graderd; Ctrl-C stops them.")
    p.add_argument("--demo", action="store_true", help="create (or reuse) the demo exam and print its logins")
    p.add_argument("--reset", action="store_true", help="delete the SQLite data under the data directory first")

    command("init-db", cmd_init_db, "Create the database schema, or upgrade it to this version.")

    p = command("create-exam", cmd_create_exam, "Create an exam and print its id.")
    p.add_argument("--name", required=True, help="the exam's name, as candidates will see it")
    p.add_argument("--date", required=True, help="the day, e.g. 2026-11-24 or 24/11/2026 (room time zone)")
    p.add_argument("--start", required=True, help="start time, e.g. 08:00")
    p.add_argument("--duration", type=int, help="minutes (default: the blueprint's time limit)")
    p.add_argument("--seed", type=_seed, help="seed of the per-candidate draws, 0 to 2^63-1 (default: random)")
    p.add_argument(
        "--blueprint",
        default=DEFAULT_BLUEPRINT,
        help=f"the blueprint each candidate's paper is drawn from, by id (default: {DEFAULT_BLUEPRINT})",
    )

    command("list-exams", cmd_list_exams, "List the exams of this room.")

    p = command("show-draw", cmd_show_draw, "Show an exam's blueprint and every candidate's drawn paper.")
    p.add_argument("exam", type=int, help="exam id")

    command("list-blueprints", cmd_list_blueprints, "List the bank's blueprints and what their papers hold.")

    p = command(
        "import-candidates",
        cmd_import,
        "Import candidates from a UTF-8 CSV (all rows or none) and draw their papers from the exam's blueprint.",
    )
    p.add_argument("exam", type=int, help="exam id")
    p.add_argument("csv", type=Path, help="CSV with columns Số báo danh, Họ và tên, Chức vụ, Đơn vị, Email")

    p = command(
        "draw-papers",
        cmd_draw_papers,
        "Draw and set up the papers of a drawn exam's candidates who have none (after an import that stopped).",
    )
    p.add_argument("exam", type=int, help="exam id")

    p = command("credentials", cmd_credentials, "Print each candidate's số báo danh and password.")
    p.add_argument("exam", type=int, help="exam id")
    p.add_argument("--csv", type=Path, help="also write them to this CSV (UTF-8, opens in Excel)")

    p = command("close-exam", cmd_close_exam, "Close an exam: no more logins, every open session ends.")
    p.add_argument("exam", type=int, help="exam id")

    p = command("reset-password", cmd_reset_password, "Give one candidate a new password and print it.")
    p.add_argument("exam", type=int, help="exam id")
    p.add_argument("so_bao_danh", help="the candidate's số báo danh")

    p = command("create-operator", cmd_create_operator, "Create an operator (giám thị) and print the password.")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="full name, shown on the proctor pages")

    p = command("reset-operator-password", cmd_reset_operator, "Give an operator a new password and print it.")
    p.add_argument("username")

    p = command("verify-log", cmd_verify, "Check every candidate's hash chain; exit 1 if any link is broken.")
    p.add_argument("--candidate", type=int, help="check only this candidate id")

    p = command("record-exemplars", cmd_record, "Record the task bank's exemplar traces from their scripted attempts.")
    p.add_argument("--bank", type=Path, default=Path("tasks"), help="the task bank's folder (default: tasks)")
    p.add_argument("--task", action="append", help="only this task id (may be repeated)")

    p = command("serve-room", cmd_serve_room, "Serve the room server alone (`run` starts it for you).")
    p.add_argument("--port-file", type=Path, help="write the listening port here once listening")
    p = command("serve-smtp", cmd_serve_smtp, "Serve the SMTP listener alone (`run` starts it for you).")
    p.add_argument("--port-file", type=Path, help="write the listening port here once listening")
    return parser


def cmd_record(args: argparse.Namespace, settings: RoomSettings) -> int:
    from sandbox.recording import record_bank

    for path in record_bank(args.bank, set(args.task) if args.task else None):
        print(f"recorded {path}")
    return 0


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("a seed is a whole number from 0 to 2^63-1")
    return value


def _database(settings: RoomSettings) -> Database:
    db = Database(settings.resolved_database_url)
    db.check()
    return db


def _ready_database(settings: RoomSettings) -> Database:
    db = _database(settings)
    catalog.check_schema(db)
    return db


def cmd_init_db(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _database(settings)
    outcome = catalog.prepare_schema(db)
    print(f"Database {db.display_url}: schema {outcome}.")
    return 0


def cmd_create_exam(args: argparse.Namespace, settings: RoomSettings) -> int:
    begin = starts_at(parse_date(args.date), parse_time(args.start), ZoneInfo(settings.timezone))
    name = " ".join(args.name.split())
    if not name or len(name) > 200:
        raise roster.RosterError("An exam's name is 1 to 200 characters.")
    blueprint = exam_draw.load(settings.tasks_dir).blueprint(args.blueprint)
    duration = check_duration(args.duration if args.duration is not None else blueprint.minutes)
    if duration < blueprint.longest_paper:
        raise roster.RosterError(
            f"A paper of blueprint {blueprint.id} can take {blueprint.longest_paper} minutes: "
            f"a {duration}-minute exam is too short for it (leave out --duration for {blueprint.minutes})."
        )
    seed = args.seed if args.seed is not None else secrets.randbits(63)
    db = _ready_database(settings)
    with db.write() as conn:
        exam = create_exam(
            conn,
            name=name,
            starts_at=begin,
            duration_minutes=duration,
            seed=seed,
            now=utcnow(),
            blueprint=blueprint.summary(),
        )
    print(exam.id)
    print("\n".join(exam_draw.describe_blueprint(blueprint)), file=sys.stderr)
    return 0


def cmd_show_draw(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    with db.read() as conn:
        roster.require_exam(conn, args.exam)
        print("\n".join(exam_draw.describe_draw(conn, get_exam(conn, args.exam))))
    return 0


def cmd_list_blueprints(args: argparse.Namespace, settings: RoomSettings) -> int:
    bank = exam_draw.load(settings.tasks_dir)
    for blueprint in bank.blueprints.values():
        print("\n".join(exam_draw.describe_blueprint(blueprint)))
    return 0


def cmd_list_exams(args: argparse.Namespace, settings: RoomSettings) -> int:
    tz = ZoneInfo(settings.timezone)
    db = _ready_database(settings)
    with db.read() as conn:
        exams = list_exams(conn)
    now = utcnow()
    for exam in exams:
        local = exam.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        print(f"{exam.id}\t{local}\t{exam.duration_minutes} min\t{exam.phase(now)}\t{exam.name}")
    return 0


def cmd_import(args: argparse.Namespace, settings: RoomSettings) -> int:
    path: Path = args.csv
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise roster.RosterError(f"Cannot read {path}: {exc.strerror}.") from None
    db = _ready_database(settings)
    with db.read() as conn:
        roster.require_exam(conn, args.exam)
        taken = existing_numbers(conn, args.exam)
        exam = get_exam(conn, args.exam)
    if exam.closed_at is not None:
        raise roster.RosterError(f"Exam {args.exam} is closed: nobody can be added to it.")
    people = parse_candidates(raw, str(path), taken=taken)
    bank = exam_draw.load(settings.tasks_dir) if exam.drawn_from is not None else None
    if bank is not None:
        exam_draw.blueprint_of(exam, bank)  # a changed blueprint refuses the import before anyone is added
    prepared = roster.prepare(people, secret=settings.secret())
    now = utcnow()
    with db.write() as conn:  # the whole list, or nobody
        roster.insert_candidates(conn, args.exam, prepared, now=now)
    print(f"Imported {len(prepared)} candidates into exam {args.exam}.")
    if bank is not None:
        _draw_papers(db, exam, bank, settings)
    return 0


def cmd_draw_papers(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    with db.read() as conn:
        roster.require_exam(conn, args.exam)
        exam = get_exam(conn, args.exam)
    if exam.closed_at is not None:
        raise roster.RosterError(f"Exam {args.exam} is closed: its papers can no longer be drawn.")
    if exam.drawn_from is None:
        raise exam_draw.DrawError(f"Exam {args.exam} has no blueprint: its papers are fixed, not drawn.")
    _draw_papers(db, exam, exam_draw.load(settings.tasks_dir), settings)
    return 0


def _draw_papers(db: Database, exam: Exam, bank: exam_draw.Bank, settings: RoomSettings) -> None:
    """Draw and set up the paper of every candidate still without one, in seat order, each in its
    own transaction: the room goes on serving other exams between two papers (one paper's setup
    takes a second or two), and a draw stopped halfway keeps what it finished. Seat order always
    (a stopped import's seats first) so that each seat is drawn after the seat before it."""
    blueprint = exam_draw.blueprint_of(exam, bank)
    assert blueprint is not None
    with db.read() as conn:
        waiting = exam_draw.waiting_for_paper(conn, exam)
    print(f"Drawing {len(waiting)} paper{'' if len(waiting) == 1 else 's'} from blueprint {blueprint.id}:")
    for done, candidate in enumerate(waiting):
        started = time.monotonic()
        try:
            with db.write() as conn:  # writers take turns: a paper drawn meanwhile is seen here
                if assignments_for(conn, candidate.id):
                    print(f"  {candidate.so_bao_danh:<10} already has a paper (drawn by another command meanwhile)")
                    continue
                seats = exam_draw.seated(candidates_of_exam(conn, exam.id))
                paper = exam_draw.draw_seat(
                    conn, exam, candidate, seats, blueprint, bank, settings=settings, now=utcnow()
                )
        except (Exception, KeyboardInterrupt) as exc:  # Ctrl-C, a setup that fails, a locked database
            why = "the command was stopped" if isinstance(exc, KeyboardInterrupt) else _reason(exc)
            raise exam_draw.DrawError(
                f"{candidate.so_bao_danh}'s paper could not be set up ({why}); {done} of {len(waiting)} papers "
                f"are set up, and `python -m sandbox draw-papers {exam.id}` sets up the rest once that is fixed."
            ) from None
        took = time.monotonic() - started
        print(f"  {candidate.so_bao_danh:<10} {len(paper.tasks)} câu, {points(paper.points)} điểm  ({took:.1f} s)")
    print(f"`show-draw {exam.id}` lists the papers.")
    with db.read() as conn:  # the whole room, as neighbours sit: earlier imports included
        print("\n".join(exam_draw.draw_view(conn, exam).report.lines()))
    tz = ZoneInfo(settings.timezone)
    exam_day, today = exam.day(tz), utcnow().astimezone(tz).date()
    if waiting and exam_day != today:
        print(
            f"Note: the exam is on {exam_day:%d/%m/%Y} and the tasks were set up today, {today:%d/%m/%Y}: "
            "a task that dates what it sets up dates it from today. Import candidates on the exam day."
        )


def _reason(exc: BaseException) -> str:
    """An error as a clause of the operator's sentence: ours as written, anything else named."""
    said = str(exc).strip().rstrip(".")
    return said if isinstance(exc, SathachError) else f"{type(exc).__name__}: {said}"


def cmd_credentials(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    creds = roster.credentials(db, args.exam, secret=settings.secret())
    width = max((len(c.candidate.ho_ten) for c in creds), default=10)
    print(f"{'SBD':<10} {'Họ và tên':<{width}} Mật khẩu")
    for cred in creds:
        print(f"{cred.candidate.so_bao_danh:<10} {cred.candidate.ho_ten:<{width}} {cred.password}")
    if args.csv:
        try:
            with args.csv.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads it as UTF-8
                writer = csv.writer(handle)
                writer.writerow(["Số báo danh", "Họ và tên", "Chức vụ", "Đơn vị", "Mật khẩu"])
                for cred in creds:
                    c = cred.candidate
                    writer.writerow([c.so_bao_danh, c.ho_ten, c.chuc_vu, c.don_vi, cred.password])
        except OSError as exc:
            raise roster.RosterError(f"Cannot write {args.csv}: {exc.strerror}.") from None
        print(f"Written to {args.csv}.")
    return 0


def cmd_close_exam(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    ended = closing.close(db, args.exam, now=utcnow())
    print(f"Exam {args.exam} is closed; {ended} open session(s) ended.")
    return 0


def cmd_reset_password(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    cred = roster.reset_password(db, args.exam, args.so_bao_danh, secret=settings.secret(), now=utcnow())
    print(f"{cred.candidate.so_bao_danh} {cred.candidate.ho_ten}: {cred.password}")
    return 0


def cmd_create_operator(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    password = roster.add_operator(db, args.username, " ".join(args.name.split()), now=utcnow())
    print(f"Operator {args.username.strip().casefold()}: {password}")
    return 0


def cmd_reset_operator(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    with db.read() as conn:
        found = find_operator(conn, args.username.strip().casefold())
    if found is None:
        raise roster.RosterError(f"There is no operator {args.username!r}.")
    password = roster.add_operator(db, args.username, found[0].ho_ten, now=utcnow(), reset=True)
    print(f"Operator {found[0].username}: {password}")
    return 0


def cmd_verify(args: argparse.Namespace, settings: RoomSettings) -> int:
    db = _ready_database(settings)
    with db.read() as conn:
        report = verify_log(conn, candidate_id=args.candidate)
    for broken in report.breaks:
        print(f"BROKEN {broken}")
    verdict = "intact" if report.ok else f"{len(report.breaks)} broken chain(s)"
    print(f"Checked {report.chains} chains, {report.events} events: {verdict}.")
    return 0 if report.ok else 1


def cmd_serve_room(args: argparse.Namespace, settings: RoomSettings) -> int:
    from mock_services.core.serving import bind, serve_asgi
    from sandbox.room import create_room_app

    app = create_room_app(settings, db=_database(settings))
    sock = bind(settings.host, settings.port, setting="SATHACH_PORT")
    serve_asgi(app, sock, log_level=settings.log_level, port_file=args.port_file)
    return 0


def cmd_serve_smtp(args: argparse.Namespace, settings: RoomSettings) -> int:
    from mock_services.core.serving import bind, serve_smtp
    from mock_services.mail.smtp import smtp_factory

    db = _database(settings)
    catalog.check_schema(db)
    sock = bind(settings.smtp_host, settings.smtp_port, setting="SATHACH_SMTP_PORT")
    serve_smtp(smtp_factory(settings, db, utcnow), sock, port_file=args.port_file)
    return 0


def cmd_run(args: argparse.Namespace, settings: RoomSettings) -> int:
    from mock_services.core.serving import port_check
    from sandbox import supervisor

    if args.reset:
        _reset(settings)
    db = _database(settings)
    outcome = catalog.prepare_schema(db)
    print(f"Database {db.display_url}: schema {outcome}.")
    try:
        demo = ensure_demo(db, settings=settings, now=utcnow()) if args.demo else None
    except KeyboardInterrupt:
        # Ctrl-C while the demo is being made: its transaction rolls back, nothing is half made.
        print("Room stopped.", flush=True)
        return 0
    finally:
        db.dispose()
    port_check(settings.host, settings.port, setting="SATHACH_PORT")
    port_check(settings.smtp_host, settings.smtp_port, setting="SATHACH_SMTP_PORT")
    port_check(settings.graderd_host, settings.graderd_port, setting="SATHACH_GRADERD_PORT")
    return supervisor.run_room(settings.data_dir / "run", lambda ports: _print_banner(settings, ports, demo))


def _reset(settings: RoomSettings) -> None:
    if settings.database_url:
        raise roster.RosterError(
            "--reset only deletes the default SQLite database under the data directory, and "
            "SATHACH_DATABASE_URL points elsewhere: delete or drop that database yourself to start afresh."
        )
    if settings.data_dir.exists():
        for name in ("sathach.db", "sathach.db-wal", "sathach.db-shm", "run"):
            target = settings.data_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
    print(f"Reset: the room's data under {settings.data_dir} was deleted.")


def _grader_token_line() -> str:
    from graderd.settings import GraderSettings

    grader = GraderSettings()
    if grader.grader_token is not None:
        return "mã truy cập: SATHACH_GRADER_TOKEN"
    return f"mã truy cập {grader.token()}"


def _exam_line(label: str, demo: DemoExam) -> str:
    state = "created" if demo.created else ("restarted from now" if demo.restarted else "reused")
    return f"{label} #{demo.exam.id} ({state}): {demo.exam.name}"


def _login_lines(demo: DemoExam) -> list[str]:
    return [
        f"  Thí sinh  SBD {c.candidate.so_bao_danh}  mật khẩu {c.password}  thư {c.candidate.email}  "
        f"({c.candidate.ho_ten})"
        for c in demo.credentials
    ]


def _print_banner(settings: RoomSettings, ports: dict[str, int], demo: DemoRoom | None) -> None:
    room = f"http://{settings.host}:{ports['room']}"
    lines = [
        "",
        "Sát hạch: the exam room is running. Ctrl-C stops it.",
        f"  Phòng thi (candidates):   {room}/",
        f"  Giám thị (proctor):       {room}/giam-thi/",
        f"  SMTP listener:            {settings.smtp_host}:{ports['smtp']}",
        f"  graderd (người chấm):     http://{settings.graderd_host}:{ports['graderd']}/  {_grader_token_line()}",
    ]
    if demo is not None:
        blueprint = demo.blueprint
        lines += [
            "",
            _exam_line("Demo exam", demo.drawn),
            f"  drawn from blueprint {blueprint.id}: "
            f"{blueprint.tasks_per_paper} tasks, {blueprint.points} points, {blueprint.minutes} minutes",
        ]
        lines += _login_lines(demo.drawn)
        lines += ["", _exam_line("Practice exam", demo.practice), "  ôn tập: every task of the bank on one paper"]
        lines += _login_lines(demo.practice)
        lines += ["", f"  Giám thị  {demo.operator}  mật khẩu {demo.operator_password}"]
    print("\n".join(lines) + "\n", flush=True)
