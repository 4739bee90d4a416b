"""Issuing a document by email (phát hành qua thư điện tử): the mail service sends it from the
candidate's mailbox with the PDF attached, logged as the mail service logs any message it sends."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.documents.acting import Acting
from mock_services.documents.domain import DocumentError
from mock_services.documents.signatures import ATTACHMENT, main_file
from mock_services.documents.store import Agency, Outgoing
from mock_services.mail import mailbox
from mock_services.mail.domain import AddressError, parse_recipients


def parse_addresses(text: str) -> list[str]:
    """The addresses typed into Phát hành's email box, or a Vietnamese error naming the bad one."""
    try:
        return parse_recipients(text, "Gửi qua thư điện tử")
    except AddressError as exc:
        raise DocumentError(str(exc)) from None


def mail_issued(
    conn: Connection, candidate: Candidate, doc: Outgoing, agency: Agency, emails: list[str], acting: Acting
) -> None:
    to = parse_addresses(", ".join(emails))
    issued = main_file(doc)
    attachment = {
        "name": f"{doc.number.replace('/', '_')}.pdf",
        "sha256": issued["sha256"],
        "size": issued["size"],
        "content_type": "application/pdf",
    }
    appendices = [
        {"name": f["name"], "sha256": f["sha256"], "size": f["size"], "content_type": "application/pdf"}
        for f in doc.files
        if f.get("kind") == ATTACHMENT and str(f["name"]).lower().endswith(".pdf")
    ]
    body = (
        f"{agency.name} gửi văn bản số {doc.number} ngày {doc.issued_date:%d/%m/%Y} "
        f"về việc {doc.subject.removeprefix('V/v ').strip()}.\n\n"
        "Văn bản điện tử đính kèm thư này.\n\nVăn thư " + agency.name
    )
    outgoing = mailbox.Outgoing(
        to=to,
        cc=[],
        bcc=[],
        subject=f"Văn bản số {doc.number}: {doc.subject}",
        body=body,
        kept=[attachment, *appendices],
    )
    mail_acting = mailbox.Acting(
        now=acting.now, blobs=acting.blobs, tz=acting.tz, domains=acting.mail_domains, context=acting.context
    )
    mailbox.send(conn, candidate, outgoing, mail_acting)
