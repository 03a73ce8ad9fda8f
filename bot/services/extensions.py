"""延期申请: a contact asks for a new deadline with a reason; an administrator decides.

An approved extension is a new deadline kept with its history (storage.ledger
.extend_deadline); the reminder ladder follows it because the item is looked at again. Every
administrator was asked; once one decides, each of their cards says who decided what, and
when, and loses its buttons (bot/services/decided_cards.py).
"""

from __future__ import annotations

from datetime import date

from bot.actions import ADMINS, CONTACTS, button, button_to, step
from bot.clock import local_day
from bot.domain.deadlines import DeadlineError, parse_deadline
from bot.domain.lifecycle import DomainError, Status
from bot.i18n import t
from bot.runtime.work import Work
from bot.services import decided_cards, notify
from bot.services.item_view import viewable_item
from storage import dialogs, followup, ledger, people


class NotLeadContact(DomainError):
    key = "ext.lead_only"


@button("ext.start", roles=CONTACTS, refusal=NotLeadContact.key)
def start(work: Work, item: int) -> None:
    """延期申请: ask the lead unit's contact for the new date (then the reason)."""
    found = viewable_item(work, item)
    person = work.person
    if person.unit_id != found.unit_id:
        raise NotLeadContact
    if found.status is Status.CLOSED:
        work.reply("error.illegal_transition")
        return
    dialogs.put(work.db, person.id, "extension.date", {"item": found.id}, work.at)
    current = found.deadline.isoformat() if found.deadline else found.deadline_text or "—"
    work.reply("ext.ask_date", code=found.code, current=current)


def parse_new_date(text: str, today: date) -> date | None:
    """A typed date: ISO (2024-09-30) or the sheet's forms (9月30日, 三季度末)."""
    try:
        return parse_deadline(text.strip(), today.year).date
    except DeadlineError:
        return None


@step("extension.")
def on_text(work: Work, state: str, data: dict, text: str) -> None:
    item = ledger.get_item(work.db, data["item"])
    if state == "extension.date":
        today = local_day(work.at, work.tz)
        new = parse_new_date(text, today)
        earliest = max(today, item.deadline) if item.deadline else today
        if new is None or new <= earliest:
            work.reply("ext.bad_date", earliest=earliest.isoformat())
            return
        dialogs.put(
            work.db, work.person.id, "extension.reason", data | {"date": new.isoformat()}, work.at
        )
        work.reply("ext.ask_reason", date=new.isoformat())
        return
    reason = text.strip()[:1000]
    dialogs.clear(work.db, work.person.id)
    new = date.fromisoformat(data["date"])
    request = followup.add_extension(
        work.db, item.id, work.person.id, new, reason, work.at, work.update_id
    )
    work.reply("ext.sent", code=item.code, date=new.isoformat())
    old = item.deadline.isoformat() if item.deadline else item.deadline_text or "—"
    notify.tell(
        work,
        notify.admins(work),
        "ext.request_card",
        dedup=_card_dedup(request),
        keyboard=lambda person: [
            [
                button_to(approve, t(person.language, "ext.approve"), request=request),
                button_to(refuse, t(person.language, "ext.refuse"), request=request),
            ]
        ],
        code=item.code,
        problem=item.problem,
        unit=item.unit or "—",
        who=work.person.name,
        old=old,
        new=new.isoformat(),
        reason=reason,
    )


def _card_dedup(request_id: int) -> str:
    """The request's cards to the administrators (``<this>:<person id>``), redrawn once
    one of them decides."""
    return f"extension:{request_id}:card"


@button("ext.approve", roles=ADMINS)
def approve(work: Work, request: int) -> None:
    """同意: the new deadline takes effect."""
    _decide(work, request, approve=True)


@button("ext.refuse", roles=ADMINS)
def refuse(work: Work, request: int) -> None:
    """不同意: the deadline stays."""
    _decide(work, request, approve=False)


def _decide(work: Work, request_id: int, *, approve: bool) -> None:
    """Only administrators decide (the button's roles); the requester is told at once
    (urgent)."""
    request = followup.extension(work.db, int(request_id))
    if request is None:
        return
    item = ledger.get_item(work.db, request["item_id"])
    if request["status"] != "pending":
        work.reply("ext.already_decided", code=item.code)
        return
    new = date.fromisoformat(request["new_deadline"])
    if approve:
        ledger.extend_deadline(
            work.db, item.id, new, request["reason"], work.person.actor, work.origin
        )
    followup.decide_extension(
        work.db, request["id"], "approved" if approve else "refused", work.person.id, work.at
    )
    outcome = "approved" if approve else "refused"
    work.reply(f"ext.{outcome}_done", code=item.code, date=new.isoformat())
    decided_cards.mark_decided(
        work, _card_dedup(request["id"]), f"decided.ext_{outcome}", date=new.isoformat()
    )
    requester = people.by_id(work.db, request["requested_by"])
    recipients = [requester] + [
        p for p in notify.unit_contacts(work, item.unit_id) if p.id != requester.id
    ]
    notify.tell(
        work,
        [p for p in recipients if p.active],
        f"ext.{outcome}_notice",
        dedup=f"extension:{request['id']}:{outcome}",
        code=item.code,
        problem=item.problem,
        date=new.isoformat(),
        by=work.person.name,
    )
