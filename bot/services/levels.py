"""Levels by hand (手动调级): the office or a leader sets an item blue, yellow or red with a
reason, or lowers or clears a level set by hand.

The shown colour never drops below what the deadline or the sheet gives
(bot/domain/escalation.py takes the highest), so the person is told what the item will show
after, before they write the reason. Each button re-reads the item: a level someone else
changed in the meantime, a closed item or a role that may not is answered politely. Raising
an item to red tells leaders, the office and the unit as 提级督办 always has.
"""

from __future__ import annotations

from bot.actions import OFFICE, button, button_to, step
from bot.chat import Button
from bot.clock import local_day
from bot.domain.escalation import LEVELS, level_why, level_with_manual, manual_choices
from bot.domain.items import Item
from bot.domain.lifecycle import DomainError, Event, decide
from bot.domain.visits import LEVEL_MARKS
from bot.i18n import Safe
from bot.runtime.work import Keyboard, Work
from bot.services import escalation
from bot.services.item_view import level_of, viewable_item
from storage import dialogs, ledger, people

REASON_LIMIT = 500
_STATE = "level.reason"


class LevelRefused(DomainError):
    """Someone other than the office or a leader tapped (or forged) a level button."""

    key = "cards.level_refused"


class LevelChanged(DomainError):
    """The level set by hand is no longer what the person saw when they chose."""

    key = "cards.level_changed"


def level_name(work: Work, level: str) -> str:
    """``🔴 红色`` / ``🔴 red``."""
    return f"{LEVEL_MARKS[level]} {work.t(f'cards.level.{level}')}"


def level_text(work: Work, item: Item) -> Safe:
    """The card's colour and why: "🔴 红色（逾期 40 天；手动，王主任：进度滞后）"."""
    today = local_day(work.at, work.tz)
    why = level_why(item, today, work.policy.red_after_overdue_days)
    reasons: list[str] = []
    if why.overdue_days:
        reasons.append(work.t("due.overdue", days=why.overdue_days))  # as the deadline says
    if why.by_sheet:
        reasons.append(work.t("cards.why_sheet"))
    if item.manual_level != "none":
        reasons.append(_by_hand(work, item, shown=why.by_hand))
    text = level_name(work, why.level)
    if reasons:
        text += work.t("cards.why", reasons=Safe(work.t("cards.why_sep").join(reasons)))
    return Safe(text)


def _by_hand(work: Work, item: Item, *, shown: bool) -> str:
    """ "手动，王主任：…", or "手动设为蓝色，王主任：…" when the deadline or the sheet shows
    more; a level raised before reasons were kept (0013) says only that it was by hand."""
    note = ledger.manual_level(work.db, item.id)
    level = work.t(f"cards.level.{item.manual_level}")
    if note.person_id is None and not note.reason:
        return (
            work.t("cards.why_hand_bare")
            if shown
            else work.t("cards.why_hand_bare_lower", level=level)
        )
    who = _name(work, note.person_id)
    reason = note.reason or "—"
    if shown:
        return work.t("cards.why_hand", who=who, reason=reason)
    return work.t("cards.why_hand_lower", level=level, who=who, reason=reason)


def _name(work: Work, person_id: int | None) -> str:
    if person_id is None:
        return work.t("cards.someone")
    try:
        return people.by_id(work.db, person_id).name
    except ledger.NotFound:
        return work.t("cards.someone")


def may_set(work: Work, item_id: int) -> Item:
    """The item, if this person may set its level now (the lifecycle's ESCALATE rule)."""
    if work.person is None or work.person.role not in OFFICE:
        raise LevelRefused
    item = viewable_item(work, item_id)
    decide(Event.ESCALATE, item.status, work.person.actor, item.parties)
    return item


def level_button(work: Work, item: Item) -> Button:
    """The card's "🎚 调整督办等级" button, for whoever may set the level now."""
    return button_to(level_menu, work.t("cards.level_button"), item=item.id)


@button("level.menu", roles=OFFICE, refusal=LevelRefused.key)
def level_menu(work: Work, item: int) -> None:
    """The colours this person may set by hand, and what the item shows now."""
    found = may_set(work, item)
    keyboard: Keyboard = [
        [_choice(work, found, level)] for level in manual_choices(found.manual_level)
    ]
    work.reply(
        "cards.level_menu",
        code=found.code,
        shown=level_text(work, found),
        keyboard=keyboard,
    )


def _choice(work: Work, item: Item, level: str) -> Button:
    """One colour to choose; red is 提级 (esc.raise), which leaders and the unit hear of."""
    current = item.manual_level
    if level == "red":
        return button_to(
            escalation.raise_level, level_name(work, level), item=item.id, current=current
        )
    label = level_name(work, level) if level != "none" else work.t("cards.level_clear")
    return button_to(level_pick, label, item=item.id, level=level, current=current)


@button("level.pick", roles=OFFICE, refusal=LevelRefused.key)
def level_pick(work: Work, item: int, level: str, current: str) -> None:
    """A colour chosen: say what the item will show after, and ask for the reason."""
    found = may_set(work, item)
    if level not in LEVELS:
        raise LevelRefused
    if found.manual_level != current or level == found.manual_level:
        raise LevelChanged
    ask_reason(work, found, level)


def ask_reason(work: Work, item: Item, level: str) -> None:
    """Open the reason dialog for setting ``level`` by hand on ``item``."""
    after = level_with_manual(
        item, level, local_day(work.at, work.tz), work.policy.red_after_overdue_days
    )
    dialogs.put(
        work.db,
        work.person.id,
        _STATE,
        {"item": item.id, "level": level, "current": item.manual_level},
        work.at,
    )
    chosen = work.t("cards.level_clear") if level == "none" else level_name(work, level)
    floor = Safe(work.t("cards.level_floor") if after != level and level != "none" else "")
    work.reply(
        "cards.level_ask_reason",
        code=item.code,
        chosen=chosen,
        after=level_name(work, after),
        floor=floor,
    )


@step("level.", roles=OFFICE, refusal=LevelRefused.key)
def level_reason(work: Work, state: str, data: dict, text: str) -> None:
    """The typed reason: the level is set, audited, and the item's new colour said."""
    reason = " ".join(text.split())[:REASON_LIMIT]
    if not reason:
        work.reply("cards.level_reason_empty")
        return
    dialogs.clear(work.db, work.person.id)
    found = may_set(work, data["item"])
    if found.manual_level != data["current"]:
        raise LevelChanged
    before = level_of(work, found)
    changed = ledger.set_manual_level(
        work.db,
        found.id,
        data["level"],
        reason,
        work.person.id,
        work.person.actor,
        work.origin,
    )
    work.reply(
        "cards.level_cleared" if data["level"] == "none" else "cards.level_done",
        code=found.code,
        level=level_name(work, data["level"]) if data["level"] != "none" else "",
        shown=level_text(work, changed),
    )
    if before != "red" and level_of(work, changed) == "red":
        escalation.announce_raised(work, changed)
