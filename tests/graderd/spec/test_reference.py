"""tasks/README.md is the reference of the task-spec language: it names everything the language
has, each in its own section, and every YAML example in it loads as what it shows.

YAML blocks are read by what they are:

- a whole task (a mapping with ``id``) is loaded as a task file, with a placeholder for every
  file its ``same_as`` names (its exemplar traces are not read);
- a part of a task (a mapping of top-level keys only, such as ``params:`` or ``setup:``) is
  completed into a minimal task and loaded;
- a list of rubric items is put into a minimal task (each param its templates name declared as a
  fixed value) and loaded;
- a block whose first line is ``# fragment`` is only read as strict YAML;
- a block whose first line is ``# blueprint`` is loaded as a blueprint against the real bank.

A problem is reported at its line in tasks/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2 import meta
from jinja2.filters import FILTERS

from graderd.spec.blueprint import load_blueprint
from graderd.spec.load import OUTCOME_NAMES, load_bank
from graderd.spec.modifiers import MODIFIERS, TEXT_OPTIONS
from graderd.spec.params import PARAM_KINDS
from graderd.spec.problems import Problems, SpecError
from graderd.spec.rubric import ACTORS, CHECK_KINDS, EVENT_ROOTS, state_kinds
from graderd.spec.source import load_file
from graderd.spec.templates import BUILTIN_NAMES, CANDIDATE_FIELDS, ENV, is_template
from mock_services.contract import operations
from mock_services.core.services import SERVICE_TITLES

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "tasks" / "README.md"
SHOWN = "tasks/README.md"
FRAGMENT = "# fragment"
BLUEPRINT = "# blueprint"
REAL_BANK = Path(__file__).resolve().parents[3] / "tasks"


# --- Reading the page


@dataclass(frozen=True, slots=True)
class Block:
    """A fenced code block: its language, the README line of its first line of code, its text."""

    lang: str
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{SHOWN}:{self.line}"


@dataclass(frozen=True, slots=True)
class Page:
    sections: dict[str, str]  # "## Title" → its text, subsections and code included
    blocks: dict[str, list[Block]]  # the same titles → their fenced blocks


def read_page(text: str) -> Page:
    sections: dict[str, list[str]] = {}
    blocks: dict[str, list[Block]] = {}
    title = ""
    fence: tuple[str, int, list[str]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if fence is not None:
            if line.startswith("```"):
                lang, start, lines = fence
                blocks.setdefault(title, []).append(Block(lang, start, "\n".join(lines) + "\n"))
                fence = None
            else:
                fence[2].append(line)
        elif line.startswith("```"):
            fence = (line[3:].strip(), number + 1, [])
        elif line.startswith("## "):
            title = line[3:].strip()
        sections.setdefault(title, []).append(line)
    assert fence is None, f"{SHOWN}:{fence[1] - 1}: a code block is not closed"
    return Page({name: "\n".join(lines) for name, lines in sections.items()}, blocks)


PAGE = read_page(README.read_text(encoding="utf-8"))


def section(title: str) -> str:
    assert title in PAGE.sections, f"{SHOWN} has no section '## {title}'; sections: {', '.join(PAGE.sections)}"
    return PAGE.sections[title]


def yaml_blocks(title: str | None = None) -> list[Block]:
    titles = [title] if title is not None else list(PAGE.blocks)
    return [block for name in titles for block in PAGE.blocks.get(name, []) if block.lang == "yaml"]


def subsection(title: str, heading: str) -> str:
    """The text under ``### heading`` of a section, up to the next ``###``."""
    text = section(title)
    start = text.find(f"\n### {heading}\n")
    assert start >= 0, f"section '## {title}' of {SHOWN} has no '### {heading}'"
    end = text.find("\n### ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def unnamed(names: Any, text: str) -> list[str]:
    return [name for name in names if f"`{name}`" not in text]


def keys_in(value: Any) -> Iterator[str]:
    """Every mapping key of a parsed YAML value, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from keys_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_in(item)


def keys_shown(title: str) -> set[str]:
    """The keys the YAML examples of a section use."""
    return {key for block in yaml_blocks(title) for key in keys_in(yaml.safe_load(block.text))}


# --- What the language has, from the code


def _known_keys(tmp_path: Path) -> dict[str, list[str]]:
    """The keys the loader knows, by what it reads ("a task", "a rubric item" …), from the lists its
    "unknown key" problems give: the loader holds them as arguments of its shape checks."""
    text = (
        "id: mail.keys\ntitle: t\nservice: mail\npoints: 1\ninstructions: i\nzzz: 1\n"
        "rubric:\n"
        "  - {id: a, points: 1, event: mail.message_sent, zzz: 1,"
        " where: {data.after.attachments: {any: {file: {zzz: 1}}}}}\n"
        "  - id: b\n    points: 0\n    sequence:\n      - {event: mail.message_opened, zzz: 1}\n"
        "      - {event: mail.message_sent}\n"
        "exemplars:\n  - {trace: a.jsonl, expect_points: 1, zzz: 1}\n"
    )
    (tmp_path / "keys.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_bank(tmp_path, traces=False)
    known: dict[str, list[str]] = {}
    for problem in raised.value.problems:
        found = re.search(r"unknown key 'zzz' in (.+?)(?: \(did you mean .*\))?; known: (.*)$", problem.message)
        found = found or re.search(
            r"unknown (file predicate) 'zzz'(?: \(did you mean .*\))?; known: (.*)$", problem.message
        )
        if found is not None:
            known[found.group(1)] = found.group(2).split(", ")
    return known


@pytest.fixture(scope="module")
def known_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    known = _known_keys(tmp_path_factory.mktemp("keys"))
    expected = {"a task", "a rubric item", "a sequence step", "an exemplar", "file predicate"}
    assert set(known) == expected, f"the loader's key lists were not all found: {sorted(known)}"
    return known


def custom_filters() -> list[str]:
    return sorted(set(ENV.filters) - set(FILTERS))


# --- (a) Everything the language has is named, in its section


NAMED = [
    ("Params", "param kinds (PARAM_KINDS)", list(PARAM_KINDS)),
    ("Rubric", "check kinds (CHECK_KINDS)", list(CHECK_KINDS)),
    ("Rubric", "kinds of state (rubric.state_kinds())", sorted(state_kinds())),
    ("Rubric", "actors (rubric.ACTORS)", list(ACTORS)),
    ("Modifiers", "modifiers and options (MODIFIERS)", list(MODIFIERS)),
    ("Setup", "setup operations (mock_services.contract.operations())", [op.name for op in operations()]),
    ("Templates", "candidate fields (CANDIDATE_FIELDS)", list(CANDIDATE_FIELDS)),
    ("Templates", "the spec's own Jinja filters", custom_filters()),
    ("Field paths", "event roots (rubric.EVENT_ROOTS)", sorted(EVENT_ROOTS)),
    ("Top-level keys", "services (SERVICE_TITLES)", list(SERVICE_TITLES)),
    ("Exemplars", "outcomes an exemplar may expect (load.OUTCOME_NAMES)", list(OUTCOME_NAMES)),
    ("Results", "outcomes (load.OUTCOME_NAMES)", list(OUTCOME_NAMES)),
]


@pytest.mark.parametrize(("title", "what", "names"), NAMED, ids=[f"{title}: {what}" for title, what, _ in NAMED])
def test_the_reference_names_everything_the_language_has(title: str, what: str, names: list[str]) -> None:
    assert names, f"no {what} found in the code"
    missing = unnamed(names, section(title))
    assert not missing, f"section '## {title}' of {SHOWN} does not name these {what}: {missing}"


KEYS_OF = [
    ("a task", "Top-level keys"),
    ("a rubric item", "Rubric"),
    ("a sequence step", "Rubric"),
    ("an exemplar", "Exemplars"),
    ("file predicate", "File predicates"),
]


@pytest.mark.parametrize(("what", "title"), KEYS_OF)
def test_the_reference_names_every_key_the_loader_knows(
    known_keys: dict[str, list[str]], what: str, title: str
) -> None:
    missing = unnamed(known_keys[what], section(title))
    assert not missing, f"section '## {title}' of {SHOWN} does not name these keys of {what}: {missing}"


@pytest.mark.parametrize("operation", operations(), ids=lambda op: op.name)
def test_every_setup_operation_has_its_arguments_documented(operation: Any) -> None:
    text = subsection("Setup", f"`{operation.name}`")
    arguments = [info.alias or name for name, info in operation.args.model_fields.items()]
    missing = unnamed(arguments, text)
    assert not missing, f"'### `{operation.name}`' of {SHOWN} does not document these arguments: {missing}"


SHOWN_IN_EXAMPLES = [
    ("Params", "param kinds", list(PARAM_KINDS)),
    ("Rubric", "check kinds", list(CHECK_KINDS)),
    ("Modifiers", "modifiers and options", list(MODIFIERS)),
    ("Setup", "setup operations", [op.name for op in operations()]),
    ("File predicates", "file predicates", ["is_pdf", "text_contains", "same_as", "verdict", "signatures"]),
]


@pytest.mark.parametrize(
    ("title", "what", "names"), SHOWN_IN_EXAMPLES, ids=[f"{title}: {what}" for title, what, _ in SHOWN_IN_EXAMPLES]
)
def test_everything_has_an_example_that_loads(title: str, what: str, names: list[str]) -> None:
    """Each one is used in a YAML example of its section (and those examples load: see below)."""
    missing = [name for name in names if name not in keys_shown(title)]
    assert not missing, f"no YAML example of section '## {title}' of {SHOWN} uses these {what}: {missing}"


def test_the_file_predicates_checked_here_are_the_loaders(known_keys: dict[str, list[str]]) -> None:
    predicates = [name for name in known_keys["file predicate"] if name not in TEXT_OPTIONS]
    assert predicates == ["is_pdf", "text_contains", "same_as", "verdict", "signatures"]


# --- (b) Every YAML example loads


TASK_KEYS = ("id", "title", "service", "points", "params", "setup", "instructions", "rubric", "exemplars")


def _names_in_templates(value: Any) -> set[str]:
    """The variables the templates in a parsed YAML value use, ``candidate`` aside."""
    if isinstance(value, dict):
        return {name for item in value.values() for name in _names_in_templates(item)}
    if isinstance(value, list):
        return {name for item in value for name in _names_in_templates(item)}
    if isinstance(value, str) and is_template(value):
        return set(meta.find_undeclared_variables(ENV.parse(value))) - BUILTIN_NAMES
    return set()


def _paths_of(key: str, value: Any) -> set[str]:
    """Every text value of ``key`` (such as ``same_as``) in a parsed YAML value."""
    found: set[str] = set()
    if isinstance(value, dict):
        for name, item in value.items():
            if name == key and isinstance(item, str):
                found.add(item)
            found |= _paths_of(key, item)
    elif isinstance(value, list):
        for item in value:
            found |= _paths_of(key, item)
    return found


def _points(items: Any) -> Decimal:
    if not isinstance(items, list):
        return Decimal(1)
    return sum(
        (Decimal(str(item["points"])) for item in items if isinstance(item, dict) and "points" in item), Decimal(0)
    )


def _exemplars(points: Decimal) -> str:
    return (
        "exemplars:\n"
        f"  - {{trace: exemplars/full.jsonl, kind: full, expect_points: {points}}}\n"
        f"  - {{trace: exemplars/partial.jsonl, kind: partial, expect_points: {points / 2}}}\n"
        "  - {trace: exemplars/wrong.jsonl, kind: wrong, expect_points: 0}\n"
        "  - {trace: exemplars/nothing.jsonl, kind: empty, expect_points: 0}\n"
    )


HEADER = {"id": "mail.reference-example", "title": "Ví dụ", "service": "mail", "difficulty": "de", "minutes": "3"}


def _params(names: set[str]) -> str:
    if not names:
        return ""
    return "params:\n" + "".join(f"  {name}: {{value: ví dụ}}\n" for name in sorted(names))


@dataclass(frozen=True, slots=True)
class TaskFile:
    """A task file made from a block, and where the block's first line is in it."""

    text: str
    offset: int  # lines of the file before the block's first line


def as_task(block: Block, parsed: Any) -> TaskFile | str:
    """The task file a block is loaded as, or why it cannot be one."""
    if isinstance(parsed, dict) and "id" in parsed:
        return TaskFile(block.text, 0)
    if isinstance(parsed, dict) and parsed and set(parsed) <= set(TASK_KEYS):
        rest = "".join(f"{key}: {value}\n" for key, value in HEADER.items() if key not in parsed)
        if "rubric" not in parsed:
            rest += "rubric:\n  - {id: wrapped, points: 1, event: mail.message_sent}\n"
        points = _points(parsed.get("rubric"))
        if "points" not in parsed:
            rest += f"points: {points}\n"
        if "instructions" not in parsed:
            rest += "instructions: Ví dụ.\n"
        if "params" not in parsed:
            rest += _params(_names_in_templates(parsed))
        if "exemplars" not in parsed:
            rest += _exemplars(points)
        return TaskFile(block.text + rest, 0)
    if isinstance(parsed, list) and parsed and all(isinstance(item, dict) and "id" in item for item in parsed):
        head = (
            "".join(f"{key}: {value}\n" for key, value in HEADER.items())
            + _params(_names_in_templates(parsed))
            + "instructions: Ví dụ.\n"
            + "rubric:\n"
        )
        points = _points(parsed)
        tail = f"points: {points}\n" + _exemplars(points)
        return TaskFile(head + block.text + tail, head.count("\n"))
    return (
        "it is neither a whole task (a mapping with id), a part of one (top-level keys only), nor a list of "
        f"rubric items: make it one, or start it with '{FRAGMENT}'"
    )


def _placed(block: Block, task: TaskFile, problems: list[Any]) -> str:
    """The problems at their README lines (those of lines the test added, at the added line)."""
    block_lines = block.text.count("\n")
    said = []
    for problem in problems:
        line = problem.mark.line - task.offset
        if 1 <= line <= block_lines:
            said.append(f"{SHOWN}:{block.line + line - 1}:{problem.mark.col}: {problem.message}")
        else:
            said.append(f"{block.where} (line {problem.mark.line} of the task made from it): {problem.message}")
    return "\n".join(said)


YAML_BLOCKS = yaml_blocks()


def test_the_reference_has_yaml_examples() -> None:
    assert len(YAML_BLOCKS) >= 20, f"only {len(YAML_BLOCKS)} YAML blocks found in {SHOWN}"


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=[f"line {block.line}" for block in YAML_BLOCKS])
def test_every_yaml_example_loads(block: Block, tmp_path: Path) -> None:
    source = tmp_path / "block.yaml"
    source.write_text(block.text, encoding="utf-8")
    problems = Problems()
    node = load_file(source, problems, shown_as="block.yaml")
    if problems:
        pytest.fail(_placed(block, TaskFile(block.text, 0), problems.found), pytrace=False)
    assert node is not None, f"{block.where}: an empty YAML block"
    if block.text.startswith(FRAGMENT):
        return
    if block.text.startswith(BLUEPRINT):  # a blueprint, checked against the real bank
        source.write_text(block.text, encoding="utf-8")
        try:
            load_blueprint(source, load_bank(REAL_BANK, traces=False))
        except SpecError as error:
            pytest.fail(_placed(block, TaskFile(block.text, 0), error.problems), pytrace=False)
        return
    parsed = node.plain()
    task = as_task(block, parsed)
    assert isinstance(task, TaskFile), f"{block.where}: {task}"
    folder = tmp_path / "bank" / "mail"
    folder.mkdir(parents=True)
    for name in _paths_of("same_as", parsed):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"%PDF-1.4 placeholder\n")
    (folder / "example.yaml").write_text(task.text, encoding="utf-8")
    try:
        [loaded] = load_bank(folder.parent, traces=False)
    except SpecError as error:
        failure = _placed(block, task, error.problems)
    else:
        failure = "" if loaded.rubric else f"{block.where}: no rubric"
    if failure:
        pytest.fail(failure, pytrace=False)


@pytest.mark.parametrize(
    "block",
    [block for blocks in PAGE.blocks.values() for block in blocks if block.lang == "python"],
    ids=lambda block: f"line {block.line}",
)
def test_every_python_example_is_python(block: Block) -> None:
    try:
        compile(block.text, block.where, "exec")
    except SyntaxError as error:
        failure = f"{SHOWN}:{block.line + (error.lineno or 1) - 1}: {error.msg}"
    else:
        return
    pytest.fail(failure, pytrace=False)
