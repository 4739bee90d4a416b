"""The docs are part of the product: they must say what the code does."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from graderd.settings import GraderSettings
from mock_services import eventdocs
from mock_services.contract import event_types
from mock_services.core.settings import RoomSettings
from sandbox.cli import _parser

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:6]
    block = "\n".join(head)
    assert head[0] == "# Sát hạch"
    assert re.search(r"^make run\b", block, re.M)
    assert re.search(r"^make test\b", block, re.M)


@pytest.mark.parametrize("settings_class", [RoomSettings, GraderSettings])
def test_every_setting_is_documented(settings_class: type[RoomSettings] | type[GraderSettings]) -> None:
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in settings_class.model_fields if f"`SATHACH_{name.upper()}`" not in page]
    assert not missing, f"docs/settings.md does not document: {missing}"


def test_the_event_catalogue_is_generated_from_the_code() -> None:
    page = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert page == eventdocs.render(), "docs/events.md is out of date: run `make docs`"
    for event_type in event_types():
        assert f"## `{event_type.verb}`" in page


def test_every_operator_command_is_documented() -> None:
    page = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = [name for name in subparsers.choices if f"`{name}" not in page]
    assert not missing, f"docs/operators.md does not document: {missing}"


def test_every_doc_link_resolves() -> None:
    for page in [ROOT / "README.md", ROOT / "tasks" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links to missing {target}"
