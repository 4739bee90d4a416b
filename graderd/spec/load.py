"""Loading task files: parse, validate, compile, in that order, with every problem reported.

``load_bank`` reads every ``*.yaml`` under a folder; on top of each file's own checks it
requires ids to be unique across the bank. ``load_task`` reads one file. Both raise
``SpecError`` listing all problems as ``path:line:col: message``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graderd.spec.blueprint import BLUEPRINTS
from graderd.spec.model import (
    DIFFICULTIES,
    EXAMPLE_CANDIDATE,
    EXAMPLE_DAY,
    EXEMPLAR_KINDS,
    Exemplar,
    SetupStep,
    TaskSpec,
    render_tree,
)
from graderd.spec.params import Param, parse_params, seeded_random
from graderd.spec.problems import Mark, Problems, did_you_mean, unique_ids
from graderd.spec.rubric import Item, RubricParser
from graderd.spec.shape import check_kind, keys_of, points_of
from graderd.spec.source import Node, load_file, shown_path
from graderd.spec.templates import CANDIDATE_FIELDS, compile_template, is_template
from graderd.trace import read_trace
from mock_services.contract import lookup_operation, operations
from mock_services.core.services import SERVICE_TITLES
from mock_services.core.setup_ops import SetupError

_TASK_ID = re.compile(r"^([a-z]+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
OUTCOME_NAMES = ("passed", "failed", "not_gradable")


def load_bank(root: Path, *, shown_from: Path | None = None, traces: bool = True) -> list[TaskSpec]:
    """Every task under ``root``, sorted by path; all problems of all files at once.

    ``traces=False`` skips reading the exemplars' traces: for recording them."""
    problems = Problems()
    # Exam blueprints are not tasks (graderd.spec.blueprint).
    paths = [path for path in sorted(root.rglob("*.yaml")) if path.relative_to(root).parts[0] != BLUEPRINTS]
    loaded = (_load(path, problems, shown_as=shown_path(path, shown_from), traces=traces) for path in paths)
    tasks = unique_ids(loaded, "task", problems)
    problems.raise_if_any()
    return tasks


def load_task(path: Path, *, shown_from: Path | None = None) -> TaskSpec:
    problems = Problems()
    task, _ = _load(path, problems, shown_as=shown_path(path, shown_from))
    problems.raise_if_any()
    assert task is not None
    return task


def _load(path: Path, problems: Problems, *, shown_as: str, traces: bool = True) -> tuple[TaskSpec | None, Mark | None]:
    before = len(problems.found)
    root = load_file(path, problems, shown_as=shown_as)
    if root is None:
        return None, None
    keys = keys_of(
        root,
        problems,
        what="a task",
        required={
            "id": "text",
            "title": "text",
            "service": "text",
            "points": "number",
            "difficulty": "text",
            "minutes": "integer",
            "instructions": "text",
            "rubric": "list",
            "exemplars": "list",
        },
        optional={"params": "any", "setup": "list"},
    )
    task_id = _task_id(keys, problems)
    points = points_of(keys["points"], problems, what="points") if "points" in keys else None
    difficulty = _difficulty(keys["difficulty"], problems) if "difficulty" in keys else None
    minutes = _minutes(keys["minutes"], problems) if "minutes" in keys else None
    params = parse_params(keys.get("params"), problems)
    names = frozenset(params)
    setup = _setup(keys["setup"], names, problems) if "setup" in keys else ()
    instructions = (
        compile_template(keys["instructions"].value, keys["instructions"].mark, problems, known=names)
        if "instructions" in keys
        else None
    )
    rubric = RubricParser(problems, names, path.parent).parse(keys["rubric"]) if "rubric" in keys else []
    if points is not None and "rubric" in keys:
        _points_add_up(rubric, points, keys["points"], problems)
    exemplars = (
        _exemplars(keys["exemplars"], path.parent, params, rubric, points, problems, traces=traces)
        if "exemplars" in keys
        else ()
    )
    if len(problems.found) > before or instructions is None or points is None or difficulty is None or not minutes:
        return None, None
    _check_draws(params, problems)
    if len(problems.found) > before:
        return None, None
    task = TaskSpec(
        id=task_id,
        title=keys["title"].value,
        service=keys["service"].value,
        points=points,
        difficulty=difficulty,
        minutes=minutes,
        params=params,
        setup=setup,
        instructions=instructions,
        rubric=tuple(rubric),
        exemplars=exemplars,
        path=path,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    _check_setup_arguments(task, problems)
    if len(problems.found) > before:
        return None, None
    return task, keys["id"].mark


def _task_id(keys: Mapping[str, Node], problems: Problems) -> str:
    task_id: str = keys["id"].value if "id" in keys else ""
    service = keys["service"].value if "service" in keys else None
    if service is not None and service not in SERVICE_TITLES:
        problems.add(
            keys["service"].mark,
            f"unknown service {service!r}{did_you_mean(service, SERVICE_TITLES)}; "
            f"services: {', '.join(SERVICE_TITLES)}",
        )
    if "id" in keys:
        match = _TASK_ID.match(task_id)
        if match is None:
            problems.add(
                keys["id"].mark,
                f"task id {task_id!r} must read service.name-in-lowercase, like mail.reply-with-attachment",
            )
        elif service in SERVICE_TITLES and match.group(1) != service:
            problems.add(keys["id"].mark, f"task id {task_id!r} must start with its service, {service}.")
    return task_id


def _difficulty(node: Node, problems: Problems) -> str | None:
    if node.value in DIFFICULTIES:
        return str(node.value)
    known = ", ".join(f"{key} ({name})" for key, name in DIFFICULTIES.items())
    problems.add(node.mark, f"unknown difficulty {node.value!r}{did_you_mean(str(node.value), DIFFICULTIES)}; {known}")
    return None


def _minutes(node: Node, problems: Problems) -> int | None:
    """The author's estimate of a prepared candidate's time: a whole number of minutes, 1 to 60."""
    if not 1 <= node.value <= 60:
        problems.add(node.mark, f"minutes is the time the task takes, 1 to 60, not {node.value}")
        return None
    return int(node.value)


def _points_add_up(rubric: list[Item], points: Decimal, node: Node, problems: Problems) -> None:
    earned = sum((item.points for item in rubric if not item.penalty), Decimal(0))
    if earned != points:
        problems.add(node.mark, f"points is {points}, but the rubric's items (penalties aside) add up to {earned}")


def _setup(node: Node, names: frozenset[str], problems: Problems) -> tuple[SetupStep, ...]:
    steps = []
    known = {operation.name for operation in operations()}
    for child in node.value:
        if not child.is_mapping or len(child.value) != 1:
            problems.add(child.mark, "a setup step is one operation with its arguments: {mail.deliver: {…}}")
            continue
        assert child.keys is not None
        [(name, arguments)] = child.value.items()
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            problems.add(
                child.keys[name], f"unknown setup operation {name!r}{did_you_mean(name, known)}; operations: {listed}"
            )
            continue
        if not check_kind(arguments, "mapping", problems, what=f"the arguments of {name}"):
            continue
        steps.append(SetupStep(name, _templated(arguments, names, problems), child.keys[name]))
    return tuple(steps)


def _templated(node: Node, names: frozenset[str], problems: Problems) -> Any:
    """The arguments as plain data, each text with {{ … }} compiled; marks kept for errors."""
    if node.is_mapping:
        return _MarkedDict({key: _templated(value, names, problems) for key, value in node.value.items()}, node)
    if node.is_sequence:
        return [_templated(item, names, problems) for item in node.value]
    if isinstance(node.value, str) and is_template(node.value):
        return compile_template(node.value, node.mark, problems, known=names) or node.value
    return node.value


class _MarkedDict(dict[str, Any]):
    """A dict of setup arguments that remembers where it was written, to place a pydantic error."""

    def __init__(self, values: dict[str, Any], node: Node) -> None:
        super().__init__(values)
        self.node = node


def _check_draws(params: Mapping[str, Param], problems: Problems) -> None:
    """Every param drawn a few times with example seeds: arguments a kind cannot draw from
    (a lowercase issuer, a range from 0) are the author's error now, not on exam day."""
    for name, param in params.items():
        for seed in range(3):
            try:
                param.draw(seeded_random(seed, "EXAMPLE", "validate", name), EXAMPLE_DAY)
            except (ValueError, TypeError, IndexError) as exc:
                problems.add(param.mark, f"param {name!r} cannot be drawn: {exc}")
                break


def _check_setup_arguments(task: TaskSpec, problems: Problems) -> None:
    """Render every setup step with the example draw and validate it against its operation's
    model: a bad argument is the author's error now, never a surprise on exam day."""
    context = task.context(task.example_params(), EXAMPLE_CANDIDATE)
    for step in task.setup:
        try:
            arguments = render_tree(step.arguments, context)
        except Exception as exc:
            problems.add(step.mark, f"{step.operation}: a template fails with the example params: {exc}")
            continue
        try:
            lookup_operation(step.operation).args.model_validate(arguments)
        except SetupError as exc:
            problems.add(step.mark, str(exc))
        except ValidationError as exc:
            for error in exc.errors():
                problems.add(_place(step.arguments, error["loc"], step.mark), f"{step.operation}: {_say(error)}")


def _place(arguments: Any, loc: tuple[Any, ...], fallback: Mark) -> Mark:
    """The mark of the argument a pydantic error points at, as deep as the location reaches."""
    mark, value = fallback, arguments
    for part in loc:
        if isinstance(value, _MarkedDict) and isinstance(part, str):
            node = value.node
            assert node.keys is not None
            mark = node.keys.get(part, node.mark)
            if part not in value:
                return node.mark
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            break
    return mark


def _say(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown argument {where!r}"
    if error["type"] == "missing":
        return f"the argument {where!r} is required"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _exemplars(
    node: Node,
    folder: Path,
    params: Mapping[str, Param],
    rubric: list[Item],
    points: Decimal | None,
    problems: Problems,
    *,
    traces: bool,
) -> tuple[Exemplar, ...]:
    found = []
    item_ids = {item.id for item in rubric} | {part.id for item in rubric for part in item.parts}
    for child in node.value:
        keys = keys_of(
            child,
            problems,
            what="an exemplar",
            required={"trace": "text", "kind": "text", "expect_points": "number"},
            optional={"params": "mapping", "candidate": "mapping", "expect": "mapping"},
        )
        if "trace" not in keys or "expect_points" not in keys:
            continue
        trace = folder / keys["trace"].value
        expected = points_of(keys["expect_points"], problems, what="expect_points")
        kind = _kind(keys["kind"], problems) if "kind" in keys else ""  # "": already said
        if kind and expected is not None and points is not None:
            _kind_fits(kind, expected, points, keys["expect_points"], problems)
        if traces and not trace.is_file():
            problems.add(keys["trace"].mark, f"no trace file {keys['trace'].value!r} next to the task")
        elif traces:
            read_trace(trace, problems, shown_as=_beside(keys["trace"].mark, keys["trace"].value))
        overrides = keys["params"].plain() if "params" in keys else {}
        for name, value in overrides.items():
            assert keys["params"].keys is not None
            if name not in params:
                problems.add(
                    keys["params"].keys[name],
                    f"the exemplar sets {name!r}, which is not a param{did_you_mean(name, params)}",
                )
            elif isinstance(value, dt.date):  # YAML read 2026-11-24 as a date; params are stored as JSON text
                problems.add(
                    keys["params"].value[name].mark,
                    f'write the date of {name!r} in quotes, as it is stored: "{value.isoformat()}"',
                )
        candidate = keys["candidate"].plain() if "candidate" in keys else {}
        for name in candidate:
            if name not in CANDIDATE_FIELDS:
                assert keys["candidate"].keys is not None
                problems.add(
                    keys["candidate"].keys[name],
                    f"unknown candidate field {name!r}; fields: {', '.join(CANDIDATE_FIELDS)}",
                )
        expect = keys["expect"].plain() if "expect" in keys else {}
        for name, outcome in expect.items():
            assert keys["expect"].keys is not None
            if name not in item_ids:
                problems.add(
                    keys["expect"].keys[name], f"{name!r} is not an item of the rubric{did_you_mean(name, item_ids)}"
                )
            if outcome not in OUTCOME_NAMES:
                problems.add(
                    keys["expect"].keys[name], f"an item is expected {', '.join(OUTCOME_NAMES)}, not {outcome!r}"
                )
        if expected is not None:
            found.append(
                Exemplar(trace, kind, expected, overrides, {**EXAMPLE_CANDIDATE, **candidate}, expect, child.mark)
            )
    _exemplars_cover(found, node, points, problems)
    return tuple(found)


def _beside(mark: Mark, name: str) -> str:
    return str(Path(mark.path).parent / name)


def _kind(node: Node, problems: Problems) -> str:
    if node.value in EXEMPLAR_KINDS:
        return str(node.value)
    listed = "; ".join(f"{key} ({meaning})" for key, meaning in EXEMPLAR_KINDS.items())
    problems.add(
        node.mark, f"unknown kind of exemplar {node.value!r}{did_you_mean(node.value, EXEMPLAR_KINDS)}; {listed}"
    )
    return ""


def _kind_fits(kind: str, expected: Decimal, points: Decimal, node: Node, problems: Problems) -> None:
    """An exemplar's points agree with what it claims to show."""
    if expected > points:
        return  # said once, as more than the task is worth
    wrong = {
        "full": expected != points and f"a full exemplar expects the task's {points} points, not {expected}",
        "empty": expected != 0 and f"an empty exemplar earns 0 points, not {expected}: nothing done earns nothing",
        "partial": not 0 < expected < points and f"a partial exemplar earns more than 0 and less than {points}",
        "wrong": expected >= points and f"a wrong exemplar earns less than the task's {points} points",
    }[kind]
    if wrong:
        problems.add(node.mark, wrong)


def _exemplars_cover(found: list[Exemplar], node: Node, points: Decimal | None, problems: Problems) -> None:
    """One exemplar of every kind: the rubric proved at both ends, in the middle, and against a
    mistake a candidate would plausibly make."""
    if not found:
        problems.add(node.mark, f"a task needs exemplars, one of each kind: {', '.join(EXEMPLAR_KINDS)}")
        return
    for exemplar in found:
        if points is not None and exemplar.expect_points > points:
            problems.add(
                exemplar.mark, f"an exemplar expects {exemplar.expect_points} points, more than the task's {points}"
            )
    kinds = {exemplar.kind for exemplar in found}
    if "" in kinds:
        return  # an exemplar without a (known) kind is already a problem; the cover is judged once all have one
    missing = [f"{kind} ({meaning})" for kind, meaning in EXEMPLAR_KINDS.items() if kind not in kinds]
    if missing:
        problems.add(node.mark, f"the exemplars need one of each kind; missing: {', '.join(missing)}")
