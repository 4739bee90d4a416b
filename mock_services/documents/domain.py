"""Pure rules of document management (Nghị định 30/2020, Điều 10–24): the statuses of incoming and
outgoing documents, which action each status allows and to whom, and the rules of a routing
(bút phê, chuyển xử lý). No I/O here: values in, values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DocumentError(ValueError):
    """An action the rules refuse; the message is Vietnamese, for the candidate."""


class Role(StrEnum):
    """What a person does in the agency; the candidate acts in one role at a time (vai trò)."""

    lanh_dao = "lanh_dao"  # lãnh đạo cơ quan: Chủ tịch, Phó Chủ tịch
    lanh_dao_phong = "lanh_dao_phong"  # lãnh đạo đơn vị: Chánh Văn phòng, Trưởng phòng
    chuyen_vien = "chuyen_vien"
    van_thu = "van_thu"


ROLE_NAMES: Mapping[Role, str] = {
    Role.lanh_dao: "Lãnh đạo cơ quan",
    Role.lanh_dao_phong: "Lãnh đạo đơn vị",
    Role.chuyen_vien: "Chuyên viên",
    Role.van_thu: "Văn thư",
}


class Urgency(StrEnum):
    """Mức độ khẩn (Phụ lục I): shown in red on the document and in every list."""

    thuong = "thuong"
    khan = "khan"
    thuong_khan = "thuong_khan"
    hoa_toc = "hoa_toc"


URGENCY_NAMES: Mapping[Urgency, str] = {
    Urgency.thuong: "Thường",
    Urgency.khan: "Khẩn",
    Urgency.thuong_khan: "Thượng khẩn",
    Urgency.hoa_toc: "Hỏa tốc",
}


class Secrecy(StrEnum):
    """Độ mật: a secret document takes its numbers from a sequence of its own."""

    thuong = "thuong"
    mat = "mat"
    toi_mat = "toi_mat"
    tuyet_mat = "tuyet_mat"


SECRECY_NAMES: Mapping[Secrecy, str] = {
    Secrecy.thuong: "Thường",
    Secrecy.mat: "Mật",
    Secrecy.toi_mat: "Tối mật",
    Secrecy.tuyet_mat: "Tuyệt mật",
}


class IncomingStatus(StrEnum):
    cho_vao_so = "cho_vao_so"  # received, waiting for the văn thư to register it
    cho_trinh = "cho_trinh"  # registered, not yet presented to a leader
    cho_but_phe = "cho_but_phe"  # presented: waiting for the leader's direction
    dang_xu_ly = "dang_xu_ly"  # routed to the units that handle it
    hoan_thanh = "hoan_thanh"
    tra_lai = "tra_lai"  # returned to the sender (wrong recipient, fails the checks)


INCOMING_STATUS_NAMES: Mapping[IncomingStatus, str] = {
    IncomingStatus.cho_vao_so: "Chờ vào sổ",
    IncomingStatus.cho_trinh: "Đã vào sổ, chờ trình",
    IncomingStatus.cho_but_phe: "Chờ bút phê",
    IncomingStatus.dang_xu_ly: "Đang xử lý",
    IncomingStatus.hoan_thanh: "Hoàn thành",
    IncomingStatus.tra_lai: "Đã trả lại nơi gửi",
}


class OutgoingStatus(StrEnum):
    du_thao = "du_thao"
    cho_duyet = "cho_duyet"
    bi_tra_lai = "bi_tra_lai"
    da_duyet = "da_duyet"
    cho_ky = "cho_ky"
    da_ky = "da_ky"
    cho_phat_hanh = "cho_phat_hanh"  # with the văn thư: cấp số, then phát hành
    da_phat_hanh = "da_phat_hanh"
    thu_hoi = "thu_hoi"


OUTGOING_STATUS_NAMES: Mapping[OutgoingStatus, str] = {
    OutgoingStatus.du_thao: "Dự thảo",
    OutgoingStatus.cho_duyet: "Chờ duyệt",
    OutgoingStatus.bi_tra_lai: "Bị trả lại",
    OutgoingStatus.da_duyet: "Đã duyệt, chờ trình ký",
    OutgoingStatus.cho_ky: "Chờ ký",
    OutgoingStatus.da_ky: "Đã ký, chờ chuyển văn thư",
    OutgoingStatus.cho_phat_hanh: "Chờ cấp số - phát hành",
    OutgoingStatus.da_phat_hanh: "Đã phát hành",
    OutgoingStatus.thu_hoi: "Đã thu hồi",
}


class Opinion(StrEnum):
    """The answers of a lấy ý kiến (VNPT iOffice's reply form)."""

    dong_y = "dong_y"
    khong_dong_y = "khong_dong_y"
    y_kien_khac = "y_kien_khac"


OPINION_NAMES: Mapping[Opinion, str] = {
    Opinion.dong_y: "Đồng ý",
    Opinion.khong_dong_y: "Không đồng ý",
    Opinion.y_kien_khac: "Ý kiến khác",
}


# --- Who may do what, in which status (the action's key → statuses, roles)

INCOMING_ACTIONS: Mapping[str, tuple[frozenset[IncomingStatus], frozenset[Role]]] = {
    "register": (frozenset({IncomingStatus.cho_vao_so}), frozenset({Role.van_thu})),
    "return": (frozenset({IncomingStatus.cho_vao_so}), frozenset({Role.van_thu})),
    "present": (frozenset({IncomingStatus.cho_trinh}), frozenset({Role.van_thu})),
    "route": (frozenset({IncomingStatus.cho_but_phe}), frozenset({Role.lanh_dao})),
    "complete": (frozenset({IncomingStatus.dang_xu_ly}), frozenset({Role.chuyen_vien, Role.lanh_dao_phong})),
}

OUTGOING_ACTIONS: Mapping[str, tuple[frozenset[OutgoingStatus], frozenset[Role]]] = {
    "edit": (frozenset({OutgoingStatus.du_thao, OutgoingStatus.bi_tra_lai}), frozenset({Role.chuyen_vien})),
    "submit": (frozenset({OutgoingStatus.du_thao, OutgoingStatus.bi_tra_lai}), frozenset({Role.chuyen_vien})),
    "consult": (
        frozenset({OutgoingStatus.du_thao, OutgoingStatus.bi_tra_lai, OutgoingStatus.cho_duyet}),
        frozenset({Role.chuyen_vien, Role.lanh_dao_phong, Role.lanh_dao}),
    ),
    "approve": (frozenset({OutgoingStatus.cho_duyet}), frozenset({Role.lanh_dao_phong, Role.lanh_dao})),
    "send_back": (
        frozenset({OutgoingStatus.cho_duyet, OutgoingStatus.cho_ky}),
        frozenset({Role.lanh_dao_phong, Role.lanh_dao}),
    ),
    "request_signature": (frozenset({OutgoingStatus.da_duyet}), frozenset({Role.chuyen_vien, Role.lanh_dao_phong})),
    "sign": (frozenset({OutgoingStatus.cho_ky}), frozenset({Role.lanh_dao})),
    "to_clerk": (frozenset({OutgoingStatus.da_ky}), frozenset({Role.lanh_dao})),
    "number": (frozenset({OutgoingStatus.cho_phat_hanh}), frozenset({Role.van_thu})),
    "issue": (frozenset({OutgoingStatus.cho_phat_hanh}), frozenset({Role.van_thu})),
    "recall": (frozenset({OutgoingStatus.da_phat_hanh}), frozenset({Role.van_thu, Role.lanh_dao})),
}

ACTION_NAMES: Mapping[str, str] = {
    "register": "Vào sổ",
    "return": "Trả lại",
    "present": "Trình",
    "route": "Bút phê / Chuyển xử lý",
    "complete": "Hoàn thành xử lý",
    "edit": "Sửa dự thảo",
    "submit": "Trình duyệt",
    "consult": "Lấy ý kiến",
    "approve": "Duyệt",
    "send_back": "Trả lại",
    "request_signature": "Trình ký",
    "sign": "Ký duyệt",
    "to_clerk": "Chuyển văn thư",
    "number": "Cấp số",
    "issue": "Phát hành",
    "recall": "Thu hồi",
}


def require_incoming(action: str, status: IncomingStatus, role: Role) -> None:
    statuses, roles = INCOMING_ACTIONS[action]
    _require(action, status in statuses, INCOMING_STATUS_NAMES[status], role in roles, roles)


def require_outgoing(action: str, status: OutgoingStatus, role: Role) -> None:
    statuses, roles = OUTGOING_ACTIONS[action]
    _require(action, status in statuses, OUTGOING_STATUS_NAMES[status], role in roles, roles)


def _require(action: str, status_ok: bool, status_name: str, role_ok: bool, roles: frozenset[Role]) -> None:
    name = ACTION_NAMES[action]
    if not status_ok:
        raise DocumentError(f"Văn bản đang ở trạng thái “{status_name}”, không thể thực hiện “{name}”.")
    if not role_ok:
        allowed = ", ".join(ROLE_NAMES[r] for r in Role if r in roles)
        raise DocumentError(
            f"“{name}” dành cho vai trò {allowed}. Hãy chuyển vai trò ở ô “Vai trò” phía trên danh mục bên trái."
        )


# --- Bút phê, chuyển xử lý (Điều 22; the Viettel workflow rules: one xử lý chính, nobody twice)


@dataclass(frozen=True, slots=True)
class Routing:
    """A leader's direction: who leads (chủ trì, xử lý chính), who assists, who is informed, by when."""

    lead: str
    cooperate: tuple[str, ...]
    for_info: tuple[str, ...]
    due: date | None
    direction: str


MAX_DIRECTION = 2000

# The lines of a printed document a task's setup may write differently from the rules, to seed
# format errors for a candidate to find (see ``letters``).
LAYOUT_KEYS = ("number_line", "place_date", "summary", "signer_lines", "recipients", "issuer", "kinh_gui")


def check_routing(routing: Routing, *, known: Mapping[str, str], today: date) -> None:
    """Refuse a routing that breaks the rules, naming the rule. ``known`` maps every unit and person
    the leader may choose (their keys) to their names."""
    chosen = [routing.lead, *routing.cooperate, *routing.for_info] if routing.lead else []
    unknown = [k for k in [routing.lead, *routing.cooperate, *routing.for_info] if k and k not in known]
    if unknown:
        raise DocumentError("Có đơn vị hoặc người nhận không thuộc cơ quan. Vui lòng chọn lại.")
    if not routing.lead:
        if routing.cooperate:
            raise DocumentError("Đã chọn đơn vị phối hợp thì phải chọn một đơn vị xử lý chính (chủ trì).")
        raise DocumentError("Vui lòng chọn một đơn vị hoặc cá nhân xử lý chính (chủ trì).")
    seen: set[str] = set()
    for key in chosen:
        if key in seen:
            raise DocumentError(f"“{known[key]}” được chọn hai lần: mỗi đơn vị, cá nhân chỉ nhận một vai trò.")
        seen.add(key)
    if routing.due is not None and routing.due < today:
        raise DocumentError("Hạn xử lý không được trước ngày hôm nay.")
    if len(routing.direction) > MAX_DIRECTION:
        raise DocumentError(f"Ý kiến chỉ đạo dài quá {MAX_DIRECTION} ký tự.")


def is_overdue(due: date | None, today: date, *, done: bool) -> bool:
    """Quá hạn: a deadline passed without the handling finished."""
    return due is not None and not done and due < today


def parse_keys(values: Sequence[str]) -> tuple[str, ...]:
    """Form values to keys, in order, blanks dropped."""
    return tuple(v.strip() for v in values if v and v.strip())
