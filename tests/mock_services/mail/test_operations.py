"""The mail setup operations' arguments: what a task spec's author can get wrong is refused
when the spec is validated, not when the exam starts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from mock_services.mail.operations import AttachmentFile, ContactArgs, DeliverArgs, FolderArgs

SENDER = "Văn phòng UBND thành phố <vanphong@cantho.egov.test>"


def test_a_delivery_needs_only_a_sender_and_a_subject() -> None:
    args = DeliverArgs.model_validate({"from": SENDER, "subject": "Giấy mời"})
    assert (args.sender, args.to, args.folder, args.seen) == (SENDER, None, "inbox", False)


def test_attachments_are_paths_or_described_files() -> None:
    args = DeliverArgs.model_validate(
        {"from": SENDER, "subject": "Báo cáo", "attachments": ["a.pdf", {"file": "b.pdf", "name": "Báo cáo.pdf"}]}
    )
    assert args.attachments == ["a.pdf", AttachmentFile(file="b.pdf", name="Báo cáo.pdf")]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"from": "Văn phòng"}, "has no valid e-mail address"),
        ({"headers": {"Subject": "x", "Reply-To": "a@b.vn"}}, "set Subject with its own key, not under headers"),
        ({"folder": "sent"}, "'inbox' or 'junk'"),
        ({"sender": SENDER}, "Extra inputs are not permitted"),
        ({"attachments": [{"file": "a.pdf", "type": "application/pdf"}]}, "Extra inputs are not permitted"),
    ],
)
def test_a_delivery_an_author_got_wrong_is_refused(changes: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        DeliverArgs.model_validate({"from": SENDER, "subject": "Giấy mời", **changes})


def test_a_contact_address_is_checked_and_lower_cased() -> None:
    assert ContactArgs(name="Văn phòng", email="VanPhong@CanTho.egov.test").email == "vanphong@cantho.egov.test"
    with pytest.raises(ValidationError, match="is not a valid e-mail address"):
        ContactArgs(name="Văn phòng", email="vanphong")


def test_a_folder_needs_its_name() -> None:
    with pytest.raises(ValidationError, match="name"):
        FolderArgs.model_validate({})
