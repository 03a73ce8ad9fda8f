"""/queue: the office completes what inspectors created on the spot (待完善).

An inspector's new item lacks a lead unit and often a deadline; a company added on a visit
may be a duplicate or a typo. Each can be completed, merged into an existing one (its
findings and evidence move along; see storage/review.py), or rejected. Every step is
audited; every button re-checks that the row still waits for review.
"""

from __future__ import annotations

from bot.actions import button_to
from bot.domain.deadlines import DeadlineError, parse_deadline
from bot.domain.items import Item, ItemFields
from bot.domain.lifecycle import DomainError, Status
from bot.domain.people import Person
from bot.domain.permissions import require_admin
from bot.domain.visits import short
from bot.runtime.work import Button, Keyboard, Work
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


def queue_command(work: Work) -> None:
    require_admin(work.person)
    items = [get_item(work.db, i) for i in review.items_to_review(work.db)]
    companies = visit_store.companies_to_review(work.db)
    if not items and not companies:
        work.reply("queue.empty")
        return
    keyboard: Keyboard = [
        [Button(f"📋 {i.code} {short(i.problem, 22)}", "queue.item", {"item": i.id})]
        for i in items[:20]
    ]
    keyboard += [
        [Button(f"🏭 {c.name}", "queue.company", {"company": c.id})] for c in companies[:20]
    ]
    work.reply("queue.title", items=len(items), companies=len(companies), keyboard=keyboard)


# --- items ------------------------------------------------------------------------------


def item_button(work: Work, item_id: int) -> None:
    require_admin(work.person)
    item = _pending_item(work, item_id)
    text, _ = render_card(work, item)
    keyboard: Keyboard = [
        [Button(work.t("queue.btn_complete"), "queue.complete", {"item": item.id})],
        [Button(work.t("queue.btn_merge"), "queue.merge", {"item": item.id})],
        [Button(work.t("queue.btn_reject"), "queue.reject", {"item": item.id})],
    ]
    assert work.chat_id is not None
    work.send_text(work.chat_id, text, keyboard=keyboard)


def complete_button(work: Work, item_id: int) -> None:
    """Step 1: the lead unit, as buttons of the known units or typed."""
    admin = require_admin(work.person)
    item = _pending_item(work, item_id)
    units = fetch_values(work.db, "SELECT name FROM units ORDER BY id")
    keyboard: Keyboard = [
        [Button(name, "queue.unit", {"item": item.id, "unit": name}) for name in units[i : i + 2]]
        for i in range(0, len(units), 2)
    ]
    dialogs.put(work.db, admin.id, "queue.unit", {"item": item.id}, work.at)
    work.reply("queue.ask_unit", code=item.code, keyboard=keyboard or None)


def unit_button(work: Work, item_id: int, unit: str) -> None:
    admin = require_admin(work.person)
    _ask_deadline(work, admin, _pending_item(work, item_id), unit)


def _ask_deadline(work: Work, admin: Person, item: Item, unit: str) -> None:
    """Step 2: the deadline, typed (parsed like the sheet's 办理时限), or the current one kept."""
    dialogs.put(work.db, admin.id, "queue.deadline", {"item": item.id, "unit": unit}, work.at)
    keyboard: Keyboard = []
    if item.deadline is not None or item.deadline_text:
        current = item.deadline.isoformat() if item.deadline else item.deadline_text
        label = work.t("queue.btn_keep_deadline", deadline=current)
        keyboard.append([Button(label, "queue.keep", {"item": item.id, "unit": unit})])
    work.reply("queue.ask_deadline", unit=unit, keyboard=keyboard or None)


def keep_deadline_button(work: Work, item_id: int, unit: str) -> None:
    admin = require_admin(work.person)
    item = _pending_item(work, item_id)
    _complete(work, admin, item, unit, None)


def queue_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed answers in /queue: a unit name, a deadline, or what to merge into."""
    admin = require_admin(work.person)
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
            work.reply("queue.deadline_bad", reason=error.reason)
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


def merge_button(work: Work, item_id: int) -> None:
    admin = require_admin(work.person)
    item = _pending_item(work, item_id)
    candidates = [
        i
        for i in offered_items(work, item.company, item.town)
        if i.id != item.id and not i.needs_review
    ]
    keyboard: Keyboard = [
        [
            Button(
                f"{i.code} {short(i.problem, 24)}",
                "queue.merge_into",
                {"item": item.id, "into": i.id},
            )
        ]
        for i in candidates[:8]
    ]
    dialogs.put(work.db, admin.id, "queue.merge_item", {"item": item.id}, work.at)
    work.reply("queue.ask_merge", code=item.code, keyboard=keyboard or None)


def merge_into_button(work: Work, item_id: int, into: int) -> None:
    admin = require_admin(work.person)
    duplicate = _pending_item(work, item_id)
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


def reject_button(work: Work, item_id: int) -> None:
    admin = require_admin(work.person)
    item = _pending_item(work, item_id)
    review.reject_item(work.db, item.id, work.origin)
    dialogs.clear(work.db, admin.id)
    work.reply("queue.rejected", code=item.code)


# --- companies --------------------------------------------------------------------------


def company_button(work: Work, company_id: int) -> None:
    require_admin(work.person)
    company = _pending_company(work, company_id)
    visits = fetch_value(work.db, "SELECT count(*) FROM visits WHERE company_id = ?", [company.id])
    keyboard: Keyboard = [
        [Button(work.t("queue.btn_confirm_company"), "queue.company_ok", {"company": company.id})],
        [Button(work.t("queue.btn_merge"), "queue.company_merge", {"company": company.id})],
        [Button(work.t("queue.btn_reject"), "queue.company_reject", {"company": company.id})],
        [button_to(presence.set_button, work.t("presence.btn_set"), company=company.id)],
    ]
    work.reply(
        "queue.company",
        name=company.name,
        town=company.town or "—",
        visits=visits,
        keyboard=keyboard,
    )


def company_ok_button(work: Work, company_id: int) -> None:
    """Confirm a company: choose (or confirm) its town."""
    require_admin(work.person)
    company = _pending_company(work, company_id)
    keyboard: Keyboard = [
        [
            Button(name, "queue.company_town", {"company": company.id, "town": town_id})
            for town_id, name in pair
        ]
        for pair in _chunks(visit_store.towns(work.db), 3)
    ]
    work.reply("queue.ask_town", name=company.name, keyboard=keyboard or None)


def company_town_button(work: Work, company_id: int, town_id: int) -> None:
    require_admin(work.person)
    company = _pending_company(work, company_id)
    review.complete_company(work.db, company.id, town_id, work.origin)
    work.reply(
        "queue.company_completed",
        name=company.name,
        town=visit_store.town_name(work.db, town_id) or "—",
    )


def company_merge_button(work: Work, company_id: int) -> None:
    admin = require_admin(work.person)
    company = _pending_company(work, company_id)
    dialogs.put(work.db, admin.id, "queue.company_merge", {"company": company.id}, work.at)
    _offer_companies(work, company, company.name[:2])


def _offer_companies(work: Work, company: Company, words: str) -> None:
    found = [c for c in visit_store.search_companies(work.db, words, 9) if c.id != company.id]
    keyboard: Keyboard = [
        [Button(c.name, "queue.company_into", {"company": company.id, "into": c.id})]
        for c in found[:8]
    ]
    work.reply("queue.ask_company_merge", name=company.name, keyboard=keyboard or None)


def company_into_button(work: Work, company_id: int, into: int) -> None:
    admin = require_admin(work.person)
    company = _pending_company(work, company_id)
    target = visit_store.get_company(work.db, into)
    if target is None or target.id == company.id:
        raise AlreadyReviewed
    review.merge_companies(work.db, company.id, target.id, work.origin)
    dialogs.clear(work.db, admin.id)
    work.reply("queue.company_merged", name=company.name, into=target.name)


def company_reject_button(work: Work, company_id: int) -> None:
    require_admin(work.person)
    company = _pending_company(work, company_id)
    review.reject_company(work.db, company.id, work.origin)
    work.reply("queue.company_rejected", name=company.name)


def _chunks(values: list, size: int) -> list[list]:
    return [values[i : i + size] for i in range(0, len(values), size)]
