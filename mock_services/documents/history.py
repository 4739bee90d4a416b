"""Lịch sử tác động: a document's history as its page shows it, read from the action log itself,
so the page and the grader see the same record (Phụ lục VI: every action on a document is kept)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.log import object_events

ACTION_LABELS: dict[str, str] = {
    "documents.incoming_received": "Tiếp nhận văn bản",
    "documents.incoming_opened": "Xem văn bản",
    "documents.incoming_registered": "Vào sổ",
    "documents.incoming_returned": "Trả lại nơi gửi",
    "documents.incoming_presented": "Trình lãnh đạo",
    "documents.incoming_routed": "Bút phê, chuyển xử lý",
    "documents.incoming_completed": "Hoàn thành xử lý",
    "documents.draft_created": "Tạo dự thảo",
    "documents.draft_updated": "Sửa dự thảo",
    "documents.draft_submitted": "Trình duyệt",
    "documents.opinion_requested": "Xin ý kiến",
    "documents.opinion_given": "Cho ý kiến",
    "documents.draft_approved": "Duyệt",
    "documents.draft_sent_back": "Trả lại",
    "documents.signature_requested": "Trình ký",
    "documents.draft_signed": "Ký duyệt",
    "documents.sent_to_clerk": "Chuyển văn thư",
    "documents.outgoing_numbered": "Cấp số",
    "documents.outgoing_issued": "Phát hành",
    "documents.outgoing_recalled": "Thu hồi",
}

# The field of each event that says what was decided, shown beside the action.
_DETAIL_FIELDS = ("reason", "direction", "comment", "note", "to", "number")


def history(conn: Connection, candidate_id: int, object_kind: str, doc_id: int) -> list[dict[str, Any]]:
    rows = []
    for event in object_events(conn, candidate_id, object_kind, str(doc_id)):
        data = event.data
        detail = next((str(data[f]) for f in _DETAIL_FIELDS if data.get(f)), "")
        rows.append(
            {
                "at": event.at,
                "action": ACTION_LABELS.get(event.verb, event.verb),
                "by": data.get("by", "Hệ thống"),
                "role": data.get("role", ""),
                "detail": detail,
                "system": event.actor == "system",
            }
        )
    return rows


def incoming_history(conn: Connection, candidate_id: int, doc_id: int) -> list[dict[str, Any]]:
    return history(conn, candidate_id, "incoming", doc_id)


def outgoing_history(conn: Connection, candidate_id: int, doc_id: int) -> list[dict[str, Any]]:
    return history(conn, candidate_id, "outgoing", doc_id)
