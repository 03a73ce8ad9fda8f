"""The one exception the sandbox raises to answer a Bot API call with an error.

Telegram answers every failure with ``{"ok": false, "error_code", "description"}`` and,
for flood control, ``parameters.retry_after``; keeping that shape in one class means every
refusal reaches the bot exactly as Telegram would send it.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A refusal with Telegram's HTTP status and description."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """403 with Telegram's ``Forbidden: `` prefix."""
    return ApiError(403, f"Forbidden: {detail}")


NOT_FOUND = "Not Found"
UNSUPPORTED = "method not supported by the sandbox"
