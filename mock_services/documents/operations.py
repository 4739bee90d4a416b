"""The document service's setup operations as task specs see them: names, arguments, documentation.

Pure (pydantic and the numbering rules), so graderd validates a spec's ``setup`` through
``mock_services.contract`` without loading the store; ``setup.py`` implements them.

People and units are named by key. The default agency (see docs/documents.md) has the units
``vp`` (Văn phòng HĐND và UBND), ``kt`` (Phòng Kinh tế, Hạ tầng và Đô thị), ``vhxh`` (Phòng Văn
hóa - Xã hội); the candidate's positions ``ct`` (Chủ tịch), ``cv`` (chuyên viên, Phòng Văn hóa -
Xã hội) and ``vt`` (văn thư); and colleagues ``pct1``, ``pct2`` (Phó Chủ tịch), ``cvp`` (Chánh
Văn phòng), ``tp_kt``, ``tp_vhxh`` (Trưởng phòng), ``cv_kt``, ``cv_vp`` (chuyên viên).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from mock_services.core.setup_ops import SetupArgs, declare_operation
from mock_services.documents.domain import LAYOUT_KEYS, Role, Secrecy, Urgency
from mock_services.documents.numbering import TYPE_NAMES, check_number_symbol, type_key


def _type(value: str) -> str:
    key = type_key(value)
    if key is None:
        raise ValueError(f"unknown document type {value!r}; use one of: {', '.join(TYPE_NAMES.values())}")
    return key


class UnitArgs(SetupArgs):
    key: str = Field(description="Key other steps name it by, e.g. `tp` for Phòng Tư pháp.")
    name: str = Field(description="Tên đơn vị.")
    abbreviation: str = Field(description="Chữ viết tắt, used in a công văn's symbol (UBND-VP).")


class PersonArgs(SetupArgs):
    key: str = Field(description="Key other steps name them by.")
    name: str = Field(description="Họ tên.")
    title: str = Field(description="Chức vụ, e.g. Phó Chủ tịch UBND, Trưởng phòng, Chuyên viên.")
    unit: str = Field("", description="Key of their unit; empty for the agency's leaders.")
    role: Role = Field(description="lanh_dao, lanh_dao_phong, chuyen_vien or van_thu.")


class AgencyRef(SetupArgs):
    name: str = Field(description="Name of another agency on the exchange (liên thông).")
    email: str = Field(description="Its văn thư's address.")


class AgencyArgs(SetupArgs):
    place: str | None = Field(None, description="The ward or commune, e.g. `Cái Khế`; the candidate's own by default.")
    level: Literal["phường", "xã"] = Field("phường", description="phường or xã.")
    units: list[UnitArgs] = Field(default_factory=list, description="Units to add (or rename, by key).")
    people: list[PersonArgs] = Field(default_factory=list, description="Colleagues to add (or change, by key).")
    agencies: list[AgencyRef] = Field(default_factory=list, description="Agencies to add to the exchange.")
    numbering: Literal["chung", "theo_loai"] | None = Field(
        None, description="chung: one number sequence for all types (default); theo_loai: one per type."
    )
    start_role: Literal["lanh_dao", "chuyen_vien", "van_thu"] | None = Field(
        None, description="The role the candidate starts in; the Chủ tịch by default."
    )


declare_operation(
    "documents.agency",
    AgencyArgs,
    """Shape the candidate's agency: its ward, units, colleagues, the other agencies on the
    exchange, how it numbers documents, and the role the candidate starts in. Without it, the
    default agency is made the first time anything needs it.""",
)


class IncomingArgs(SetupArgs):
    sender: str = Field(alias="from", description="Cơ quan ban hành, e.g. `UBND thành phố Cần Thơ`.")
    parent: str = Field("", description="Its parent body, printed above it (e.g. `UBND THÀNH PHỐ CẦN THƠ`).")
    number: str = Field(description="Số, ký hiệu as written on it, e.g. `215/UBND-VP`.")
    date: dt.date = Field(description="Ngày văn bản.")
    type: str = Field("Công văn", validate_default=True, description="Loại văn bản: `Công văn`, `Kế hoạch`, `QĐ` …")
    summary: str = Field(description="Trích yếu (for a công văn without the “V/v”).")
    body: str = Field("", description="Nội dung, for the rendered PDF.")
    signer: str = Field("", description="Người ký.")
    signer_title: str = Field("", description="The signer's lines, e.g. `KT. CHỦ TỊCH / PHÓ CHỦ TỊCH`.")
    kinh_gui: list[str] = Field(default_factory=list, description="Kính gửi: the addressees printed on it.")
    addressed_to: str = Field("", description="The agency it is addressed to, if not the candidate's (gửi nhầm).")
    sender_email: str = Field("", description="The sending văn thư's address.")
    place: str = Field("Cần Thơ", description="Địa danh on its date line.")
    urgency: Urgency = Field(Urgency.thuong, description="thuong, khan, thuong_khan or hoa_toc.")
    secrecy: Secrecy = Field(Secrecy.thuong, description="thuong, mat, toi_mat or tuyet_mat.")
    due: dt.date | None = Field(None, description="Thời hạn giải quyết, if the document sets one.")
    file: str | None = Field(None, description="A PDF from the task's folder; rendered from the metadata otherwise.")
    signed: Literal["hop_le", "bi_sua_doi", "khong_tin_cay"] | None = Field(
        None,
        description="Ký số by the sender: its leader (`signer`) signs and its văn thư seals, from the room's CA "
        "(hop_le); then changed by an editor after signing (bi_sua_doi); or signed by a look-alike CA nobody "
        "trusts (khong_tin_cay). Unsigned (a scan) when absent. Visible on a rendered letter, invisible on a `file`.",
    )
    channel: Literal["lien_thong", "email"] = Field("lien_thong", description="lien_thong or email.")
    step: Literal["cho_vao_so", "cho_trinh", "cho_but_phe", "dang_xu_ly"] = Field(
        "cho_vao_so",
        description="Where it waits: cho_vao_so (for the văn thư), cho_trinh (registered), cho_but_phe "
        "(presented to a leader), dang_xu_ly (routed to a unit).",
    )
    presented_to: str = Field("ct", description="Key of the leader it is presented to (steps cho_but_phe on).")
    lead: str = Field("cv", description="Key of the unit or person leading the handling (step dang_xu_ly).")
    cooperate: list[str] = Field(default_factory=list, description="Keys of those assisting (dang_xu_ly).")
    direction: str = Field("", description="The leader's direction (dang_xu_ly).")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return _type(value)

    @field_validator("number")
    @classmethod
    def _well_formed(cls, value: str) -> str:
        problems = check_number_symbol(value)
        if problems:
            raise ValueError(problems[0].message)
        return value


declare_operation(
    "documents.incoming",
    IncomingArgs,
    """An incoming document arrives (văn bản đến): through the exchange or by email, from the
    metadata (rendered to a PDF in the Nghị định 30 layout) or with a given PDF. With ``step`` it
    has already been registered, presented or routed by simulated colleagues, each step logged
    as they did it. Returns the document's id.""",
)


class DraftArgs(SetupArgs):
    type: str = Field("Công văn", validate_default=True, description="Loại văn bản.")
    summary: str = Field(description="Trích yếu (a công văn's “V/v …”).")
    body: str = Field("", description="Nội dung.")
    kinh_gui: list[str] = Field(default_factory=list, description="Kính gửi.")
    recipients: list[str] = Field(
        default_factory=lambda: ["- Như trên;", "- Lưu: VT, VHXH."], description="Nơi nhận lines."
    )
    drafter: str = Field("cv", description="Key of the drafter (the candidate's chuyên viên position by default).")
    signer: str = Field("ct", description="Key of the leader who signs.")
    signer_lines: list[str] = Field(default_factory=list, description="Authority and title; from the signer's title.")
    urgency: Urgency = Field(Urgency.thuong, description="Mức độ khẩn.")
    secrecy: Secrecy = Field(Secrecy.thuong, description="Độ mật.")
    related: str | None = Field(None, description="Số ký hiệu of the incoming document it answers.")
    attachments: list[str] = Field(default_factory=list, description="Files from the task's folder.")
    layout: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description=f"Lines printed differently from the rules, to seed format errors: {', '.join(LAYOUT_KEYS)}.",
    )
    step: Literal["du_thao", "cho_duyet", "cho_ky", "cho_phat_hanh"] = Field(
        "du_thao", description="Where it waits: du_thao, cho_duyet (at approver), cho_ky (at signer), cho_phat_hanh."
    )
    approver: str = Field("ct", description="Key of the approver (steps cho_duyet on).")
    ky_so: bool = Field(
        False,
        description="At step cho_phat_hanh, the signer has signed digitally (ký số, in the signature space) "
        "instead of on paper, so the văn thư issues it with Thêm số, Thêm ngày and Đóng dấu.",
    )
    consult: list[str] = Field(default_factory=list, description="Keys of people asked for their opinion on it.")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return _type(value)

    @model_validator(mode="after")
    def _known_layout(self) -> DraftArgs:
        unknown = sorted(set(self.layout) - set(LAYOUT_KEYS))
        if unknown:
            raise ValueError(f"unknown layout key(s) {', '.join(unknown)}; known: {', '.join(LAYOUT_KEYS)}")
        if self.ky_so and self.step != "cho_phat_hanh":
            raise ValueError(
                f"ky_so goes with step cho_phat_hanh (signed before it reaches the văn thư), not {self.step}; "
                "at cho_ky the candidate signs it"
            )
        return self


declare_operation(
    "documents.draft",
    DraftArgs,
    """A draft outgoing document (văn bản đi), by the candidate's chuyên viên position or a
    colleague, waiting at ``step``: still a draft, with its approver, with its signer, or with the
    văn thư. ``layout`` seeds format errors into the printed draft. Returns the document's id.""",
)
