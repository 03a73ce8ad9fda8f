"""Which list items a visit offers, most urgent first, and how one looks in a line.

The items of a visit are the open items of its company plus the town's items that name no
company (a town's incubator, say): what an inspector standing there may find news about.
"""

from __future__ import annotations

from bot.clock import local_day
from bot.domain.escalation import item_level
from bot.domain.items import Item
from bot.domain.lifecycle import Status
from bot.domain.visits import LEVEL_MARKS, by_urgency, short
from bot.runtime.work import Work
from bot.services.due_words import due_text
from storage.ledger import items_where


def offered_items(work: Work, company: str | None, town: str | None) -> list[Item]:
    """Open items of the company and of its town (those without a company), urgent first."""
    if not company and not town:
        return []
    live = items_where(
        work.db,
        "i.status != 'closed' AND (c.name = ? OR (t.name = ? AND i.company_id IS NULL))",
        [company, town],
    )
    return by_urgency(live, local_day(work.at, work.tz))


def may_take(item: Item, company_id: int | None, town: str | None) -> bool:
    """Whether a finding made at this company may be tied to this item (server-side check)."""
    if item.status is Status.CLOSED:
        return False
    if item.company_id is not None:
        return item.company_id == company_id
    return town is not None and item.town == town


def item_line(work: Work, item: Item, *, limit: int = 30) -> str:
    """ "🔴 2024-003 研发投入不足… · 截止 05-31（逾期 12 天）" in the reader's language."""
    day = local_day(work.at, work.tz)
    mark = LEVEL_MARKS.get(item_level(item, day, work.policy.red_after_overdue_days))
    due = due_text(work, item)  # the card's words: bot/services/due_words.py
    if item.deadline is not None:
        due = work.t("items.due", due=due)
    return work.t(
        "items.line", mark=mark, code=item.code, problem=short(item.problem, limit), due=due
    )


def button_label(work: Work, item: Item) -> str:
    mark = LEVEL_MARKS.get(
        item_level(item, local_day(work.at, work.tz), work.policy.red_after_overdue_days)
    )
    return f"{mark} {item.code} {short(item.problem, 18)}"
