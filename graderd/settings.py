"""graderd's settings: the room's shared ones, where graderd listens, its token and its task bank."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator

from mock_services.core.settings import CommonSettings, Environment, development_secret

BANK = Path(__file__).resolve().parent.parent / "tasks"


class GraderSettings(CommonSettings):
    graderd_host: str = Field("127.0.0.1", description="Address graderd listens on.")
    graderd_port: int = Field(8100, ge=0, le=65535, description="Port of graderd; 0 picks a free port.")
    grader_token: SecretStr | None = Field(
        None,
        description="The token graders present to graderd's API and pages (at least 32 characters). "
        "Required in production; in development it is generated once into `<data dir>/grader.token`.",
    )

    @model_validator(mode="after")
    def _token_is_strong(self) -> GraderSettings:
        if self.grader_token is not None and len(self.grader_token.get_secret_value()) < 32:
            raise ValueError("SATHACH_GRADER_TOKEN must be at least 32 characters long")
        if self.grader_token is None and self.environment is Environment.production:
            raise ValueError("SATHACH_GRADER_TOKEN is required when SATHACH_ENVIRONMENT=production")
        return self

    def token(self) -> str:
        if self.grader_token is not None:
            return self.grader_token.get_secret_value()
        return development_secret(self.data_dir, "grader.token")
