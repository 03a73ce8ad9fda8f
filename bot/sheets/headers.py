"""Level and status labels and the folding of header text, shared by the reader and the
exporter. The columns themselves, with every header each may carry, are declared once in
bot/sheets/columns.py."""

from __future__ import annotations

import re
import unicodedata

STATUS_LABELS = {
    "zh": {
        "open": "待办理",
        "in_progress": "办理中",
        "close_requested": "申请销号",
        "closed": "已销号",
    },
    "en": {
        "open": "Open",
        "in_progress": "In progress",
        "close_requested": "Close-out requested",
        "closed": "Closed",
    },
}

LEVEL_LABELS = {
    "zh": {
        "none": "",
        "blue": "一般督办（蓝）",
        "yellow": "重点督办（黄）",
        "red": "提级督办（红）",
    },
    "en": {"none": "", "blue": "Blue", "yellow": "Yellow", "red": "Red"},
}

# Words that mark a level in a cell, in any of the ways offices write it.
_LEVEL_WORDS = {
    "blue": ("蓝", "一般", "blue"),
    "yellow": ("黄", "重点", "yellow"),
    "red": ("红", "提级", "挂牌", "red"),
}
_NO_LEVEL = {"", "无", "none", "-", "—", "/"}

_DROP = re.compile(r"[\s*＊:：._\-·]+")


def header_key(text: str) -> str:
    """The form headers are compared in: NFKC, lower case, no spaces or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def display_header(text: str) -> str:
    """A header as the user reads it: line breaks and runs of spaces become one space,
    and none is left between Chinese characters (``办理\\n时限`` → ``办理时限``)."""
    parts = text.split()
    shown = ""
    for part in parts:
        if shown and not (_is_cjk(shown[-1]) or _is_cjk(part[0])):
            shown += " "
        shown += part
    return shown


def _is_cjk(char: str) -> bool:
    return char >= "\u2e80"


def parse_level(text: str) -> str | None:
    """'none'/'blue'/'yellow'/'red' from a 督办等级 cell, or None when unreadable."""
    key = header_key(text)
    if key in _NO_LEVEL:
        return "none"
    found = {level for level, words in _LEVEL_WORDS.items() if any(w in key for w in words)}
    return found.pop() if len(found) == 1 else None


_STATUS_BY_KEY = {
    header_key(label): status
    for labels in STATUS_LABELS.values()
    for status, label in labels.items()
} | {header_key(status): status for status in STATUS_LABELS["en"]}


def parse_status(text: str) -> str | None:
    """The status code our export wrote, or None for anything else (display only)."""
    return _STATUS_BY_KEY.get(header_key(text))
