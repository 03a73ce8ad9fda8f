"""/queue: the office completes what inspectors created on the spot (待完善).

An inspector's new item lacks a lead unit and often a deadline; a company added on a visit
may be a duplicate or a typo. Each can be completed, merged into an existing one (its
findings and evidence move along; see storage/review.py), or rejected. Every step is
audited; every button re-checks that the row still waits for review.
"""

from __future__ import annotations

from bot.actions import ADMINS, button, button_to, command, step
from bot.domain.deadlines import DeadlineError, parse_deadline
from bot.domain.items import Item, ItemFields
from bot.domain.lifecycle import DomainError, Status
from bot.domain.people import Person
from bot.domain.visits import short
from bot.runtime.work import Keyboard, Work
from bot.services import presence
from bot.services.item_card import render_card
from bot.services.visit_items import offered_items
from storage import dialogs, review
from storage import visits as visit_store
from storage.ledger import NotFound, get_item, period_year, update_sheet_fields
from storage.rows import fetch_value, fetch_values
from storage.visits import Company

NAME_LIMIT = 40


class AlreadyReviewed(DomainError):
    key = "queue.already_done"


def _pending_item(work: Work, item_id: int) -> Item:
    try:
        item = get_item(work.db, item_id)
    except NotFound:
        raise AlreadyReviewed from None
    outcome = fetch_value(work.db, "SELECT review_outcome FROM items WHERE id = ?", [item.id])
    if not item.needs_review or outcome is not None:
        raise AlreadyReviewed
    return item


def _pending_company(work: Work, company_id: int) -> Company:
    company = visit_store.get_company(work.db, company_id)
    if company is None or not company.needs_review:
        raise AlreadyReviewed
    return company


@command("queue", roles=ADMINS, help="cmd.queue")
def queue_command(work: Work) -> None:
    """What inspectors created that the office must complete: items, then companies."""
    items = [get_item(work.db, i) for i in review.items_to_review(work.db)]
    companies = visit_store.companies_to_review(work.db)
    if not items and not companies:
        work.reply("queue.empty")
        return
    keyboard: Keyboard = [
        [button_to(item_button, f"📋 {i.code} {short(i.problem, 22)}", item=i.id)]
        for i in items[:20]
    ]
    keyboard += [[button_to(company_button, f"🏭 {c.name}", company=c.id)] for c in companies[:20]]
    work.reply("queue.title", items=len(items), companies=len(companies), keyboard=keyboard)


# --- items ------------------------------------------------------------------------------


@button("queue.item", roles=ADMINS)
def item_button(work: Work, item: int) -> None:
    """One item waiting: its card, and complete, merge or reject."""
    pending = _pending_item(work, item)
    text, _ = render_card(work, pending)
    keyboard: Keyboard = [
        [button_to(complete_button, work.t("queue.btn_complete"), item=pending.id)],
        [button_to(merge_button, work.t("queue.btn_merge"), item=pending.id)],
        [button_to(reject_button, work.t("queue.btn_reject"), item=pending.id)],
    ]
    if work.chat is not None:
        work.send(work.chat, text, keyboard=keyboard)


@button("queue.complete", roles=ADMINS)
def complete_button(work: Work, item: int) -> None:
    """Step 1: the lead unit, as buttons of the known units or typed."""
    admin = work.registered
    pending = _pending_item(work, item)
    units = fetch_values(work.db, "SELECT name FROM units ORDER BY id")
    keyboard: Keyboard = [
        [button_to(unit_button, name, item=pending.id, unit=name) for name in units[i : i + 2]]
        for i in range(0, len(units), 2)
    ]
    dialogs.put(work.db, admin.id, "queue.unit", {"item": pending.id}, work.at)
    work.reply("queue.ask_unit", code=pending.code, keyboard=keyboard or None)


@button("queue.unit", roles=ADMINS)
def unit_button(work: Work, item: int, unit: str) -> None:
    """A unit's button in step 1: then the deadline."""
    admin = work.registered
    _ask_deadline(work, admin, _pending_item(work, item), unit)


def _ask_deadline(work: Work, admin: Person, item: Item, unit: str) -> None:
    """Step 2: the deadline, typed (parsed like the sheet's 办理时限), or the current one kept."""
    dialogs.put(work.db, admin.id, "queue.deadline", {"item": item.id, "unit": unit}, work.at)
    keyboard: Keyboard = []
    if item.deadline is not None or item.deadline_text:
        current = item.deadline.isoformat() if item.deadline else item.deadline_text
        label = work.t("queue.btn_keep_deadline", deadline=current)
        keyboard.append([button_to(keep_deadline_button, label, item=item.id, unit=unit)])
    work.reply("queue.ask_deadline", unit=unit, keyboard=keyboard or None)


@button("queue.keep", roles=ADMINS)
def keep_deadline_button(work: Work, item: int, unit: str) -> None:
    """Step 2 answered by keeping the deadline the item has."""
    admin = work.registered
    _complete(work, admin, _pending_item(work, item), unit, None)


@step("queue.", roles=ADMINS, refusal="admin.only")
def queue_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed answers in /queue: a unit name, a deadline, or what to merge into."""
    admin = work.registered
    text = " ".join(text.split())
    if not text:
        return
    try:
        _answer(work, admin, state, data, text)
    except AlreadyReviewed:
        # Another admin finished this one meanwhile: the question is moot, not repeated.
        dialogs.clear(work.db, admin.id)
        work.reply("queue.already_done")


def _answer(work: Work, admin: Person, state: str, data: dict, text: str) -> None:
    if state == "queue.unit":
        if len(text) > NAME_LIMIT:
            work.reply("queue.name_too_long", limit=NAME_LIMIT)
            return
        _ask_deadline(work, admin, _pending_item(work, int(data["item"])), text)
    elif state == "queue.deadline":
        item = _pending_item(work, int(data["item"]))
        try:
            deadline = parse_deadline(
                text, period_year(work.db, item.period) or item.created_at.year
            )
        except DeadlineError as error:
            reason = work.t(f"deadline.error.{error.kind}", **error.values)
            work.reply("queue.deadline_bad", reason=reason)
            return
        _complete(work, admin, item, data["unit"], deadline)
    elif state == "queue.merge_item":
        duplicate = _pending_item(work, int(data["item"]))
        try:
            target = get_item(work.db, text)
        except NotFound:
            work.reply("queue.no_such_item", code=text)
            return
        _merge(work, admin, duplicate, target)
    elif state == "queue.company_merge":
        company = _pending_company(work, int(data["company"]))
        _offer_companies(work, company, text)


def _complete(work: Work, admin: Person, item: Item, unit: str, deadline) -> None:
    values = item.sheet_values() | {"unit": unit}
    if deadline is not None:
        values |= {
            "deadline": deadline.date,
            "deadline_text": deadline.text,
            "recurring": deadline.recurring,
            "ongoing": deadline.ongoing,
        }
    update_sheet_fields(work.db, item.id, ItemFields(**values), work.origin)
    review.mark_item_completed(work.db, item.id, work.origin)
    dialogs.clear(work.db, admin.id)
    done = get_item(work.db, item.id)
    shown = done.deadline.isoformat() if done.deadline else (done.deadline_text or "—")
    work.reply("queue.completed", code=done.code, unit=unit, deadline=shown)


@button("queue.merge", roles=ADMINS)
def merge_button(work: Work, item: int) -> None:
    """The items at the same place to merge into, as buttons, or a code typed."""
    admin = work.registered
    pending = _pending_item(work, item)
    candidates = [
        i
        for i in offered_items(work, pending.company, pending.town)
        if i.id != pending.id and not i.needs_review
    ]
    keyboard: Keyboard = [
        [
            button_to(
                merge_into_button, f"{i.code} {short(i.problem, 24)}", item=pending.id, into=i.id
            )
        ]
        for i in candidates[:8]
    ]
    dialogs.put(work.db, admin.id, "queue.merge_item", {"item": pending.id}, work.at)
    work.reply("queue.ask_merge", code=pending.code, keyboard=keyboard or None)


@button("queue.merge_into", roles=ADMINS)
def merge_into_button(work: Work, item: int, into: int) -> None:
    """Merge the waiting item into this one: its findings and evidence move along."""
    admin = work.registered
    duplicate = _pending_item(work, item)
    try:
        target = get_item(work.db, into)
    except NotFound:
        raise AlreadyReviewed from None
    _merge(work, admin, duplicate, target)


def _merge(work: Work, admin: Person, duplicate: Item, target: Item) -> None:
    if target.id == duplicate.id or target.status is Status.CLOSED:
        work.reply("queue.merge_refused", code=target.code)
        return
    moved = review.merge_items(work.db, duplicate.id, target.id, work.origin)
    dialogs.clear(work.db, admin.id)
    work.reply("queue.merged", code=duplicate.code, into=target.code, count=moved)


@button("queue.reject", roles=ADMINS)
def reject_button(work: Work, item: int) -> None:
    """Not a real item: rejected, and out of the queue."""
    admin = work.registered
    pending = _pending_item(work, item)
    review.reject_item(work.db, pending.id, work.origin)
    dialogs.clear(work.db, admin.id)
    work.reply("queue.rejected", code=pending.code)


# --- companies --------------------------------------------------------------------------


@button("queue.company", roles=ADMINS)
def company_button(work: Work, company: int) -> None:
    """A company added on a visit: confirm, merge, reject, or set its place."""
    pending = _pending_company(work, company)
    visits = fetch_value(work.db, "SELECT count(*) FROM visits WHERE company_id = ?", [pending.id])
    keyboard: Keyboard = [
        [button_to(company_ok_button, work.t("queue.btn_confirm_company"), company=pending.id)],
        [button_to(company_merge_button, work.t("queue.btn_merge"), company=pending.id)],
        [button_to(company_reject_button, work.t("queue.btn_reject"), company=pending.id)],
        [button_to(presence.set_button, work.t("presence.btn_set"), company=pending.id)],
    ]
    work.reply(
        "queue.company",
        name=pending.name,
        town=pending.town or "—",
        visits=visits,
        keyboard=keyboard,
    )


@button("queue.company_ok", roles=ADMINS)
def company_ok_button(work: Work, company: int) -> None:
    """Confirm a company: choose (or confirm) its town."""
    pending = _pending_company(work, company)
    keyboard: Keyboard = [
        [
            button_to(company_town_button, name, company=pending.id, town=town_id)
            for town_id, name in pair
        ]
        for pair in _chunks(visit_store.towns(work.db), 3)
    ]
    work.reply("queue.ask_town", name=pending.name, keyboard=keyboard or None)


@button("queue.company_town", roles=ADMINS)
def company_town_button(work: Work, company: int, town: int) -> None:
    """The company is real and lies in this town: out of the queue."""
    pending = _pending_company(work, company)
    review.complete_company(work.db, pending.id, town, work.origin)
    work.reply(
        "queue.company_completed",
        name=pending.name,
        town=visit_store.town_name(work.db, town) or "—",
    )


@button("queue.company_merge", roles=ADMINS)
def company_merge_button(work: Work, company: int) -> None:
    """The companies to merge into, found by the first characters of its name (or typed)."""
    admin = work.registered
    pending = _pending_company(work, company)
    dialogs.put(work.db, admin.id, "queue.company_merge", {"company": pending.id}, work.at)
    _offer_companies(work, pending, pending.name[:2])


def _offer_companies(work: Work, company: Company, words: str) -> None:
    found = [c for c in visit_store.search_companies(work.db, words, 9) if c.id != company.id]
    keyboard: Keyboard = [
        [button_to(company_into_button, c.name, company=company.id, into=c.id)] for c in found[:8]
    ]
    work.reply("queue.ask_company_merge", name=company.name, keyboard=keyboard or None)


@button("queue.company_into", roles=ADMINS)
def company_into_button(work: Work, company: int, into: int) -> None:
    """Merge the waiting company into this one (storage/review.py says what moves)."""
    admin = work.registered
    pending = _pending_company(work, company)
    target = visit_store.get_company(work.db, into)
    if target is None or target.id == pending.id:
        raise AlreadyReviewed
    review.merge_companies(work.db, pending.id, target.id, work.origin)
    dialogs.clear(work.db, admin.id)
    work.reply("queue.company_merged", name=pending.name, into=target.name)


@button("queue.company_reject", roles=ADMINS)
def company_reject_button(work: Work, company: int) -> None:
    """Not a real company: rejected, and out of the queue."""
    pending = _pending_company(work, company)
    review.reject_company(work.db, pending.id, work.origin)
    work.reply("queue.company_rejected", name=pending.name)


def _chunks(values: list, size: int) -> list[list]:
    return [values[i : i + size] for i in range(0, len(values), size)]
