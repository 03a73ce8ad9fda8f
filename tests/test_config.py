"""Deployment settings: every bad value is named with the reason, the token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456:" + "A" * 30


def test_defaults_need_nothing(tmp_path: Path) -> None:
    """With nothing set the bot knows where Telegram, the database and the clock are."""
    settings = load_settings({}, dotenv=tmp_path / "none")
    assert settings.api_url == "https://api.telegram.org"
    assert settings.base_url == "https://api.telegram.org/bot"
    assert settings.timezone.key == "Asia/Shanghai"
    assert settings.default_language == "zh"
    assert settings.token is None


def test_each_bad_value_is_named_with_its_reason(tmp_path: Path) -> None:
    """An operator sees every mistake at once, each naming the variable."""
    env = {
        "TIMEZONE": "Mars/Base",
        "ADMIN_IDS": "12, abc",
        "TELEGRAM_API_URL": "ftp://example",
        "TELEGRAM_PROXY": "gopher://x",
        "DEFAULT_LANGUAGE": "fr",
        "TELEGRAM_BOT_TOKEN": "nonsense",
    }
    with pytest.raises(ConfigError) as caught:
        load_settings(env, dotenv=tmp_path / "none")
    problems = "\n".join(caught.value.problems)
    for name in env:
        assert name in problems
    assert "'Mars/Base' is not a known IANA time zone" in problems
    assert "'abc' is not a Telegram user id" in problems
    assert "nonsense" not in problems  # a mistyped token is still a secret


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    """Settings come from .env, overridden by the real environment."""
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nADMIN_IDS=1,2\n# comment\nTIMEZONE=UTC\n")
    settings = load_settings({"TIMEZONE": "Asia/Shanghai"}, dotenv=dotenv)
    assert settings.admin_ids == {1, 2}
    assert settings.timezone.key == "Asia/Shanghai"
    assert settings.token == TOKEN
    assert TOKEN not in repr(settings)
