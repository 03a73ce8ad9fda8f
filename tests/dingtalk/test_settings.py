"""DingTalk's settings: configured by the app's id and secret, endpoints checked like
Telegram's, administrators named by staff id, and the secret never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, front_end_configured, load_settings


def test_dingtalk_is_off_until_its_app_id_and_secret_are_set(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv=tmp_path / "none")
    assert not settings.dingtalk_configured
    assert settings.dingtalk.openapi_endpoint == "https://api.dingtalk.com"
    assert settings.dingtalk.oapi_endpoint == "https://oapi.dingtalk.com"


def test_dingtalk_settings_are_read_with_staff_ids_as_administrators(tmp_path: Path) -> None:
    env = {
        "DINGTALK_CLIENT_ID": "dingclient",
        "DINGTALK_CLIENT_SECRET": "s3cret-value-of-the-app",
        "DINGTALK_ROBOT_CODE": "dingrobot",
        "DINGTALK_CARD_TEMPLATE_ID": "tpl.schema",
        "DINGTALK_OPENAPI_ENDPOINT": "http://127.0.0.1:9000/",
        "DINGTALK_OAPI_ENDPOINT": "http://127.0.0.1:9001",
        "DINGTALK_ADMIN_IDS": "manager4521, 0123 ,",
    }
    settings = load_settings(env, dotenv=tmp_path / "none")
    dingtalk = settings.dingtalk
    assert settings.dingtalk_configured
    assert (dingtalk.client_id, dingtalk.robot_code) == ("dingclient", "dingrobot")
    assert dingtalk.card_template_id == "tpl.schema"
    assert dingtalk.openapi_endpoint == "http://127.0.0.1:9000"
    assert dingtalk.oapi_endpoint == "http://127.0.0.1:9001"
    assert dingtalk.admin_ids == {"manager4521", "0123"}  # staff ids are text, zeros kept
    assert "s3cret" not in repr(settings) + repr(dingtalk)


def test_a_dingtalk_endpoint_that_is_no_url_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"DINGTALK_OAPI_ENDPOINT": "oapi.dingtalk.com"}, dotenv=tmp_path / "none")
    assert "DINGTALK_OAPI_ENDPOINT" in "\n".join(caught.value.problems)


def test_make_run_starts_the_bot_when_either_front_end_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("TELEGRAM_BOT_TOKEN", "DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert not front_end_configured()  # the demo, then
    monkeypatch.setenv("DINGTALK_CLIENT_ID", "dingclient")
    assert not front_end_configured()  # an id without its secret is no app
    (tmp_path / ".env").write_text("DINGTALK_CLIENT_SECRET=s3cret\n")
    assert front_end_configured()
    monkeypatch.delenv("DINGTALK_CLIENT_ID")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "A" * 30)
    assert front_end_configured()
