"""Logging, configured once, with the bot token scrubbed from every line.

httpx logs each request URL at INFO, and Bot API URLs contain the token
(``/bot<token>/sendMessage``, ``/file/bot<token>/...``), so httpx is kept at WARNING and a
filter replaces the token anywhere it might still appear, tracebacks included. The
secret half is replaced on its own too: httpx writes file URLs with the colon
percent-encoded (``/file/bot123456%3AAbC…/photos/file_3.jpg``).
"""

from __future__ import annotations

import logging
import re
import traceback

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


def configure_logging(token: str | None = None, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
