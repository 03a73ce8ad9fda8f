"""The item card's facts a decision needs: the colour and why, the deadline and the days
left or overdue, the measure (措施), the target with the latest figure recorded toward it,
and the co-units.

Each piece is catalogue HTML with what people typed escaped; what people typed is cut to a
length that keeps the whole card far below Telegram's 4 096 characters (the full texts are
in /history and the export).
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import local_day
from bot.domain.items import Item
from bot.domain.reports import progress_percent
from bot.domain.targets import format_number
from bot.domain.visits import short
from bot.i18n import Safe
from bot.runtime.work import Work
from bot.services.due_words import due_text
from bot.services.levels import level_text
from storage import followup

MEASURE_LIMIT = 600
TARGET_LIMIT = 200


def facts_section(work: Work, item: Item) -> Safe:
    """The lines under 状态: level and why, deadline, measure, target."""
    parts = [
        work.t("cards.level_line", level=level_text(work, item)),
        work.t("cards.deadline", due=due_text(work, item)),
    ]
    if item.measure.strip():
        parts.append(work.t("cards.measure", measure=short(item.measure, MEASURE_LIMIT)))
    if item.target.strip() or item.target_number is not None:
        parts.append(target_line(work, item))
    return Safe("".join(parts))


def target_line(work: Work, item: Item) -> str:
    """目标：净增105家（最新 79/105，75%，2024-05-20）: the newest figure recorded toward it."""
    target = short(item.target.strip(), TARGET_LIMIT) or format_number(item.target_number or 0)
    latest = followup.latest_figure(work.db, item.id)
    if latest is None:
        extra = work.t("cards.target_none_yet") if item.target_number is not None else ""
        return work.t("cards.target", target=target, latest=Safe(extra))
    day = local_day(datetime.fromisoformat(latest["created_at"]), work.tz).isoformat()
    percent = progress_percent(latest["figure"], item.target_number)
    kind = "claimed" if _claimed(work, item, latest) else "latest"
    if percent is None or item.target_number is None:
        extra = work.t(
            f"cards.target_{kind}_plain", figure=format_number(latest["figure"]), day=day
        )
    else:
        extra = work.t(
            f"cards.target_{kind}",
            figure=format_number(latest["figure"]),
            target=format_number(item.target_number),
            percent=f"{percent:.0f}%",
            day=day,
        )
    return work.t("cards.target", target=target, latest=Safe(extra))


def _claimed(work: Work, item: Item, latest: dict) -> bool:
    """Whether the newest figure came with the close-out request still waiting: a claim the
    verifier has not checked, which the card must not show as the ledger's word."""
    waiting = followup.pending_closeout(work.db, item.id)
    return waiting is not None and (waiting["requested_by"], waiting["created_at"]) == (
        latest["person_id"],
        latest["created_at"],
    )


def co_units_line(work: Work, item: Item) -> Safe:
    """协办单位：工信局、财政局 (nothing when the item has none)."""
    if not item.co_units:
        return Safe("")
    return Safe(work.t("cards.co_units", units=work.t("list.sep").join(item.co_units)))
