"""The room's SMTP listener, spoken to with smtplib over real TCP."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import LiveServer, room_env, smtp_server

pytestmark = pytest.mark.live


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[LiveServer]:
    server = smtp_server(tmp_path, room_env(tmp_path / "var")).start()
    yield server
    assert server.stop() == 0, server.output()


def test_the_listener_greets_and_announces_its_size_limit(listener: LiveServer) -> None:
    with smtplib.SMTP("127.0.0.1", listener.port, timeout=10) as client:
        code, _ = client.ehlo("client.egov.test")
        assert code == 250
        assert client.has_extn("size")
        assert client.esmtp_features["size"] == str(25 * 1024 * 1024)


@pytest.mark.parametrize("recipient", ["thu.ntm@phuong-ninhkieu.egov.test", "someone@gmail.com"])
def test_no_recipient_is_accepted_until_mailboxes_exist_and_nothing_is_relayed(
    listener: LiveServer, recipient: str
) -> None:
    with smtplib.SMTP("127.0.0.1", listener.port, timeout=10) as client:
        client.ehlo("client.egov.test")
        client.mail("sender@egov.test")
        code, message = client.rcpt(recipient)
        assert code == 550
        assert b"No such mailbox" in message
        client.rset()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("sender@egov.test", [recipient], b"Subject: x\r\n\r\nbody\r\n")
