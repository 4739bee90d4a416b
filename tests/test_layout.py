"""DESIGN.md's layout and dependency rule, checked on the imports themselves.

- mock_services never imports graderd or sandbox;
- graderd imports only the event contract and pure helpers of mock_services, never its web,
  store or app modules, and never sandbox;
- sandbox wires the two together.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Modules of mock_services that serve pages or hold a service's state: graderd must not need them.
NOT_FOR_GRADERD = ("web", "store", "deps", "auth", "http_errors", "middleware", "app")


def imports_of(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found += [(path, node.module)]
    return found


@pytest.mark.parametrize("name", ["graderd", "mock_services", "sandbox", "tasks", "tests", "bench", "docs"])
def test_the_layout_of_design_md_is_visible(name: str) -> None:
    assert (ROOT / name).is_dir()


def test_the_two_commands_and_ci_are_in_place() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nrun:" in makefile
    assert "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_mock_services_never_import_graderd_or_sandbox() -> None:
    found = imports_of("mock_services")
    bad = [(path.relative_to(ROOT), module) for path, module in found if module.split(".")[0] in {"graderd", "sandbox"}]
    assert not bad


def loaded_by(imports: str) -> list[str]:
    """The modules of mock_services and sandbox that ``import <imports>`` loads, in a fresh interpreter."""
    probe = (
        f"import sys, {imports}; "
        "print('\\n'.join(m for m in sys.modules if m.startswith(('mock_services', 'sandbox'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return loaded.stdout.split()


def not_for_graderd(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith("sandbox") or set(m.split(".")[1:]) & set(NOT_FOR_GRADERD)]


def test_graderd_loads_nothing_of_the_services_but_their_contract() -> None:
    """Transitively: importing graderd must not load a page, a store or the room's wiring."""
    loaded = loaded_by("graderd.app, graderd.cli, graderd.settings")
    assert not not_for_graderd(loaded)
    assert "mock_services.contract" in loaded


def test_the_contract_declares_the_setup_operations_without_their_implementations() -> None:
    """graderd validates a spec's setup through the contract alone: declarations, never a setup.py."""
    loaded = loaded_by("mock_services.contract")
    assert not not_for_graderd(loaded)
    assert not [m for m in loaded if m.endswith(".setup")]
    assert "mock_services.mail.operations" in loaded


def test_graderd_reads_only_the_event_contract() -> None:
    bad = []
    for path, module in imports_of("graderd"):
        parts = module.split(".")
        if parts[0] == "sandbox" or (parts[0] == "mock_services" and set(parts[1:]) & set(NOT_FOR_GRADERD)):
            bad.append((path.relative_to(ROOT), module))
    assert not bad
