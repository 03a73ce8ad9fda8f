"""回头看: some time after close-out the item's inspectors check that the fix holds, and
confirm it or reopen the item with what they found. Once one of them has, every inspector's
task says who did what, and when, and loses its buttons (bot/services/decided_cards.py)."""

from __future__ import annotations

from bot.actions import button, button_to, step
from bot.clock import local_day
from bot.domain.audit import AuditAction
from bot.domain.items import Item
from bot.domain.lifecycle import DomainError, Event, decide
from bot.i18n import t
from bot.runtime.work import Work
from bot.services import decided_cards, notify
from storage import dialogs, ledger, people, visits
from storage import reminders as reminder_store
from storage.audit import record


class LookbackDone(DomainError):
    key = "lb.already"


def send_tasks(work: Work, item: Item, lookback_id: int) -> None:
    """One message per inspector of the item (the administrators if it has none)."""
    inspectors = [people.by_id(work.db, pid) for pid in sorted(item.inspector_ids)]
    recipients = [p for p in inspectors if p.active and p.address is not None]
    if not recipients:
        recipients = notify.admins(work)
    notify.tell(
        work,
        recipients,
        "lb.task",
        dedup=_task_dedup(lookback_id),
        urgent=False,
        keyboard=lambda person: [
            [
                button_to(confirm, t(person.language, "lb.holds"), lookback=lookback_id),
                button_to(reopen_start, t(person.language, "lb.reopen"), lookback=lookback_id),
            ]
        ],
        code=item.code,
        problem=item.problem,
        unit=item.unit or "—",
        closed=local_day(item.closed_at, work.tz).isoformat() if item.closed_at else "—",
    )


def _task_dedup(lookback_id: int) -> str:
    """The look-back's task messages (``<this>:<person id>``), redrawn once one of their
    readers confirms the fix holds or reopens the item."""
    return f"lookback:{lookback_id}"


def _open_task(work: Work, lookback_id: int) -> tuple[dict, Item]:
    task = reminder_store.lookback(work.db, int(lookback_id))
    if task is None or task["outcome"] is not None:
        raise LookbackDone
    item = ledger.get_item(work.db, task["item_id"])
    # Inspectors and administrators only, and only while the item is still closed.
    decide(Event.LOOKBACK_REOPEN, item.status, work.person.actor, item.parties)
    return task, item


@button("lb.holds")
def confirm(work: Work, lookback: int) -> None:
    """确认巩固: the fix holds; recorded in the item's audit trail."""
    task, item = _open_task(work, lookback)
    reminder_store.decide_lookback(work.db, task["id"], "holds", work.person.id, work.at)
    record(
        work.db,
        work.origin,
        entity="item",
        entity_id=item.id,
        item_id=item.id,
        action=AuditAction.LOOKBACK_CONFIRMED,
        after={"lookback": task["id"]},
    )
    work.reply("lb.confirmed", code=item.code)
    decided_cards.mark_decided(work, _task_dedup(task["id"]), "decided.lb_holds")


@button("lb.reopen")
def reopen_start(work: Work, lookback: int) -> None:
    """Reopen after a look-back: the finding is asked next."""
    task, item = _open_task(work, lookback)
    dialogs.put(work.db, work.person.id, "lookback.finding", {"lookback": task["id"]}, work.at)
    work.reply("lb.ask_finding", code=item.code)


@step("lookback.")
def reopen_text(work: Work, state: str, data: dict, text: str) -> None:
    """The typed finding: the item is reopened and the unit told."""
    dialogs.clear(work.db, work.person.id)
    task, item = _open_task(work, data["lookback"])
    finding = text.strip()[:2000]
    ledger.apply_event(
        work.db, item.id, Event.LOOKBACK_REOPEN, work.person.actor, work.origin, reason=finding
    )
    reminder_store.decide_lookback(
        work.db, task["id"], "reopened", work.person.id, work.at, finding
    )
    visits.add_finding(
        work.db,
        visit_id=None,
        item_id=item.id,
        person_id=work.person.id,
        text=finding,
        at=work.at,
        update_id=work.update_id,
    )
    work.reply("lb.reopened", code=item.code)
    decided_cards.mark_decided(
        work, _task_dedup(task["id"]), "decided.lb_reopened", finding=finding
    )
    notify.tell(
        work,
        notify.unit_contacts(work, item.unit_id),
        "lb.reopened_notice",
        dedup=f"lookback:{task['id']}:reopened",
        keyboard=lambda person: [[notify.open_item_button(person.language, item.id)]],
        code=item.code,
        problem=item.problem,
        finding=finding,
    )
