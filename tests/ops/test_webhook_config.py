"""TELEGRAM_WEBHOOK_*: polling unless a URL is set; with one, a valid secret is required."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

URL = "https://duban.example.org/telegram/hook"


def test_no_url_means_polling(tmp_path: Path) -> None:
    assert load_settings({}, dotenv=tmp_path / "none").webhook is None


def test_url_secret_and_listen_are_read(tmp_path: Path) -> None:
    env = {"TELEGRAM_WEBHOOK_URL": URL, "TELEGRAM_WEBHOOK_SECRET": "s3cret_-X"}
    webhook = load_settings(env, dotenv=tmp_path / "none").webhook
    assert webhook is not None
    assert (webhook.host, webhook.port, webhook.path) == ("127.0.0.1", 8443, "/telegram/hook")
    assert "s3cret" not in repr(webhook)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "has space"}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "TELEGRAM_WEBHOOK_SECRET"),
        (
            {"TELEGRAM_WEBHOOK_SECRET": "ok", "TELEGRAM_WEBHOOK_LISTEN": "8443"},
            "TELEGRAM_WEBHOOK_LISTEN",
        ),
        (
            {"TELEGRAM_WEBHOOK_SECRET": "ok", "TELEGRAM_WEBHOOK_URL": "duban.example.org"},
            "TELEGRAM_WEBHOOK_URL",
        ),
    ],
)
def test_bad_webhook_settings_are_named(tmp_path: Path, extra: dict, named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"TELEGRAM_WEBHOOK_URL": URL, **extra}, dotenv=tmp_path / "none")
    assert [fault.setting for fault in raised.value.faults] == [named]
    assert ConfigError.say("zh", raised.value.faults[0]).startswith(named)
