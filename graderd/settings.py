"""graderd's settings: the room's shared ones plus where graderd listens."""

from __future__ import annotations

from pydantic import Field

from mock_services.core.settings import CommonSettings


class GraderSettings(CommonSettings):
    graderd_host: str = Field("127.0.0.1", description="Address graderd listens on.")
    graderd_port: int = Field(8100, ge=0, le=65535, description="Port of graderd; 0 picks a free port.")
