"""提级监督: red items are announced to leaders and administrators with their history, and
an administrator or leader can escalate by hand or mark a joint meeting (专题会商)."""

from __future__ import annotations

from bot.actions import button
from bot.builders import timeline
from bot.clock import local_day
from bot.domain.items import Item
from bot.i18n import Safe, t
from bot.runtime.work import Work
from bot.services import leaders, notify
from bot.services.item_view import viewable_item
from storage import ledger

HISTORY_LINES = 5


def history(work: Work, item: Item, lang: str) -> str:
    """The item's last few events, one line each, told as /history tells them (the one
    assembler, bot/builders/timeline.py)."""
    lines = [
        t(
            lang,
            "esc.history_line",
            day=local_day(event.at, work.tz).isoformat(),
            what=Safe(timeline.describe(lang, event)),
        )
        for event in timeline.events(work.db, item)[-HISTORY_LINES:]
    ]
    return Safe("\n".join(lines))


def _open_keys(item: Item):
    return lambda person: [[notify.open_item_button(person.language, item.id)]]


def red_notice(work: Work, item: Item, days_overdue: int) -> None:
    """The item turned red: administrators and the leaders of its unit (分管; a leader with
    none, every leader) are told once, with its history."""
    notify.tell(
        work,
        leaders.told_of(work, item),
        "esc.turned_red",
        dedup=f"red:{item.id}:{item.deadline}",
        keyboard=_open_keys(item),
        code=item.code,
        problem=item.problem,
        unit=item.unit or "—",
        deadline=item.deadline.isoformat() if item.deadline else "—",
        days=days_overdue,
        history=lambda lang: history(work, item, lang),
    )


@button("esc.raise")
def raise_level(work: Work, item: int, current: str | None = None) -> None:
    """提级 to red by hand: the 🔴 choice of 🎚 调整督办等级 (bot/services/levels.py), which
    asks for the reason. ``current`` is the level set by hand the person saw; buttons made
    before levels had reasons (still in chats) carry none, and only red itself is refused."""
    from bot.services import levels  # at call time: levels announces through this module

    found = levels.may_set(work, item)
    if found.manual_level == "red" or current not in (None, found.manual_level):
        raise levels.LevelChanged
    levels.ask_reason(work, found, "red")


def announce_raised(work: Work, item: Item) -> None:
    """The item was made red by hand: administrators, the leaders of its unit (分管) and the
    unit are told."""
    cause = f"escalated:{item.id}:u{work.update_id}"
    notify.tell(
        work,
        leaders.told_of(work, item),
        "esc.raised_notice",
        dedup=cause,
        skip=work.person.id,
        keyboard=_open_keys(item),
        code=item.code,
        problem=item.problem,
        unit=item.unit or "—",
        by=work.person.name,
        history=lambda lang: history(work, item, lang),
    )
    notify.tell(
        work,
        notify.unit_contacts(work, item.unit_id),
        "esc.raised_contact",
        dedup=cause + ":unit",
        keyboard=_open_keys(item),
        code=item.code,
        problem=item.problem,
    )


@button("esc.meeting")
def joint_meeting(work: Work, item: int) -> None:
    """专题会商: mark (or unmark) the item for a joint meeting; admins and the leaders of its
    unit are told."""
    found = viewable_item(work, item)
    marked = not found.joint_meeting
    ledger.escalate(
        work.db, found.id, found.manual_level, work.person.actor, work.origin, joint_meeting=marked
    )
    work.reply("esc.meeting_on" if marked else "esc.meeting_off", code=found.code)
    if marked:
        notify.tell(
            work,
            leaders.told_of(work, found),
            "esc.meeting_notice",
            dedup=f"meeting:{found.id}:u{work.update_id}",
            skip=work.person.id,
            keyboard=_open_keys(found),
            code=found.code,
            problem=found.problem,
            by=work.person.name,
        )
