"""Settings: read from SATHACH_ variables, checked at start, explained in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mock_services.core.settings import Environment, RoomSettings, describe_invalid
from tests.support.live import room_env, sandbox_cli


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SATHACH_PORT", "8123")
    monkeypatch.setenv("SATHACH_LOG_LEVEL", "WARNING")
    settings = RoomSettings()
    assert settings.port == 8123
    assert settings.log_level == "warning"
    assert settings.resolved_database_url == "sqlite:///var/sathach.db"


@pytest.mark.parametrize(
    ("variables", "sentence"),
    [
        ({"SATHACH_TIMEZONE": "Asia/Hanoi"}, "SATHACH_TIMEZONE: 'Asia/Hanoi' is not a time zone name"),
        ({"SATHACH_LOG_LEVEL": "verbose"}, "SATHACH_LOG_LEVEL:"),
        ({"SATHACH_PORT": "tám nghìn"}, "SATHACH_PORT:"),
        ({"SATHACH_SECRET_KEY": "short"}, "SATHACH_SECRET_KEY must be at least 32 characters long"),
        ({"SATHACH_ENVIRONMENT": "production"}, "SATHACH_SECRET_KEY is required when SATHACH_ENVIRONMENT=production"),
    ],
)
def test_a_bad_value_is_named_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], sentence: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        RoomSettings()
    message = describe_invalid(caught.value)
    assert sentence in message
    assert "Value error," not in message
    assert "\n" not in message


def test_development_generates_one_secret_and_keeps_it(tmp_path: Path) -> None:
    first = RoomSettings(data_dir=tmp_path, environment=Environment.development).secret()
    again = RoomSettings(data_dir=tmp_path, environment=Environment.development).secret()
    assert first == again
    assert len(first) >= 32
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("command", [["init-db"], ["list-exams"]])
def test_every_command_refuses_bad_settings_before_it_starts(tmp_path: Path, command: list[str]) -> None:
    result = sandbox_cli(*command, env=room_env(tmp_path, SATHACH_TIMEZONE="Asia/Hanoi"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: the settings are not valid: SATHACH_TIMEZONE:")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "sathach.db").exists()
