"""Jinja2 in task specs: instructions, setup arguments and rubric values may use a task's params
(``{{ lead_unit }}``) and the candidate (``{{ candidate.ho_ten }}``).

The environment is sandboxed (an author's template cannot reach Python) and strict: an
undefined name is an error, found at validate time by ``variables_of``, never a blank in a
candidate's instructions. A value that is one expression and nothing else (``"{{ due }}"``)
keeps its type, so a date param compared with ``gt`` stays a date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from graderd.spec.problems import Mark, Problems

# What every template may use besides the task's params.
BUILTIN_NAMES = frozenset({"candidate"})
CANDIDATE_FIELDS = ("ho_ten", "so_bao_danh", "chuc_vu", "don_vi", "email")

_ONE_NAME = re.compile(r"^\{\{\s*([A-Za-z_]\w*)\s*\}\}$")


class VnDate(dt.date):
    """A date that prints as Vietnamese documents write it: 27/11/2026."""

    def __str__(self) -> str:
        return self.strftime("%d/%m/%Y")

    @classmethod
    def of(cls, day: dt.date) -> VnDate:
        return cls(day.year, day.month, day.day)


def _vn_date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
ENV.filters["ngay"] = _vn_date
ENV.filters["iso"] = _iso
# Unseeded randomness would make instructions and checks differ between renders and regrades.
del ENV.filters["random"]
del ENV.globals["lipsum"]


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


@dataclass(frozen=True, slots=True)
class Template:
    """A text with Jinja in it, compiled once, rendered per candidate."""

    source: str
    mark: Mark
    names: frozenset[str]
    _compiled: Any = field(repr=False, compare=False)

    def render(self, context: Mapping[str, Any]) -> Any:
        single = _ONE_NAME.match(self.source)
        if single is not None:
            return context[single.group(1)]
        return self._compiled.render(context)


def compile_template(text: str, mark: Mark, problems: Problems, *, known: frozenset[str]) -> Template | None:
    """Compile ``text``; report a syntax error or a name that is neither a param nor a builtin."""
    try:
        ast = ENV.parse(text)
        compiled = ENV.from_string(ast)
    except TemplateError as exc:
        line = getattr(exc, "lineno", 1) or 1
        problems.add(_shift(mark, line), f"template error: {exc.message or exc}")
        return None
    names = frozenset(meta.find_undeclared_variables(ast))
    unknown = sorted(names - known - BUILTIN_NAMES)
    for name in unknown:
        hint = f"; params: {', '.join(sorted(known))}" if known else "; this task has no params"
        problems.add(_shift(mark, _line_of(ast, name)), f"the template uses {name!r}, which is not defined{hint}")
    return Template(text, mark, names, compiled) if not unknown else None


def _line_of(ast: nodes.Template, name: str) -> int:
    for node in ast.find_all(nodes.Name):
        if node.name == name:
            return int(node.lineno)
    return 1


def _shift(mark: Mark, line: int) -> Mark:
    """The place of a template's line ``line`` (1-based) in the file: block scalars start below their key."""
    if line <= 1:
        return mark
    return Mark(mark.path, mark.line + line - 1, 1)
