"""Every queued text and caption within Telegram's limits, shortening what users typed.

``Work.queue`` passes every payload through ``fit_payload``, so no service has to think
about length. A message ``t`` rendered (a ``Rendered``) is made again with its user-typed
values (the plain strings ``t`` escaped, never the ``Safe`` fragments the bot wrote)
shortened to the longest length that fits, each ending in "…"; a pointer to the full text
follows — ``/history CODE`` when the message is about an item. Anything else (text put
together by hand) keeps its head, cut between tags and entities. Lengths are counted as
Telegram counts them (``bot.i18n.fit``).
"""

from __future__ import annotations

from typing import Any

from bot.i18n import Rendered, Safe, t
from bot.i18n.fit import CAPTION_LIMIT, ELLIPSIS, TEXT_LIMIT, shorten, shown_length

_TEXT_METHODS = {"sendmessage", "editmessagetext"}


def fit_payload(method: str, payload: dict[str, Any], lang: str) -> dict[str, Any]:
    """The payload with its text (4 096) or captions (1 024) fitted; the same dict when
    nothing had to change."""
    name = method.lower()
    if name in _TEXT_METHODS and isinstance(payload.get("text"), str):
        fitted = fit(payload["text"], TEXT_LIMIT, lang)
        return payload if fitted is payload["text"] else payload | {"text": fitted}
    changed = dict(payload)
    if isinstance(payload.get("caption"), str):
        changed["caption"] = fit(payload["caption"], CAPTION_LIMIT, lang)
    if isinstance(payload.get("media"), list):
        changed["media"] = [
            item | {"caption": fit(item["caption"], CAPTION_LIMIT, lang)}
            if isinstance(item, dict) and isinstance(item.get("caption"), str)
            else item
            for item in payload["media"]
        ]
    return changed


def fit(text: str, limit: int, lang: str) -> str:
    """``text`` itself if Telegram takes it; else a shortened text that fits ``limit``."""
    # A character is at most two UTF-16 units and markup only adds to the length: most
    # texts are known to fit without parsing them.
    if 2 * len(text) <= limit or shown_length(text) <= limit:
        return text
    lang = text.lang if isinstance(text, Rendered) else lang
    tail = _pointer(text, lang)
    budget = limit - shown_length(tail)
    if isinstance(text, Rendered):
        remade = _with_values_shortened(text, budget)
        if remade is not None:
            return Safe(remade + tail)
    return Safe(shorten(text, limit, tail))


def _pointer(text: str, lang: str) -> str:
    code = text.values.get("code") if isinstance(text, Rendered) else None
    if isinstance(code, str) and code and not isinstance(code, Safe):
        return t(lang, "delivery.shortened_item", code=code)
    return t(lang, "delivery.shortened")


def _with_values_shortened(text: Rendered, budget: int) -> str | None:
    """The message rendered again with every user-typed value cut to one cap, the
    largest cap that makes it fit ``budget``; None if even empty values do not fit."""
    typed = {
        name: value
        for name, value in text.values.items()
        if isinstance(value, str) and not isinstance(value, Safe) and name != "code"
    }
    if not typed:
        return None

    def render(cap: int) -> str:
        values = dict(text.values)
        for name, value in typed.items():
            if len(value) > cap:
                values[name] = value[:cap].rstrip() + ELLIPSIS
        return t(text.lang, text.key, **values)

    low, high = 0, max(len(value) for value in typed.values())
    if shown_length(render(low)) > budget:
        return None
    while low < high:  # the largest cap that fits
        middle = (low + high + 1) // 2
        if shown_length(render(middle)) <= budget:
            low = middle
        else:
            high = middle - 1
    return render(low)
