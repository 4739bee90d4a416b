"""The demo paper: the tasks under ``tasks/demo/``, rendered for each demo candidate.

This reads only the header of a task (id, title, service, points, instructions). The full
task-spec language, with parameters, setup, rubric and exemplars, is graderd's
(``graderd/spec``); until it lands, the demo tasks carry no rubric and are not graded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from mock_services.core.accounts import Candidate
from mock_services.core.errors import SathachError
from mock_services.core.exams import Assignment
from mock_services.core.services import SERVICE_TITLES

DEMO_DIR = Path(__file__).resolve().parent.parent / "tasks" / "demo"
_KEYS = {"id", "title", "service", "points", "instructions"}
_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


class DemoTaskError(SathachError):
    """A demo task file is malformed; the message starts with the file's path."""


@dataclass(frozen=True, slots=True)
class DemoTask:
    id: str
    title: str
    service: str
    points: Decimal
    instructions: str

    def for_candidate(self, position: int, candidate: Candidate) -> Assignment:
        text = _env.from_string(self.instructions).render(
            ho_ten=candidate.ho_ten, so_bao_danh=candidate.so_bao_danh, don_vi=candidate.don_vi
        )
        return Assignment(position, self.id, self.title, self.service, self.points, text.strip(), {})


def load_demo_tasks(directory: Path = DEMO_DIR) -> list[DemoTask]:
    return [_load(path) for path in sorted(directory.glob("*.yaml"))]


def _load(path: Path) -> DemoTask:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DemoTaskError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DemoTaskError(f"{path}: a task is a mapping with keys {sorted(_KEYS)}")
    if set(data) != _KEYS:
        raise DemoTaskError(f"{path}: keys must be exactly {sorted(_KEYS)}, found {sorted(data)}")
    if data["service"] not in SERVICE_TITLES:
        raise DemoTaskError(f"{path}: service {data['service']!r} is not one of {sorted(SERVICE_TITLES)}")
    try:
        points = Decimal(str(data["points"]))
    except InvalidOperation:
        raise DemoTaskError(f"{path}: points {data['points']!r} is not a number") from None
    try:
        _env.parse(data["instructions"])
    except TemplateError as exc:
        raise DemoTaskError(f"{path}: instructions: {exc}") from None
    return DemoTask(str(data["id"]), str(data["title"]), data["service"], points, str(data["instructions"]))
