"""Rules of an unannounced visit (四不两直), as plain Python: no Telegram, no SQL.

The grouping rule decides which finding a photo belongs to; the urgency order decides which
items the visit card and the tie buttons show first; the quick deadlines are what an
inspector can tap when a finding becomes a new item.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.items import Item

# Telegram's getFile refuses files larger than this; such evidence keeps only its file_id.
DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024
# A photo without a caption joins the inspector's latest finding if that finding saw a text
# or photo within this window; after it, the photo opens a finding of its own.
FINDING_WINDOW = timedelta(minutes=10)
# How long an album's (or a photo burst's) confirmation waits for the rest of its photos.
CONFIRM_DELAY = timedelta(seconds=2)
# A file processed after its visit ended is placed in the visit its message.date falls in;
# Telegram's dates and the server's clock may disagree a little at the visit's start.
LATE_GRACE = timedelta(minutes=5)
# Items offered as buttons under a finding (most urgent first).
TIE_BUTTONS = 6

LEVEL_MARKS = {"red": "🔴", "yellow": "🟡", "blue": "🔵", "none": "⚪"}
QUICK_DEADLINES = ("week", "month", "quarter")


@dataclass(frozen=True)
class MediaIn:
    """One file a person sent, as the handler read it from the update."""

    kind: str  # photo, document, voice, video
    file_id: str
    file_unique_id: str
    size: int | None
    mime_type: str | None
    file_name: str | None
    caption: str
    media_group_id: str | None
    taken_at: datetime  # message.date, the moment the phone sent it
    # The platform whose id ``file_id`` is ("telegram", "dingtalk"): only that platform's
    # download job can fetch it. Said by the message, never guessed from the person, who
    # may write from another platform before the file is fetched.
    platform: str

    @property
    def too_big(self) -> bool:
        return self.size is not None and self.size > DOWNLOAD_LIMIT_BYTES


def joins_finding(last_activity: datetime | None, now: datetime, caption: str) -> bool:
    """Whether a photo belongs to the inspector's latest finding rather than a new one.

    A caption always makes a new finding (the caption is its text). Otherwise a photo
    continues the latest finding while that finding is recent, tied to an item or not:
    "text, then photos of it" is how people report, and tying first and shooting after
    must not split the report.
    """
    if caption.strip() or last_activity is None:
        return False
    return now - last_activity <= FINDING_WINDOW


def by_urgency(items: list[Item], today: date) -> list[Item]:
    """Overdue first (the longest overdue first), then the nearest deadline, undated last."""

    def key(item: Item) -> tuple[int, int, str]:
        if item.deadline is None:
            return (2, 0, item.code)
        days = (item.deadline - today).days
        return (0 if days < 0 else 1, days, item.code)

    return sorted(items, key=key)


def quick_deadline(choice: str, today: date) -> date:
    """1 week, 1 month (same day next month, or its last day), or the end of this quarter."""
    if choice == "week":
        return today + timedelta(days=7)
    if choice == "month":
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    if choice == "quarter":
        month = ((today.month - 1) // 3 + 1) * 3
        return date(today.year, month, calendar.monthrange(today.year, month)[1])
    raise ValueError(choice)


def duration_minutes(started: datetime, ended: datetime) -> int:
    return max(0, int((ended - started).total_seconds() // 60))


def short(text: str, limit: int = 40) -> str:
    """One line of at most ``limit`` characters, for cards and buttons."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
