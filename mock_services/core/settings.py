"""Settings of the room's processes, read from the environment (prefix ``SATHACH_``).

Each process builds one settings object at start and passes it down; nothing reads the
environment anywhere else. ``docs/settings.md`` documents every field, and a test fails
when a field is missing there.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    development = "development"
    production = "production"


class CommonSettings(BaseSettings):
    """What every process of a room shares: where the data lives and how it is kept."""

    model_config = SettingsConfigDict(env_prefix="SATHACH_", extra="ignore", frozen=True)

    environment: Environment = Field(
        Environment.development,
        description="`development` generates a secret key under the data directory when none is set; "
        "`production` refuses to start without `SATHACH_SECRET_KEY`.",
    )
    data_dir: Path = Field(
        Path("var"),
        description="Directory for the SQLite database, the generated secret key and run-time files.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL. Empty means SQLite at `<data_dir>/sathach.db`. "
        "PostgreSQL: `postgresql+psycopg://user:password@host:5432/dbname`.",
    )
    timezone: str = Field(
        "Asia/Ho_Chi_Minh",
        description="Time zone in which exam dates and times are entered and shown. "
        "Storage and the action log are always UTC.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level of the servers: debug, info, warning or error."
    )
    tasks_dir: Path = Field(
        Path(__file__).resolve().parents[2] / "tasks",
        description="The task bank and its blueprints: the room draws papers from it, graderd grades with it.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name such as Asia/Ho_Chi_Minh") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_case_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'sathach.db'}"


class RoomSettings(CommonSettings):
    """The room server (portal and mock services) and the SMTP listener."""

    host: str = Field("127.0.0.1", description="Address the room server listens on (loopback or the room's LAN).")
    port: int = Field(8000, ge=0, le=65535, description="Port of the room server; 0 picks a free port.")
    smtp_host: str = Field("127.0.0.1", description="Address the SMTP listener listens on.")
    smtp_port: int = Field(2525, ge=0, le=65535, description="Port of the SMTP listener; 0 picks a free port.")
    graderd_host: str = Field("127.0.0.1", description="Address graderd listens on.")
    graderd_port: int = Field(8100, ge=0, le=65535, description="Port of graderd; 0 picks a free port.")
    secret_key: SecretStr | None = Field(
        None,
        description="Key for session-bound CSRF tokens and for the encrypted copy of candidates' "
        "passwords kept for reprinting login slips. At least 32 characters. Required in production.",
    )
    cookie_secure: bool = Field(False, description="Mark cookies `Secure` (set when the room is served over HTTPS).")
    session_idle_minutes: int = Field(
        60, ge=1, description="A session with no request for this long ends (thí sinh must log in again)."
    )
    session_max_hours: int = Field(12, ge=1, description="A session ends this long after login, active or not.")
    login_max_failures: int = Field(
        5, ge=1, description="Wrong passwords allowed per số báo danh (or operator) within the login window."
    )
    login_max_failures_per_address: int = Field(
        30, ge=1, description="Wrong passwords allowed per client address within the login window."
    )
    login_window_minutes: int = Field(
        5,
        ge=1,
        description="Length of the window in which failed logins are counted; the lock lasts as long.",
    )
    blob_max_bytes: int = Field(
        32 * 1024 * 1024,
        ge=1024,
        description="Largest file (attachment, PDF, upload) the blob store accepts.",
    )

    smtp_max_message_bytes: int = Field(
        25 * 1024 * 1024,
        ge=1024,
        description="Largest message the SMTP listener accepts (SIZE); a larger one is refused with 552.",
    )
    smtp_max_recipients: int = Field(
        50, ge=1, description="Recipients per message the SMTP listener accepts; more are refused with 452."
    )
    mail_domains: str = Field(
        "egov.test",
        description="Comma-separated mail domains of the room (subdomains included). Webmail delivers only "
        "to these; mail to any other address bounces back to the sender, since nothing leaves the room.",
    )

    onestop_unit_id: str = Field(
        "000.00.13.H13",
        pattern=r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}$",
        description="Electronic identifier (mã định danh, QĐ 20/2020/QĐ-TTg) of the candidates' receiving unit, "
        "the first part of every one-stop dossier code: `000.00.13.H13-261120-0007`. H13 is Cần Thơ's "
        "provincial part as inferred, not verified: set your province's.",
    )

    onestop_processing_seconds: int = Field(
        180,
        ge=1,
        le=86400,
        description="How long the simulated handling official takes to bring a transferred dossier's result "
        "back to the one-stop desk.",
    )

    @model_validator(mode="after")
    def _secret_key_is_strong(self) -> RoomSettings:
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("SATHACH_SECRET_KEY must be at least 32 characters long")
        if self.secret_key is None and self.environment is Environment.production:
            raise ValueError("SATHACH_SECRET_KEY is required when SATHACH_ENVIRONMENT=production")
        return self

    def secret(self) -> bytes:
        """The room's secret; in development generated once into ``<data_dir>/secret.key``."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return development_secret(self.data_dir, "secret.key").encode()


def development_secret(data_dir: Path, name: str) -> str:
    """A secret generated once into ``<data_dir>/<name>`` (mode 0600), for development only."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: two processes starting together agree on one key.
        draft = data_dir / f".{name}.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(48), encoding="ascii")
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text(encoding="ascii").strip()


def describe_invalid(exc: ValidationError) -> str:
    """One sentence naming each bad variable, for the operator (no pydantic jargon)."""
    problems = []
    for error in exc.errors():
        name = "SATHACH_" + "_".join(str(part) for part in error["loc"]).upper() if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}: {message}" if name else message)
    return "the settings are not valid: " + "; ".join(problems) + "."
