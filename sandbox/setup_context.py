"""The context a setup operation runs in, built from the room's settings.

Whatever runs a task's setup builds its context here, so this is where every service's
implementations are loaded (``SETUP_MODULES``): the contract only declares the operations.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobStore
from mock_services.core.settings import RoomSettings
from mock_services.core.setup_ops import SetupContext
from mock_services.documents import setup as documents_setup
from mock_services.mail import setup as mail_setup
from mock_services.mail.domain import room_domains
from mock_services.onestop import setup as onestop_setup

SETUP_MODULES = (mail_setup, documents_setup, onestop_setup)


def setup_context(
    conn: Connection,
    candidate: Candidate,
    *,
    now: datetime,
    settings: RoomSettings,
    fixtures: Path | None = None,
    task_id: str | None = None,
) -> SetupContext:
    return SetupContext(
        conn=conn,
        candidate=candidate,
        now=now,
        blobs=BlobStore(settings.blob_max_bytes),
        tz=ZoneInfo(settings.timezone),
        mail_domains=room_domains(settings.mail_domains),
        fixtures=fixtures,
        task_id=task_id,
        onestop_unit_id=settings.onestop_unit_id,
        onestop_processing_seconds=settings.onestop_processing_seconds,
    )
