"""`python -m graderd …`: graderd's commands.

- ``validate [FOLDER]``: lint the task bank (every problem of every file, as path:line:col).
- ``test [FOLDER]``: grade every exemplar trace and compare with the points it promises.
- ``serve``: the grader daemon and its HTTP API.

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

from graderd.settings import GraderSettings
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
    serve = sub.add_parser("serve", help="serve graderd's HTTP API")
    serve.add_argument("--port-file", type=Path, help="write the listening port here once listening")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.bank)
    if args.command == "test":
        return _test(args.bank, verbose=args.verbose)
    try:
        settings = GraderSettings()
    except ValidationError as exc:
        print(f"error: {describe_invalid(exc)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        return _serve(settings, args.port_file)
    except SathachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _load(bank: Path) -> list[TaskSpec] | None:
    from graderd.spec.load import load_bank

    if not bank.is_dir():
        print(f"error: {bank} is not a folder of task files", file=sys.stderr)
        return None
    try:
        return list(load_bank(bank))
    except SpecError as exc:
        print(exc, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} in {bank}", file=sys.stderr)
        return None


def _validate(bank: Path) -> int:
    tasks = _load(bank)
    if tasks is None:
        return 1
    print(f"{len(tasks)} task{'s' if len(tasks) != 1 else ''} in {bank}: all valid")
    return 0


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


def _serve(settings: GraderSettings, port_file: Path | None) -> int:
    from graderd.app import create_grader_app
    from mock_services.core.db import Database
    from mock_services.core.serving import bind, serve_asgi

    db = Database(settings.resolved_database_url)
    db.check()
    app = create_grader_app(db)
    sock = bind(settings.graderd_host, settings.graderd_port, setting="SATHACH_GRADERD_PORT")
    serve_asgi(app, sock, log_level=settings.log_level, port_file=port_file)
    return 0
