"""A deadline in words: its date with the days left, 今天到期, or the days overdue.

The item card and the visit card's item lines both say it, so this is the one place that
does: the same words everywhere, an English count agreeing with its number ("1 day"), and
the deadline day itself said as 今天到期 / due today rather than "0 days".
"""

from __future__ import annotations

from datetime import date

from bot.clock import local_day
from bot.domain.items import Item
from bot.domain.lifecycle import Status
from bot.runtime.work import Work


def due_text(work: Work, item: Item) -> str:
    """``2024-06-30（逾期 3 天）``, ``2024-06-30（今天到期）``, ``2024-06-30（还有 12 天）``;
    a closed item's date alone (nothing is left to count); the sheet's own words for an item
    without a date (长期坚持, 每季度), else 无固定时限."""
    if item.deadline is None:
        return item.deadline_text.strip() or work.t("due.none")
    day = item.deadline.isoformat()
    if item.status is Status.CLOSED:
        return day
    return work.t("due.dated", date=day, words=due_words(work, item.deadline))


def due_words(work: Work, deadline: date) -> str:
    """还有 N 天 / 今天到期 / 逾期 N 天, counted in the office's local days."""
    days = (deadline - local_day(work.at, work.tz)).days
    if days < 0:
        return work.t("due.overdue", days=-days)
    if days == 0:
        return work.t("due.today")
    return work.t("due.in", days=days)
