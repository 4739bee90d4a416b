"""The exception root of the room, and the one shape errors take on the web.

Every error a route raises on purpose is a ``WebError``: a status, a stable English code for
programs, and a Vietnamese sentence for the person in front of the screen. The HTTP layer
(``mock_services.core.http_errors``) turns it into JSON for ``/api/`` callers and into a
Vietnamese page for browsers; nothing else ever reaches a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SathachError(Exception):
    """Root of every error Sát hạch raises on purpose."""


# Vietnamese titles of the error pages, by status.
STATUS_TITLES: dict[int, str] = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa đăng nhập",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    405: "Thao tác không được hỗ trợ",
    409: "Dữ liệu đã thay đổi",
    413: "Dữ liệu gửi lên quá lớn",
    422: "Dữ liệu không hợp lệ",
    429: "Thao tác quá nhiều lần",
    500: "Lỗi hệ thống",
    503: "Hệ thống tạm thời không phục vụ",
}

# The sentence shown when a route gives none of its own.
DEFAULT_MESSAGES: dict[int, str] = {
    400: "Yêu cầu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại.",
    401: "Vui lòng đăng nhập để tiếp tục.",
    403: "Bạn không có quyền xem trang này hoặc thực hiện thao tác này.",
    404: "Trang hoặc dữ liệu bạn tìm không tồn tại.",
    405: "Thao tác này không được hỗ trợ tại địa chỉ này.",
    409: "Dữ liệu đã được thay đổi ở nơi khác. Vui lòng tải lại trang.",
    413: "Dữ liệu gửi lên vượt quá dung lượng cho phép.",
    422: "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại.",
    429: "Bạn thao tác quá nhiều lần. Vui lòng đợi một lát rồi thử lại.",
    500: "Hệ thống gặp sự cố khi xử lý yêu cầu. Vui lòng báo giám thị phòng thi.",
    503: "Hệ thống tạm thời không phục vụ. Vui lòng báo giám thị phòng thi.",
}

CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


@dataclass(eq=False)
class WebError(SathachError):
    """An error meant for the user: ``message`` is Vietnamese and safe to show."""

    status: int
    message: str = ""
    code: str = ""
    details: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.message = self.message or DEFAULT_MESSAGES.get(self.status, DEFAULT_MESSAGES[500])
        self.code = self.code or CODES.get(self.status, "error")
        super().__init__(self.message)

    @property
    def title(self) -> str:
        return STATUS_TITLES.get(self.status, STATUS_TITLES[500])

    def body(self) -> dict[str, Any]:
        """The one JSON error shape of every API in the room."""
        return {
            "ok": False,
            "status": self.status,
            "error": self.code,
            "message": self.message,
            "details": self.details,
        }
