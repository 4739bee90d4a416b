"""Setup operations: declared (name, arguments, documentation) apart from their implementation,
so graderd validates specs from declarations alone and a missing implementation says so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, cast

import pytest
from pydantic import Field, ValidationError

import mock_services.mail.setup  # noqa: F401 - implements the mail.* operations the catalogue declares
from mock_services import contract
from mock_services.core import setup_ops
from mock_services.core.setup_ops import (
    SetupArgs,
    SetupContext,
    SetupError,
    SetupOperation,
    declare_operation,
    implements,
    lookup_operation,
    operations,
    run_operation,
)

NO_CONTEXT = cast(SetupContext, None)  # these operations never touch a tenant


class NoteArgs(SetupArgs):
    text: str = Field(description="What to note.")


class OtherArgs(SetupArgs):
    count: int = Field(description="How many.")


class UndescribedArgs(SetupArgs):
    text: str


@pytest.fixture(autouse=True)
def registry() -> Iterator[None]:
    """The global registry, restored after each test whatever it declared or implemented."""
    declared, implemented = dict(setup_ops._DECLARED), dict(setup_ops._IMPLEMENTATIONS)
    yield
    setup_ops._DECLARED.clear()
    setup_ops._DECLARED.update(declared)
    setup_ops._IMPLEMENTATIONS.clear()
    setup_ops._IMPLEMENTATIONS.update(implemented)


def note(ctx: SetupContext, args: NoteArgs) -> str:
    return args.text.upper()


# --- Declaring


def test_a_declaration_alone_is_listed_and_looked_up_with_its_documentation() -> None:
    declared = declare_operation(
        "test.note",
        NoteArgs,
        """Note something.
        On two lines.""",
    )
    assert lookup_operation("test.note") is declared
    assert declared in operations()
    assert (declared.args, declared.doc) == (NoteArgs, "Note something.\nOn two lines.")
    assert not declared.implemented


def test_declaring_a_name_twice_is_an_error() -> None:
    declare_operation("test.note", NoteArgs, "Note something.")
    with pytest.raises(SetupError, match=r"'test.note' is declared twice \(first with .*NoteArgs\)"):
        declare_operation("test.note", OtherArgs, "Count something.")


def test_a_mail_operation_cannot_be_declared_again() -> None:
    with pytest.raises(SetupError, match=re.escape("'mail.deliver' is declared twice")):
        declare_operation("mail.deliver", NoteArgs, "Deliver differently.")


@pytest.mark.parametrize(
    ("name", "args", "doc", "error"),
    [
        ("note", NoteArgs, "Note.", "a name is '<service>.<operation>'"),
        ("Test.Note", NoteArgs, "Note.", "a name is '<service>.<operation>'"),
        ("test.note", NoteArgs, "  ", "needs documentation"),
        ("test.note", UndescribedArgs, "Note.", "give these arguments a description: text"),
    ],
)
def test_a_declaration_must_be_usable_by_authors(name: str, args: type[SetupArgs], doc: str, error: str) -> None:
    with pytest.raises(SetupError, match=error):
        declare_operation(name, args, doc)
    assert name not in [operation.name for operation in operations()]


def test_an_unknown_operation_names_the_known_ones() -> None:
    with pytest.raises(SetupError, match=r"unknown setup operation 'mail.send' \(known: .*mail.deliver"):
        lookup_operation("mail.send")


# --- Implementing


def test_an_implementation_runs_with_validated_arguments() -> None:
    declared = declare_operation("test.note", NoteArgs, "Note something.")
    assert implements("test.note")(note) is note
    assert declared.implemented
    assert run_operation(NO_CONTEXT, "test.note", {"text": "đã ghi"}) == "ĐÃ GHI"
    with pytest.raises(ValidationError, match="extra_forbidden"):
        run_operation(NO_CONTEXT, "test.note", {"text": "x", "txet": "y"})


def test_a_declared_operation_without_its_implementation_says_what_to_import() -> None:
    declare_operation("test.note", NoteArgs, "Note something.")
    with pytest.raises(SetupError, match=re.escape("'test.note' is declared but not implemented in this process")):
        run_operation(NO_CONTEXT, "test.note", {"text": "x"})


def test_a_mail_operation_whose_setup_module_is_not_loaded_names_the_module() -> None:
    del setup_ops._IMPLEMENTATIONS["mail.create_folder"]
    expected = "'mail.create_folder' is declared but not implemented in this process: import mock_services.mail.setup"
    with pytest.raises(SetupError, match=re.escape(expected)):
        run_operation(NO_CONTEXT, "mail.create_folder", {"name": "Lưu trữ"})


def test_implementing_an_undeclared_operation_is_an_error() -> None:
    with pytest.raises(SetupError, match=r"note implements setup operation 'test.note', which is not declared"):
        implements("test.note")(note)


def test_implementing_an_operation_twice_is_an_error() -> None:
    declare_operation("test.note", NoteArgs, "Note something.")
    implements("test.note")(note)
    with pytest.raises(SetupError, match=re.escape("'test.note' is implemented twice")):
        implements("test.note")(note)


def test_an_implementation_must_take_the_declared_arguments() -> None:
    declare_operation("test.count", OtherArgs, "Count something.")
    with pytest.raises(SetupError, match=r"annotate its arguments with the declared model OtherArgs.*found NoteArgs"):
        implements("test.count")(note)
    assert not lookup_operation("test.count").implemented


# --- The catalogue (what task specs may call)

CATALOGUE = contract.operations()


def test_the_contract_declares_the_catalogue() -> None:
    assert {"mail.deliver", "mail.add_contact", "mail.create_folder"} <= {o.name for o in CATALOGUE}
    assert contract.lookup_operation("mail.deliver") is lookup_operation("mail.deliver")


@pytest.mark.parametrize("operation", CATALOGUE, ids=lambda operation: operation.name)
def test_every_declared_operation_is_implemented(operation: SetupOperation) -> None:
    assert operation.implemented, f"{operation.name} is declared but no setup.py implements it"


@pytest.mark.parametrize("operation", CATALOGUE, ids=lambda operation: operation.name)
def test_every_operation_refuses_unknown_arguments(operation: SetupOperation) -> None:
    with pytest.raises(ValidationError) as raised:
        operation.args.model_validate({"surely_not_an_argument": 1})
    errors: list[dict[str, Any]] = [dict(error) for error in raised.value.errors()]
    assert {"type": "extra_forbidden", "loc": ("surely_not_an_argument",)} in [
        {"type": e["type"], "loc": e["loc"]} for e in errors
    ]
