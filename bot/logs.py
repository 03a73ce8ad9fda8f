"""Logging, configured once, with the bot token scrubbed from every line.

httpx logs each request URL at INFO, and Bot API URLs contain the token
(``/bot<token>/sendMessage``, ``/file/bot<token>/...``), so httpx is kept at WARNING and a
filter replaces the token anywhere it might still appear, tracebacks included. The
secret half is replaced on its own too: httpx writes file URLs with the colon
percent-encoded (``/file/bot123456%3AAbC…/photos/file_3.jpg``).

``LOG_FORMAT=json`` writes one JSON object a line (time, level, logger, message and, for an
exception, its traceback) for log collectors; the token filter runs before either format.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime

from bot.config import configured_log_format

_TOKEN_RE = re.compile(r"\d{5,}(?::|%3[Aa])[A-Za-z0-9_-]{20,}")


def redact(text: str, token: str | None = None) -> str:
    """The text with any bot token (ours, or anything shaped like one) replaced."""
    if token:
        text = text.replace(token, "<token>")
        secret = token.partition(":")[2]
        if len(secret) >= 20:  # however the colon before it was written
            text = text.replace(secret, "<token>")
    return _TOKEN_RE.sub("<token>", text)


class RedactTokens(logging.Filter):
    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.token = token

    def _clean(self, text: str) -> str:
        return redact(text, self.token)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._clean(
                "".join(traceback.format_exception(*record.exc_info)).rstrip()
            )
            record.exc_info = None
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line: what a log collector parses without rules.

    The time is UTC in ISO 8601 so lines from hosts in different zones sort together; a
    traceback (already scrubbed by RedactTokens, which keeps it in ``exc_text``) goes in its
    own field rather than on the lines after the record.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def formatter_for(log_format: str) -> logging.Formatter:
    """The formatter LOG_FORMAT names: ``json`` for collectors, anything else for people."""
    if log_format == "json":
        return JsonLines()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure_logging(
    token: str | None = None, level: int = logging.INFO, log_format: str | None = None
) -> None:
    """Route every logger to stderr, token scrubbed, in LOG_FORMAT's shape.

    Without ``log_format`` the deployment's LOG_FORMAT (environment or ``.env``) decides, so
    every entry point (the bot, the demo, the benchmarks) honours it without passing it on.
    """
    if log_format is None:
        log_format = configured_log_format()
    handler = logging.StreamHandler()
    handler.setFormatter(formatter_for(log_format))
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
