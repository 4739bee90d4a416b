"""`python -m graderd …`: graderd's commands.

- ``validate [FOLDER]``: lint the task bank and its blueprints (every problem of every file, as path:line:col).
- ``test [FOLDER]``: grade every exemplar trace and compare with the points it promises.
- ``bank [FOLDER]``: the bank report: tasks per service and difficulty, points, exemplars, blueprints.
- ``serve``: the grader daemon and its HTTP API (started by ``make run``).
- ``grade EXAM``: grade every candidate of an exam now and store the results.
- ``regrade EXAM [--candidate SBD] [--dry-run]``: grade again, showing what changes.
- ``export EXAM --format csv|xlsx|json|items.csv [--out FILE]``: the score table (items.csv: every
  rubric item with its evidence; XLSX and JSON carry the items too).
- ``verify [--candidate ID]``: check the action log's hash chains.

Exit status: 0 when all is well, 1 when the bank has problems or an exemplar fails, 2 for a
command that could not run (bad settings, unreadable database).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from graderd.exports import FORMATS
from graderd.settings import GraderSettings
from graderd.spec.blueprint import Blueprint
from graderd.spec.model import TaskSpec
from graderd.spec.problems import SpecError
from mock_services.core.errors import SathachError
from mock_services.core.settings import describe_invalid

DEFAULT_BANK = Path("tasks")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graderd", description="Sát hạch's grader.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND", dest="command")
    validate = sub.add_parser("validate", help="lint the task bank: every problem, as path:line:col")
    validate.add_argument("bank", nargs="?", type=Path, default=DEFAULT_BANK, help="folder of task files (tasks/)")
    test = sub.add_parser("test", help="grade every task's exemplars and check the points they promise")
    test.add_argument("bank", nargs="?", type=Path, default=DEFAULT_BANK, help="folder of task files (tasks/)")
    test.add_argument("--verbose", "-v", action="store_true", help="print every item of every exemplar")
    report = sub.add_parser("bank", help="the bank report: tasks per service and difficulty, exemplars, blueprints")
    report.add_argument("bank", nargs="?", type=Path, default=DEFAULT_BANK, help="folder of task files (tasks/)")
    serve = sub.add_parser("serve", help="serve graderd's HTTP API, following the log")
    serve.add_argument("--port-file", type=Path, help="write the listening port here once listening")
    grade = sub.add_parser("grade", help="grade every candidate of an exam now, and store the results")
    grade.add_argument("exam", type=int, help="exam id")
    regrade = sub.add_parser("regrade", help="grade an exam (or one candidate) again and show what changes")
    regrade.add_argument("exam", type=int, help="exam id")
    regrade.add_argument("--candidate", help="số báo danh: only this candidate")
    regrade.add_argument("--dry-run", action="store_true", help="show the changes, store nothing")
    exporting = sub.add_parser(
        "export", help="write an exam's score table (CSV, XLSX, JSON) or every item's grading (items.csv)"
    )
    exporting.add_argument("exam", type=int, help="exam id")
    exporting.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="csv (UTF-8 with BOM), xlsx, json, or items.csv (every rubric item with its evidence)",
    )
    exporting.add_argument("--out", type=Path, help="file to write (default: standard output)")
    verify = sub.add_parser("verify", help="check the action log's hash chains; exit 1 if one is broken")
    verify.add_argument("--candidate", type=int, help="only this candidate id")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.bank)
    if args.command == "test":
        return _test(args.bank, verbose=args.verbose)
    if args.command == "bank":
        return _bank(args.bank)
    try:
        settings = GraderSettings()
    except ValidationError as exc:
        print(f"error: {describe_invalid(exc)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "serve":
            return _serve(settings, args.port_file)
        return _database_command(args, settings)
    except SathachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _load(bank: Path) -> list[TaskSpec] | None:
    loaded = _load_with_blueprints(bank)
    return None if loaded is None else loaded[0]


def _load_with_blueprints(bank: Path) -> tuple[list[TaskSpec], list[Blueprint]] | None:
    from graderd.spec.blueprint import load_blueprints
    from graderd.spec.load import load_bank

    if not bank.is_dir():
        print(f"error: {bank} is not a folder of task files", file=sys.stderr)
        return None
    try:
        tasks = list(load_bank(bank))
        return tasks, load_blueprints(bank, tasks)
    except SpecError as exc:
        print(exc, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} in {bank}", file=sys.stderr)
        return None


def _validate(bank: Path) -> int:
    loaded = _load_with_blueprints(bank)
    if loaded is None:
        return 1
    tasks, blueprints = loaded
    print(
        f"{len(tasks)} task{'s' if len(tasks) != 1 else ''} and {len(blueprints)} "
        f"blueprint{'s' if len(blueprints) != 1 else ''} in {bank}: all valid"
    )
    return 0


def _bank(folder: Path) -> int:
    from graderd.bank import bank_report
    from graderd.exemplars import run_all

    loaded = _load_with_blueprints(folder)
    if loaded is None:
        return 1
    tasks, blueprints = loaded
    runs = run_all(tasks)
    print(bank_report(tasks, blueprints, runs))
    return 0 if all(run.ok for run in runs) else 1


def _test(bank: Path, *, verbose: bool) -> int:
    from graderd.exemplars import run_all

    tasks = _load(bank)
    if tasks is None:
        return 1
    runs = run_all(tasks)
    for run in runs:
        if verbose or not run.ok:
            print(run)
        if verbose and run.ok and run.result is not None:
            for item in run.result.items:
                print(f"    {item.id}: {item.outcome.value} {item.points}/{item.max_points}: {item.explanation}")
    failed = [run for run in runs if not run.ok]
    print(f"{len(runs)} exemplars of {len(tasks)} tasks: {len(runs) - len(failed)} ok, {len(failed)} failed")
    return 1 if failed else 0


def _database_command(args: argparse.Namespace, settings: GraderSettings) -> int:
    from graderd.daemon import Grader
    from graderd.exports import export
    from graderd.scores import score_table
    from graderd.store import ensure_tables
    from mock_services.core.db import Database
    from mock_services.core.exams import find_exam
    from mock_services.core.migrations import check_schema
    from mock_services.core.verify import verify_log

    db = Database(settings.resolved_database_url)
    db.check()
    check_schema(db)
    if args.command == "verify":
        with db.read() as conn:
            report = verify_log(conn, candidate_id=args.candidate)
        for found in report.breaks:
            print(f"broken: {found}")
        print(f"{report.chains} chains, {report.events} events: {'intact' if report.ok else 'BROKEN'}")
        return 0 if report.ok else 1
    ensure_tables(db)
    with db.read() as conn:
        if find_exam(conn, args.exam) is None:
            raise SathachError(f"there is no exam {args.exam} in this room (see python -m sandbox list-exams)")
    if args.command == "export":
        with db.read() as conn:
            data = export(score_table(conn, args.exam), args.format)
        if args.out is None:
            sys.stdout.buffer.write(data)
        else:
            args.out.write_bytes(data)
            print(f"wrote {args.out}")
        return 0
    bank = _bank_or_raise(settings.tasks_dir)
    grader = Grader(db, bank)
    if args.command == "grade":
        outcome = grader.regrade(exam_id=args.exam, dry_run=False)
        print(f"graded {outcome.candidates} candidates of exam {args.exam}")
        return 0
    candidate_id = None
    if args.candidate:
        from graderd.api import candidate_id_of

        candidate_id = candidate_id_of(db, args.exam, args.candidate)
        if candidate_id is None:
            raise SathachError(f"exam {args.exam} has no candidate {args.candidate}")
    outcome = grader.regrade(exam_id=args.exam, candidate_id=candidate_id, dry_run=args.dry_run)
    for change in outcome.changes:
        old = "-" if change.old_points is None else change.old_points
        print(f"{change.so_bao_danh} {change.task_id}: {old} → {change.new_points}")
        for item in change.items:
            print(f"    {item}")
    verb = "would change" if args.dry_run else "changed"
    print(f"{len(outcome.changes)} results {verb} ({outcome.candidates} candidates graded)")
    return 0


def _bank_or_raise(folder: Path) -> list[TaskSpec]:
    from graderd.spec.load import load_bank

    try:
        return load_bank(folder)
    except SpecError as exc:
        raise SathachError(f"the task bank {folder} has problems (python -m graderd validate):\n{exc}") from None


def _serve(settings: GraderSettings, port_file: Path | None) -> int:
    from graderd.app import create_grader_app, following
    from mock_services.core.db import Database
    from mock_services.core.serving import bind, serve_asgi

    db = Database(settings.resolved_database_url)
    db.check()
    app = create_grader_app(db, bank=_bank_or_raise(settings.tasks_dir), token=settings.token())
    sock = bind(settings.graderd_host, settings.graderd_port, setting="SATHACH_GRADERD_PORT")
    with following(app.state.grader):
        serve_asgi(app, sock, log_level=settings.log_level, port_file=port_file)
    return 0
