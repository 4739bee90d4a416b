"""The administrative procedures the one-stop desk receives, from ``data/procedures.yaml``: what a
dossier must hold (thành phần hồ sơ), who handles it, how long it may take, what it costs and
what the citizen gets. Pure data with strict checks: a typo in the file is an error naming the
procedure and the field, never a dossier with a wrong deadline."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DATA_FILE = "mock_services/onestop/data/procedures.yaml"


class ProcedureError(ValueError):
    """The procedures file does not hold together; the message names the procedure and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Component(_Strict):
    """One paper of the dossier (thành phần hồ sơ) and how many of each kind the citizen brings."""

    name: str = Field(min_length=1)
    original: int = Field(0, ge=0, description="Bản chính.")
    certified_copy: int = Field(0, ge=0, description="Bản sao có chứng thực.")
    photocopy: int = Field(0, ge=0, description="Bản chụp (photo).")
    shown: bool = Field(False, description="The original is shown (xuất trình) for checking, not kept.")
    optional: bool = Field(False, description="Needed only in some cases, which ``note`` says.")
    note: str = ""

    @model_validator(mode="after")
    def _something_to_bring(self) -> Component:
        if not (self.original or self.certified_copy or self.photocopy or self.shown):
            raise ValueError(f"{self.name!r}: give a number of originals, certified copies or copies, or shown: true")
        return self


class Deadline(_Strict):
    working_days: int = Field(ge=0, le=60, description="0: within the day, with the 15:00 rule.")
    text: str = Field(min_length=1, description="As the procedure states it.")

    @property
    def same_day(self) -> bool:
        return self.working_days == 0


class Fee(_Strict):
    amount: int = Field(ge=0, description="In đồng; 0 when free.")
    per: str = ""
    text: str = Field(min_length=1)


class Procedure(_Strict):
    code: str = Field(pattern=r"^[12]\.\d{6}$", description="Mã TTHC in the national database, e.g. 1.001193.")
    name: str = Field(min_length=1)
    field: str = Field(min_length=1, description="Lĩnh vực: Hộ tịch, Chứng thực …")
    level: str = "Cấp xã"
    handled_by: str = Field(min_length=1)
    components: tuple[Component, ...] = Field(min_length=1)
    deadline: Deadline
    fee: Fee
    result: str = Field(min_length=1)
    basis: tuple[str, ...] = Field(min_length=1)
    conditions: str = ""
    refuse_when: tuple[str, ...] = ()


def parse(raw: Any) -> dict[str, Procedure]:
    """The procedures of a parsed file, by code; ``ProcedureError`` naming every problem found."""
    if not isinstance(raw, dict) or set(raw) != {"procedures"} or not isinstance(raw["procedures"], list):
        raise ProcedureError(f"{DATA_FILE} holds one key, procedures: a list")
    found: dict[str, Procedure] = {}
    problems: list[str] = []
    for number, entry in enumerate(raw["procedures"], start=1):
        label = entry.get("code") if isinstance(entry, dict) else None
        where = f"{DATA_FILE}: procedure {number}" + (f" ({label})" if label else "")
        try:
            procedure = Procedure.model_validate(entry)
        except ValidationError as error:
            for detail in error.errors():
                path = ".".join(str(part) for part in detail["loc"]) or "(the entry)"
                problems.append(f"{where} › {path}: {detail['msg']}")
            continue
        if procedure.code in found:
            problems.append(f"{where}: code {procedure.code} is used twice")
        found[procedure.code] = procedure
    if problems:
        raise ProcedureError("\n".join(problems))
    return found


@functools.cache
def procedures() -> dict[str, Procedure]:
    """Every procedure, by code, in the file's order."""
    text = (resources.files("mock_services") / "onestop" / "data" / "procedures.yaml").read_text(encoding="utf-8")
    return parse(yaml.safe_load(text))


def procedure(code: str) -> Procedure:
    found = procedures().get(code)
    if found is None:
        raise ProcedureError(f"no procedure {code!r}; known: {', '.join(procedures())}")
    return found
