"""The one-stop service's setup operations as task specs see them: names, arguments, documentation.

Pure (pydantic and the procedures file), so graderd validates a spec's ``setup`` through
``mock_services.contract`` without loading the store; ``setup.py`` implements them.

Times written without a zone (``2026-11-20T15:20``) are the room's local time. The desk's people
are named by key: handlers ``tp_ht`` (Công chức Tư pháp - Hộ tịch), ``vp_tk`` (Văn phòng - Thống
kê), ``dc_xd`` (Địa chính - Xây dựng); leaders ``ct`` (Chủ tịch), ``pct`` (Phó Chủ tịch).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from mock_services.core.setup_ops import SetupArgs, declare_operation
from mock_services.core.workdays import covered_years
from mock_services.onestop.domain import UNIT_ID, OnestopError, check_applicant
from mock_services.onestop.procedures import ProcedureError, procedure


class ColleagueArgs(SetupArgs):
    key: str = Field(description="Key other steps name them by.")
    name: str = Field(description="Họ tên.")
    title: str = Field(description="Chức danh, e.g. `Công chức Tư pháp - Hộ tịch`, `Phó Chủ tịch UBND`.")
    fields: list[str] = Field(default_factory=list, description="A handler's lĩnh vực, e.g. `Hộ tịch`.")


class DeskArgs(SetupArgs):
    unit_id: str | None = Field(None, description="Mã định danh of the unit, `000.00.13.H13`; the room's by default.")
    unit: str | None = Field(
        None, description="The receiving unit, `UBND phường Ninh Kiều`; the candidate's by default."
    )
    parent: str | None = Field(None, description="Its parent body, `UBND thành phố Cần Thơ`.")
    place: str | None = Field(None, description="Địa danh on the forms, `Ninh Kiều`.")
    handlers: list[ColleagueArgs] = Field(
        default_factory=list, description="Handling officials to add (or change, by key)."
    )
    leaders: list[ColleagueArgs] = Field(default_factory=list, description="Leaders to add (or change, by key).")

    @field_validator("unit_id")
    @classmethod
    def _unit_id(cls, value: str | None) -> str | None:
        if value is not None and not UNIT_ID.match(value):
            raise ValueError(f"{value!r} is not an agency identifier such as 000.00.13.H13")
        return value


declare_operation(
    "onestop.desk",
    DeskArgs,
    """Shape the candidate's Bộ phận Một cửa: the unit and its identifier (the first part of the
    dossier codes), the handling officials and the leaders. Without it, the desk of the candidate's
    own ward is made the first time anything needs it. Returns the candidate's id.""",
)


class ApplicantArgs(SetupArgs):
    name: str = Field(description="Họ tên người nộp.")
    id_number: str = Field(description="Số căn cước, 12 digits.")
    phone: str = Field(description="Số điện thoại, 10 digits from 0.")
    address: str = Field(description="Địa chỉ.")
    email: str = Field("", description="Thư điện tử, if the citizen gave one.")

    @model_validator(mode="after")
    def _valid(self) -> ApplicantArgs:
        try:
            check_applicant(self.name, self.id_number, self.phone, self.address, self.email)
        except OnestopError as exc:
            raise ValueError(str(exc)) from None
        return self


def _in_calendar(value: dt.date | dt.datetime | None) -> dt.date | dt.datetime | None:
    """A moment the working-day calendar covers: the return dates are counted from it."""
    if value is not None and value.year not in covered_years():
        years = covered_years()
        raise ValueError(f"{value.isoformat()} is outside the working-day calendar ({years[0]}–{years[-1]})")
    return value


def _known_procedure(code: str) -> str:
    try:
        procedure(code)
    except ProcedureError as exc:
        raise ValueError(str(exc)) from None
    return code


def _papers_of(code: str, papers: dict[str, int]) -> dict[str, int]:
    names = {c.name for c in procedure(code).components}
    strangers = [name for name in papers if name not in names]
    if strangers:
        raise ValueError(f"not components of procedure {code}: {', '.join(strangers)}; use: {'; '.join(sorted(names))}")
    return papers


class PaperArgs(SetupArgs):
    name: str = Field(description="The paper as the citizen hands it, e.g. `Bản chính Giấy khai sinh của con`.")
    quantity: int = Field(1, ge=1, le=50, description="How many.")
    remark: str = Field("", description="What the official notices on it, e.g. `Có đóng dấu “MẬT”`.")


class WalkInArgs(SetupArgs):
    applicant: ApplicantArgs = Field(description="Who comes: name, id_number, phone, address, email.")
    request: str = Field(description="What they ask for, in their words (the scenario card).")
    papers: list[PaperArgs] = Field(default_factory=list, description="What they hand over.")
    arrives: dt.datetime | None = Field(
        None, description="When they take a number (room time); the desk receives as of this moment. Now by default."
    )

    _arrives = field_validator("arrives")(lambda cls, value: _in_calendar(value))


declare_operation(
    "onestop.walk_in",
    WalkInArgs,
    """A citizen walks in and takes a number at the queue machine (a scenario card): they appear in
    Công dân chờ; calling them opens Tiếp nhận trực tiếp with their căn cước read and their papers
    listed. A dossier received from the visit is received as of ``arrives``. Returns the visit's id.""",
)


class AttachmentArgs(SetupArgs):
    name: str = Field(description="The file's name, e.g. `giay-chung-sinh.pdf`.")
    title: str = Field("", description="Printed as the scan's title when the file is rendered from ``text``.")
    text: str = Field("", description="The scanned paper's content, rendered to a PDF.")
    file: str | None = Field(None, description="A file from the task's folder instead.")


class OnlineArgs(SetupArgs):
    procedure: str = Field(description="Mã TTHC, e.g. `1.001193`.")
    applicant: ApplicantArgs = Field(description="The citizen (chủ hồ sơ).")
    papers: dict[str, int] = Field(
        default_factory=dict, description="The procedure's components the e-dossier holds, by name, and how many."
    )
    form: dict[str, str] = Field(
        default_factory=dict, description="The e-form's fields (tờ khai điện tử): label → value."
    )
    attachments: list[AttachmentArgs] = Field(default_factory=list, description="The files attached.")
    submitted: dt.datetime | None = Field(None, description="When it was submitted (room time); now by default.")

    @field_validator("procedure")
    @classmethod
    def _procedure(cls, value: str) -> str:
        return _known_procedure(value)

    _submitted = field_validator("submitted")(lambda cls, value: _in_calendar(value))

    @model_validator(mode="after")
    def _papers(self) -> OnlineArgs:
        _papers_of(self.procedure, self.papers)
        return self


declare_operation(
    "onestop.online",
    OnlineArgs,
    """A dossier submitted on the Cổng Dịch vụ công waits in Chờ tiếp nhận trực tuyến, with its
    e-form and attachments, for the desk to check: accept it, ask for a supplement, or refuse it.
    It has its code from submission. Returns the dossier's id.""",
)


class DossierArgs(SetupArgs):
    procedure: str = Field(description="Mã TTHC.")
    applicant: ApplicantArgs = Field(description="The citizen.")
    papers: dict[str, int] = Field(description="The components received, by name, and how many.")
    received: dt.datetime | None = Field(
        None, description="When the desk received it (room time); two working days before now, at 09:00, by default."
    )
    due: dt.date | None = Field(None, description="Ngày hẹn trả as appointed; from the calendar by default.")
    step: Literal["da_tiep_nhan", "dang_xu_ly", "da_xu_ly_xong"] = Field(
        "dang_xu_ly",
        description="Where it is: da_tiep_nhan (received, to transfer), dang_xu_ly (with the handler), "
        "da_xu_ly_xong (the result is back, to return).",
    )
    handler: str = Field("tp_ht", description="Key of the handling official (steps dang_xu_ly on).")
    delay: str = Field("", description="dang_xu_ly: the handler reports it will be late, and why; no result comes.")

    @field_validator("procedure")
    @classmethod
    def _procedure(cls, value: str) -> str:
        return _known_procedure(value)

    _dates = field_validator("received", "due")(lambda cls, value: _in_calendar(value))

    @model_validator(mode="after")
    def _papers(self) -> DossierArgs:
        _papers_of(self.procedure, self.papers)
        return self


declare_operation(
    "onestop.dossier",
    DossierArgs,
    """A dossier received earlier by the desk, and as far along as ``step``: received, transferred
    to a handler (who may report it will be late: it shows in the dossier and no result comes), or
    with its result back. Each step is logged as the simulated colleagues took it. Returns the
    dossier's id.""",
)
