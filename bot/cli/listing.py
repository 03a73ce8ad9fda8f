"""Items as rows for ``duban items`` (a table for people, JSON for scripts)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.clock import local_day
from bot.domain.escalation import item_level
from bot.domain.items import Item
from bot.i18n import plain
from bot.sheets.headers import STATUS_LABELS
from storage.ledger import list_items
from storage.policy import load_policy


def item_row(item: Item, level: str) -> dict[str, object]:
    return {
        "id": item.id,
        "code": item.code,
        "period": item.period,
        "seq": item.seq,
        "problem": item.problem,
        "measure": item.measure,
        "unit": item.unit,
        "co_units": list(item.co_units),
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "deadline_text": item.deadline_text,
        "recurring": item.recurring,
        "ongoing": item.ongoing,
        "target": item.target,
        "target_number": item.target_number,
        "area": item.area,
        "town": item.town,
        "company": item.company,
        "status": item.status.value,
        "level": level,
        "notes": item.notes,
    }


def item_rows(
    db: sqlite_utils.Database,
    tz: ZoneInfo,
    *,
    status: str | None = None,
    unit: str | None = None,
    now: datetime | None = None,
) -> list[dict[str, object]]:
    today = local_day(now or datetime.now(UTC), tz)
    red_after = load_policy(db).red_after_overdue_days
    return [
        item_row(item, item_level(item, today, red_after))
        for item in list_items(db, status=status, unit=unit)
    ]


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, limit: int) -> str:
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > limit - 1:
            return out + "…"
        out, used = out + ch, used + w
    return out


def render_table(rows: list[dict[str, object]], lang: str = "zh") -> str:
    """The items as a terminal table for people, in ``lang``: column heads, statuses and
    levels in words (the JSON keeps the codes, for scripts)."""
    widths = {"code": 10, "status": 15, "level": 6, "deadline": 10, "unit": 14, "problem": 40}
    columns = [(key, plain(lang, f"cli.items.head.{key}"), width) for key, width in widths.items()]
    in_words = [_in_words(row, lang) for row in rows]
    return render_columns(columns, in_words, plain(lang, "cli.items.count", count=len(rows)))


def render_columns(
    columns: Sequence[tuple[str, str, int]], rows: list[dict[str, object]], total: str
) -> str:
    """Rows as a terminal table: each column a (key, header, width) in display columns,
    long text cut with "…", empty cells as "-", and ``total`` as the last line."""
    lines = []
    heading = {key: header for key, header, _ in columns}
    for row in [heading, *rows]:
        cells = []
        for key, _, limit in columns:
            value = row[key]
            text = _cut("-" if value is None or value == "" else str(value), limit)
            cells.append(text + " " * (limit - _width(text)))
        lines.append("  ".join(cells).rstrip())
    lines.append(total)
    return "\n".join(lines)


def _in_words(row: dict[str, object], lang: str) -> dict[str, object]:
    """A row with its status as the sheet words it and its level as a colour."""
    status = STATUS_LABELS[lang].get(str(row["status"]), row["status"])
    level = plain(lang, f"cli.items.level.{row['level']}")
    return row | {"status": status, "level": level}
