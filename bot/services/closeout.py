"""Verifying a close-out request (销号 / 退办) by someone outside the responsible units.

The verification card goes to the inspectors the office assigned to the item and the
administrators who may verify it (the lifecycle refuses the requester and anyone in the lead
unit or a co-unit, so they are not even asked), names who may verify, and comes with the
evidence re-sent by file id so the verifier sees what was sent. Once one of them approves or
returns the request, every verifier's card says so — who, when, and the reason of a return —
and loses its buttons (bot/services/decided_cards.py).
"""

from __future__ import annotations

from datetime import datetime

from bot.actions import button, button_to, step
from bot.chat import Attachment, Button
from bot.clock import local_day
from bot.domain.items import Item
from bot.domain.lifecycle import Event, decide
from bot.domain.people import Person
from bot.domain.reports import progress_percent
from bot.domain.targets import format_number
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services import acks, decided_cards, notify
from bot.services.item_people import verifiers, who_may_verify
from storage import dialogs, followup, ledger, people
from storage import reminders as reminder_store

# Evidence re-sent one by one after the photos' album (each as what it is).
_SENT_ALONE = frozenset({"document", "video", "voice"})


def decision_row(lang: str, request_id: int) -> list[Button]:
    return [
        button_to(approve, t(lang, "co.approve"), request=request_id),
        button_to(return_start, t(lang, "co.return"), request=request_id),
    ]


def send_verification(work: Work, item: Item, request_id: int) -> int:
    """Queue the evidence and the card for each verifier; returns how many were asked."""
    request = followup.closeout(work.db, request_id)
    files = followup.evidence_of(work.db, "closeout_id", request_id)
    photos = [Attachment("photo", f["file_id"]) for f in files if f["kind"] == "photo"]
    others = [f for f in files if f["kind"] in _SENT_ALONE]
    requester = people.by_id(work.db, request["requested_by"])
    at = notify.urgent_at(work)
    asked = verifiers(work, item)
    for person in asked:
        to, prefix = person.address, f"verify:{request_id}:{person.id}"
        if to is None:
            continue
        work.send_album(to, photos, key=f"{prefix}:p", not_before=at)
        for row in others:
            key = f"{prefix}:f{row['id']}"
            work.send_file(to, row["kind"], row["file_id"], key=key, not_before=at)
    notify.tell(
        work,
        asked,
        "co.verify_card",
        dedup=_card_dedup(request_id),
        keyboard=lambda person: [decision_row(person.language, request_id)],
        code=item.code,
        problem=item.problem,
        unit=item.unit or "—",
        requester=requester.name,
        text=request["text"] or "—",
        files=len(files),
        photos=len(photos),
        figures=lambda lang: figures_section(work, item, request, lang),
        who=lambda lang: who_may_verify(lang, asked),
    )
    return len(asked)


def _card_dedup(request_id: int) -> str:
    """The verification cards' key (one card a verifier: ``<this>:<person id>``), by which
    every one of them is redrawn once the request is decided."""
    return f"verify:{request_id}:card"


def claimed_figure(work: Work, request: dict) -> dict | None:
    """The figure sent with the close-out request: the progress report its submission
    recorded (same person, same moment; bot/services/item_actions.py submit)."""
    return followup.figure_at(
        work.db, request["item_id"], request["requested_by"], request["created_at"]
    )


def figures_section(work: Work, item: Item, request: dict, lang: str) -> Safe:
    """The target, the last figure on record and the request's own figure side by side,
    with a warning when the record does not reach the target: a contact may write
    "105家已全部完成" while the ledger says 79/105, and the verifier must see both."""
    if not item.target.strip() and item.target_number is None:
        return Safe("")
    claim = claimed_figure(work, request)
    last = followup.latest_figure(work.db, item.id, before_id=claim["id"] if claim else None)
    if claim is not None:
        claim_text = _figure(lang, claim["figure"], item.target_number)
    else:
        claim_text = t(lang, "cards.co_no_claim")
    if last is not None:
        who = people.by_id(work.db, last["person_id"]).name
        day = local_day(datetime.fromisoformat(last["created_at"]), work.tz).isoformat()
        last_text = t(
            lang,
            "cards.co_figure_when",
            figure=Safe(_figure(lang, last["figure"], item.target_number)),
            day=day,
            name=who,
        )
    else:
        last_text = t(lang, "cards.co_no_figure")
    reached = claim if claim is not None else last
    short_of = item.target_number is not None and (
        reached is None or reached["figure"] < item.target_number
    )
    return Safe(
        t(
            lang,
            "cards.co_figures",
            target=item.target.strip() or format_number(item.target_number or 0),
            last=Safe(last_text),
            claim=Safe(claim_text),
            gap=Safe(t(lang, "cards.co_gap") if short_of else ""),
        )
    )


def _figure(lang: str, figure: float, target: float | None) -> str:
    """``79/105（75%）``, or the figure alone for a target without a number."""
    percent = progress_percent(figure, target)
    if percent is None or target is None:
        return format_number(figure)
    return t(
        lang,
        "cards.co_figure",
        figure=format_number(figure),
        target=format_number(target),
        percent=f"{percent:.0f}%",
    )


def _pending(work: Work, request_id: int) -> tuple[dict, Item] | None:
    request = followup.closeout(work.db, int(request_id))
    if request is None:
        return None
    item = ledger.get_item(work.db, request["item_id"])
    if request["status"] != "pending":
        work.reply("co.already_decided", code=item.code)
        return None
    return request, item


@button("co.approve")
def approve(work: Work, request: int) -> None:
    """销号: the item is closed; the contacts are told."""
    found = _pending(work, request)
    if found is None:
        return
    row, item = found
    ledger.apply_event(work.db, item.id, Event.APPROVE_CLOSE, work.person.actor, work.origin)
    followup.decide_closeout(work.db, row["id"], "approved", work.person.id, work.at)
    work.reply("co.approved_done", code=item.code)
    decided_cards.mark_decided(work, _card_dedup(row["id"]), "decided.co_approved")
    notify.tell(
        work,
        notify.unit_contacts(work, item.unit_id),
        "co.approved_notice",
        dedup=f"closeout:{row['id']}:approved",
        code=item.code,
        problem=item.problem,
        by=work.person.name,
    )


@button("co.return")
def return_start(work: Work, request: int) -> None:
    """退办: ask the verifier for the reason first."""
    found = _pending(work, request)
    if found is None:
        return
    row, item = found
    # Refuse now (not after the reason is typed) anyone the lifecycle would refuse.
    decide(Event.RETURN_CLOSE, item.status, work.person.actor, item.parties, reason="?")
    dialogs.put(work.db, work.person.id, "closeout.return", {"request": row["id"]}, work.at)
    work.reply("co.ask_reason", code=item.code)


@step("closeout.return")
def return_text(work: Work, state: str, data: dict, text: str) -> None:
    """The typed reason: the item goes back to the unit, who must acknowledge it."""
    dialogs.clear(work.db, work.person.id)
    found = _pending(work, data["request"])
    if found is None:
        return
    request, item = found
    reason = text.strip()[:1000]
    ledger.apply_event(
        work.db, item.id, Event.RETURN_CLOSE, work.person.actor, work.origin, reason=reason
    )
    followup.decide_closeout(work.db, request["id"], "returned", work.person.id, work.at, reason)
    work.reply("co.returned_done", code=item.code)
    decided_cards.mark_decided(
        work, _card_dedup(request["id"]), "decided.co_returned", reason=reason
    )
    if item.unit_id is None:
        return
    ack = reminder_store.open_ack(
        work.db, item.id, item.unit_id, "returned", local_day(work.at, work.tz), work.at
    )
    notify.tell(
        work,
        notify.unit_contacts(work, item.unit_id),
        "co.returned_notice",
        dedup=f"closeout:{request['id']}:returned",
        keyboard=lambda person: _ack_keys(person, ack, item.id),
        code=item.code,
        problem=item.problem,
        by=work.person.name,
        reason=reason,
    )


def _ack_keys(person: Person, ack_id: int, item_id: int) -> Keyboard:
    return [
        [
            button_to(acks.acknowledge, t(person.language, "act.ack"), acks=[ack_id]),
            notify.open_item_button(person.language, item_id),
        ]
    ]
