"""LOG_FORMAT=json: one JSON object a line for log collectors, the token still scrubbed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import JsonLines, RedactTokens, configure_logging

TOKEN = "123456:" + "A" * 30


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """configure_logging replaces the root logger's handlers; put pytest's back after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


def _json_log(stream: io.StringIO) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    handler.addFilter(RedactTokens(TOKEN))
    logger = logging.getLogger("duban.test.json")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_each_record_is_one_json_object_with_time_level_logger_message() -> None:
    """A collector parses every line on its own: no multi-line records, the four fields."""
    stream = io.StringIO()
    log = _json_log(stream)
    log.info("update %s waits for the database lock", 41)
    log.warning("outbox row %s failed (%s)", 7, "timed out")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO"
    assert first["logger"] == "duban.test.json"
    assert first["message"] == "update 41 waits for the database lock"
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert second["level"] == "WARNING"
    assert second["message"] == "outbox row 7 failed (timed out)"


def test_the_token_is_scrubbed_in_json_lines_tracebacks_included() -> None:
    """The filter runs before the formatter: neither the message nor the traceback keeps it."""
    stream = io.StringIO()
    log = _json_log(stream)
    secret = TOKEN.partition(":")[2]
    try:
        raise RuntimeError(f"GET /bot{TOKEN}/getMe failed")
    except RuntimeError:
        log.exception("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert TOKEN not in line and secret not in line
    assert "<token>" in entry["message"]
    assert "RuntimeError" in entry["exception"] and "<token>" in entry["exception"]


def test_log_format_json_from_the_environment_shapes_the_bot_log(
    root_handlers: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LOG_FORMAT=json in the environment is what configure_logging uses when started."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("LOG_FORMAT", "json")
    configure_logging(TOKEN)
    (handler,) = logging.getLogger().handlers
    assert isinstance(handler.formatter, JsonLines)
    monkeypatch.setenv("LOG_FORMAT", "text")
    configure_logging(TOKEN)
    (handler,) = logging.getLogger().handlers
    assert not isinstance(handler.formatter, JsonLines)


def test_settings_name_an_unknown_log_format(tmp_path: Path) -> None:
    """A typo in LOG_FORMAT is named with the choices, not silently logged as text."""
    settings = load_settings({"LOG_FORMAT": "JSON"}, dotenv=tmp_path / "none")
    assert settings.log_format == "json"
    assert load_settings({}, dotenv=tmp_path / "none").log_format == "text"
    with pytest.raises(ConfigError) as caught:
        load_settings({"LOG_FORMAT": "xml"}, dotenv=tmp_path / "none")
    assert caught.value.problems == ["LOG_FORMAT: 'xml' must be one of: text, json"]
