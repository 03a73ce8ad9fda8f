"""What a DingTalk answer means for a message the bot owes someone: retry, renew, or give up.

DingTalk has two hosts with two habits. The new OpenAPI (api.dingtalk.com: batchSend,
cards, file download) answers an error with an HTTP status and ``{"code", "message"}``;
the older oapi host (oapi.dingtalk.com: media upload, and the session webhooks) answers
HTTP 200 with ``{"errcode", "errmsg"}``. As for Telegram (bot/domain/delivery.py), a
failure that may pass is retried later — no answer at all (timeout, connection reset), a
5xx, throttling — and one that never will is given up at once — bad parameters, an
unknown user, a missing permission. A refused access token is renewed and tried once more.

Codes (sandbox/dingtalk/README.md lists which are assumed):

* throttling: DingTalk's "API 调用频率限制" errors ``Forbidden.AccessDenied.QpsLimitForApi``,
  ``…QpsLimitForAppkeyAndApi`` and ``…QpsLimitForAppkey`` (HTTP 403), HTTP 429, oapi errcode
  90018 / 90006 / -1 (系统繁忙);
* a bad or expired token: HTTP 401 or ``InvalidAuthentication``, oapi errcode 40014 / 42001;
* an unknown person: ``param.userIdNotExist`` / ``userNotExist``, or the person in a
  batchSend answer's ``invalidStaffIdList``;
* an expired session webhook: oapi errcode 300001;
* cards (assumed): creating an outTrackId that exists answers ``param.outTrackIdDuplicate``,
  updating one that does not ``param.cardInstanceNotExist``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    RETRY = "retry"  # may pass: send again later
    RENEW_TOKEN = "renew_token"  # fetch a new access token, then try again at once
    GIVE_UP = "give_up"  # will never pass as it is
    UNKNOWN_USER = "unknown_user"  # the person is not (or no longer) in the organisation


THROTTLED_CODES = frozenset(
    {
        "Forbidden.AccessDenied.QpsLimitForApi",
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        "Forbidden.AccessDenied.QpsLimitForAppkey",
        "Throttling",
    }
)
THROTTLED_ERRCODES = frozenset({-1, 90006, 90018})
TOKEN_CODES = frozenset({"InvalidAuthentication"})
TOKEN_ERRCODES = frozenset({40014, 42001})
UNKNOWN_USER_CODES = frozenset({"param.userIdNotExist", "userNotExist"})
SESSION_EXPIRED_ERRCODE = 300001
CARD_EXISTS_CODES = frozenset({"param.outTrackIdDuplicate"})
CARD_UNKNOWN_CODES = frozenset({"param.cardInstanceNotExist"})


@dataclass(frozen=True)
class DingTalkFault:
    """One failed call as DingTalk (or the network) answered it; never holds a secret."""

    status: int  # HTTP status; 0 when no answer came
    code: str  # DingTalk's code, or str(errcode) from the oapi host, or the network error's name
    message: str

    def __str__(self) -> str:
        return f"DingTalk {self.status or 'no answer'} {self.code}: {self.message}"[:500]


def verdict(fault: DingTalkFault) -> Verdict:
    """Whether to retry, renew the token, or give the message up."""
    if fault.status == 0 or fault.status >= 500 or fault.status == 429:
        return Verdict.RETRY
    if fault.code in THROTTLED_CODES or _errcode(fault.code) in THROTTLED_ERRCODES:
        return Verdict.RETRY
    if fault.status == 401 or fault.code in TOKEN_CODES or _errcode(fault.code) in TOKEN_ERRCODES:
        return Verdict.RENEW_TOKEN
    if fault.code in UNKNOWN_USER_CODES:
        return Verdict.UNKNOWN_USER
    return Verdict.GIVE_UP


def is_session_expired(fault: DingTalkFault) -> bool:
    """A session webhook past its sessionWebhookExpiredTime (or never valid)."""
    return _errcode(fault.code) == SESSION_EXPIRED_ERRCODE


def _errcode(code: str) -> int | None:
    try:
        return int(code)
    except ValueError:
        return None


def is_card_exists(fault: DingTalkFault) -> bool:
    """A card with this outTrackId was created already (by an earlier try of the same row)."""
    return fault.code in CARD_EXISTS_CODES


def is_card_unknown(fault: DingTalkFault) -> bool:
    """No card has this outTrackId (the message was plain markdown, or is gone)."""
    return fault.code in CARD_UNKNOWN_CODES
