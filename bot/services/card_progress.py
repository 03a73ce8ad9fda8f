"""The item card's latest-progress section: what a leader or inspector opening the card
wants to know first — where the responsible unit says it stands, and how far that is
toward the item's numeric target. The full list of reports stays in /history.
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
from storage import followup, people
from storage.ledger import NotFound

# A report may run to thousands of characters; the card shows its start on one line and
# stays far below Telegram's 4096-character limit (the whole text is in /history).
TEXT_LIMIT = 120


def progress_section(work: Work, item: Item) -> str:
    """The newest progress report (local date, who, its start, figure toward the target)
    and how many there are, as catalogue HTML; or a short "none yet"."""
    report = followup.latest_progress(work.db, item.id)
    if report is None:
        return work.t("card.no_progress")
    day = local_day(datetime.fromisoformat(report["created_at"]), work.tz)
    text = (report["text"] or "").strip()
    return work.t(
        "card.progress",
        count=report["count"],
        history=work.t("history.button"),
        day=day.isoformat(),
        name=_name(work, report["person_id"]),
        text=short(text, TEXT_LIMIT) if text else work.t("card.progress_no_text"),
        figure=Safe(_figure(work, report["figure"], item.target_number)),
    )


def _figure(work: Work, figure: float | None, target: float | None) -> str:
    # The same capped percentage as /history and the charts (bot/domain/reports.py), so
    # one report never shows two different completion figures.
    percent = progress_percent(figure, target)
    if percent is not None and target is not None and figure is not None:
        return work.t(
            "card.progress_figure",
            figure=format_number(figure),
            target=format_number(target),
            percent=f"{percent:.0f}%",
        )
    if figure is not None:
        return work.t("card.progress_figure_plain", figure=format_number(figure))
    return ""


def _name(work: Work, person_id: int) -> str:
    try:
        return people.by_id(work.db, person_id).name
    except NotFound:
        return "—"
