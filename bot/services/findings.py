"""What an inspector sends during a visit, and how each finding reaches a list item.

Grouping rule (bot/domain/visits.joins_finding): a text is always a new finding; a photo
with a caption is a new finding with the caption as its text; the photos of one album are
one finding; any other photo, file, voice note or video joins the inspector's latest finding
of this visit while that finding saw something in the last 10 minutes (tied or not), and
otherwise opens a finding of its own. Every file is an evidence row committed with its
update (``stored='pending'``); bot/platforms/telegram/media.py fetches the bytes later.

Confirmations are coalesced per finding (``Work.show_latest``): the photos of an album, or
of a quick burst, get one message that counts them, carrying the buttons that tie the
finding to an item with one tap. Every button here is declared beside its function
(bot/actions.py) for inspectors only; whose finding or file it is, and whether it still
applies, is checked again at each tap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.actions import INSPECTORS, button, button_to, step
from bot.chat import Address
from bot.clock import local_day
from bot.domain.audit import AuditAction
from bot.domain.deadlines import Deadline, DeadlineError, parse_deadline
from bot.domain.items import Item, ItemFields
from bot.domain.lifecycle import DomainError, Event, Role, Status
from bot.domain.visits import (
    CONFIRM_DELAY,
    FINDING_WINDOW,
    LATE_GRACE,
    QUICK_DEADLINES,
    TIE_BUTTONS,
    MediaIn,
    joins_finding,
    quick_deadline,
    short,
)
from bot.i18n import t
from bot.runtime.work import Keyboard, Work
from bot.services.visit_items import button_label, may_take, offered_items
from bot.services.visits import InspectorsOnly, refresh_summary
from storage import dialogs, people, sent
from storage import evidence as evidence_store
from storage import visits as store
from storage.audit import record
from storage.evidence import Evidence
from storage.ledger import (
    NotFound,
    apply_event,
    create_item,
    ensure_period,
    get_item,
    latest_period,
    record_involvement,
)
from storage.rows import fetch_value
from storage.visits import Finding, Visit

PROBLEM_LIMIT = 500
KIND_MARKS = {"photo": "📷", "document": "📎", "video": "🎬", "voice": "🎤"}


class NotYourFinding(DomainError):
    """The finding is gone, withdrawn, or someone else's: buttons are re-checked here."""

    key = "finding.not_available"


class FindingWithdrawn(DomainError):
    """A button of the person's own finding that was withdrawn since: told at the tap."""

    key = "finding.already_withdrawn"
    answers_tap = True


class EvidenceWithdrawn(DomainError):
    """A button of the person's own file that was withdrawn since: told at the tap."""

    key = "evidence.already_withdrawn"
    answers_tap = True


class ItemNotOffered(DomainError):
    """A payload naming an item that is closed or belongs to another company."""

    key = "finding.item_not_offered"


@dataclass(frozen=True)
class Place:
    """Where what a person sends goes now: a visit (maybe ended, for late photos) or an item."""

    visit: Visit | None = None
    item: Item | None = None
    late: bool = False


# --- texts ------------------------------------------------------------------------------


def visit_text(work: Work, text: str) -> bool:
    """A typed text during an open visit is a finding (TEXT_FALLBACKS)."""
    person = work.person
    if person is None or person.role is not Role.INSPECTOR:
        return False
    visit = store.open_visit_of(work.db, person.id)
    if visit is None:
        return False
    _text_finding(work, Place(visit=visit), text)
    return True


@step("item.attach", roles=INSPECTORS)
def attach_text(work: Work, state: str, data: dict, text: str) -> None:
    """A text after "add evidence" on an item card goes to that item."""
    place = _attach_place(work, data)
    if place is None:
        if not visit_text(work, text):
            work.reply("text.no_context")
        return
    _text_finding(work, place, text)


def _text_finding(work: Work, place: Place, text: str) -> None:
    person = work.registered
    finding_id = store.add_finding(
        work.db,
        visit_id=place.visit.id if place.visit else None,
        item_id=None,
        person_id=person.id,
        text=text.strip(),
        at=work.at,
        update_id=work.update_id,
    )
    _after_new_finding(work, place, finding_id)


def _after_new_finding(work: Work, place: Place, finding_id: int) -> None:
    finding = _finding(work, finding_id)
    if place.visit is not None and place.visit.is_open:
        store.touch_visit(work.db, place.visit.id, work.at)
        _tell_members(work, place.visit, finding)
    if place.item is not None:
        _tie(work, finding, place.item)
        dialogs.put(
            work.db,
            finding.person_id,
            "item.attach",
            {"item": place.item.id, "finding": finding.id, "at": work.at.isoformat()},
            work.at,
        )
    confirm(work, finding.id, late=place.late)


# --- files ------------------------------------------------------------------------------


def visit_media(work: Work, media: MediaIn) -> bool:
    """A file from an inspector (MEDIA_FALLBACKS): into the open visit, the visit its date
    falls in (late), or kept unplaced with a hint."""
    person = work.person
    if person is None or person.role is not Role.INSPECTOR:
        return False
    place = _media_place(work, person.id, media)
    if place is None:
        evidence_store.add_evidence(
            work.db,
            media=media,
            finding_id=None,
            item_id=None,
            person_id=person.id,
            at=work.at,
            update_id=work.update_id,
        )
        work.reply("finding.media_unplaced")
        return True
    _media_finding(work, place, media)
    return True


def _media_place(work: Work, person_id: int, media: MediaIn) -> Place | None:
    if media.media_group_id:
        album = store.finding_of_album(work.db, person_id, media.media_group_id)
        if album is not None and album.visit_id is not None:
            visit = store.get_visit(work.db, album.visit_id)
            return Place(visit=visit, late=visit is not None and not visit.is_open)
    visit = store.open_visit_of(work.db, person_id)
    # Sent before the open visit began (a second's slack: message dates are whole seconds)?
    if visit is None or media.taken_at + timedelta(seconds=1) < visit.started_at:
        earlier = store.visit_during(work.db, person_id, media.taken_at, LATE_GRACE)
        if earlier is not None:
            return Place(visit=earlier, late=True)
    return Place(visit=visit) if visit is not None else None


@step("item.attach", takes="media", roles=INSPECTORS)
def attach_media(work: Work, state: str, data: dict, media: MediaIn) -> None:
    """A file after "add evidence" on an item card goes to that item (MEDIA_DIALOGS)."""
    place = _attach_place(work, data)
    if place is None:
        if not visit_media(work, media):
            work.reply("finding.media_unplaced")
        return
    _media_finding(work, place, media)


def _media_finding(work: Work, place: Place, media: MediaIn) -> None:
    person = work.registered
    finding = None
    if media.media_group_id:
        finding = store.finding_of_album(work.db, person.id, media.media_group_id)
    if finding is None:
        visit_id = place.visit.id if place.visit else None
        item_id = place.item.id if place.item else None
        latest = store.latest_finding(work.db, person.id, visit_id, item_id)
        if latest is not None and joins_finding(latest.last_activity_at, work.at, media.caption):
            finding = latest
    if finding is None:
        finding_id = store.add_finding(
            work.db,
            visit_id=place.visit.id if place.visit else None,
            item_id=None,
            person_id=person.id,
            text=media.caption.strip(),
            at=work.at,
            update_id=work.update_id,
            media_group_id=media.media_group_id,
        )
        _add_file(work, finding_id, None, media)
        _after_new_finding(work, place, finding_id)
        return
    if media.media_group_id and finding.media_group_id is None:
        store.set_album(work.db, finding.id, media.media_group_id)
    if media.caption.strip() and not finding.text:
        store.set_finding_text(work.db, finding.id, media.caption.strip())
    store.touch_finding(work.db, finding.id, work.at)
    _add_file(work, finding.id, finding.item_id, media)
    if place.visit is not None and place.visit.is_open:
        store.touch_visit(work.db, place.visit.id, work.at)
    if place.item is not None:
        dialogs.put(
            work.db,
            person.id,
            "item.attach",
            {"item": place.item.id, "finding": finding.id, "at": work.at.isoformat()},
            work.at,
        )
    confirm(work, finding.id, late=place.late)


def _add_file(work: Work, finding_id: int, item_id: int | None, media: MediaIn) -> None:
    assert work.person is not None
    evidence_store.add_evidence(
        work.db,
        media=media,
        finding_id=finding_id,
        item_id=item_id,
        person_id=work.person.id,
        at=work.at,
        update_id=work.update_id,
    )


def _attach_place(work: Work, data: dict) -> Place | None:
    """The item an "add evidence" dialog names, while that dialog is fresh and the item open."""
    assert work.person is not None
    started = datetime.fromisoformat(data["at"])
    try:
        item = get_item(work.db, int(data["item"]))
    except NotFound:
        item = None
    if item is None or work.at - started > FINDING_WINDOW or item.status is Status.CLOSED:
        dialogs.clear(work.db, work.person.id)
        return None
    return Place(item=item)


def refuse_forwarded(work: Work) -> None:
    work.reply("finding.forwarded")


# --- the confirmation -------------------------------------------------------------------


def confirm(work: Work, finding_id: int, *, late: bool = False, edit: int | None = None) -> None:
    """The one message about a finding (coalesced while it waits), with its buttons; with
    ``edit``, that message (the one whose button was tapped) is rewritten instead."""
    person = work.registered
    finding = _finding(work, finding_id)
    counts, too_big = evidence_store.finding_files(work.db, finding.id)
    parts = [f"{KIND_MARKS[kind]} {work.t(f'finding.kind_{kind}', count=n)}" for kind, n in
             sorted(counts.items())]  # fmt: skip
    lines = [
        work.t(
            "finding.saved",
            number=_ordinal(work, finding),
            text=short(finding.text, 80) if finding.text else work.t("finding.no_text"),
        )
    ]
    if late:
        visit = store.get_visit(work.db, finding.visit_id) if finding.visit_id else None
        lines.append(work.t("finding.late", company=visit.company if visit else ""))
    if parts:
        lines.append(" · ".join(parts))
    if too_big:
        lines.append(work.t("finding.too_big", count=too_big))
    keyboard: Keyboard = []
    if finding.withdrawn:
        lines.append(work.t("finding.withdrawn_line"))
    elif finding.item_id is None:
        lines.append(work.t("finding.choose_item"))
        for item in _options(work, finding)[:TIE_BUTTONS]:
            label = button_label(work, item)
            keyboard.append([button_to(tie_button, label, finding=finding.id, item=item.id)])
        keyboard.append(
            [
                button_to(new_item_button, work.t("finding.btn_new"), finding=finding.id),
                button_to(later_button, work.t("finding.btn_later"), finding=finding.id),
            ]
        )
    else:
        item = get_item(work.db, finding.item_id)
        key = "finding.tied_new" if item.needs_review else "finding.tied"
        lines.append(work.t(key, code=item.code, problem=short(item.problem, 30)))
        keyboard.append([button_to(move_button, work.t("finding.btn_move"), finding=finding.id)])
    if not finding.withdrawn:
        last = [button_to(withdraw_button, work.t("finding.btn_withdraw"), finding=finding.id)]
        if counts:
            last.insert(0, button_to(files_button, work.t("finding.btn_files"), finding=finding.id))
        keyboard.append(last)
    here = _here(work)
    text = "\n".join(lines)
    # A withdrawn finding's card keeps no buttons (an edit without any drops them).
    if edit is not None:
        work.edit(here, edit, text, keyboard=keyboard or None, button_owner=person.id)
        return
    work.show_latest(
        here,
        _card_series(finding.id, person.id),
        text,
        keyboard=keyboard or None,
        # An album arrives as several updates: let it settle into one message. A text is
        # confirmed at once; photos that follow it edit that confirmation.
        not_before=work.at + (CONFIRM_DELAY if finding.media_group_id else timedelta(0)),
    )


def _here(work: Work) -> Address:
    """The chat the finding came from: its card and its files are shown there."""
    if work.chat is None:
        raise RuntimeError("a finding is answered in the chat it came from")
    return work.chat


def _card_series(finding_id: int, person_id: int) -> str:
    """The outbox key prefix of a finding's confirmation (its card)."""
    return f"finding:{finding_id}:{person_id}:"


def _show_change(work: Work, finding: Finding, tapped: int | None) -> None:
    """After a tie, move or withdrawal: the finding's card shows it (and so does the message
    whose button was tapped, when that is another one, e.g. the "move to" list), and a
    finished visit's summary and the contacts' notices are corrected."""
    person = work.registered
    card = sent.shown_message_id(work.db, _card_series(finding.id, person.id))
    confirm(work, finding.id)
    if tapped is not None and tapped != card:
        confirm(work, finding.id, edit=tapped)
    if finding.visit_id is not None:
        refresh_summary(work, finding.visit_id)


def _ordinal(work: Work, finding: Finding) -> int:
    if finding.visit_id is None:
        return finding.id
    return fetch_value(
        work.db,
        "SELECT count(*) FROM findings WHERE visit_id = ? AND id <= ?",
        [finding.visit_id, finding.id],
    )


def _tell_members(work: Work, visit: Visit, finding: Finding) -> None:
    """A short notice of a new finding to the visit's other members (team visits)."""
    assert work.person is not None
    for person_id in store.member_ids(work.db, visit.id):
        if person_id == work.person.id:
            continue
        member = people.by_id(work.db, person_id)
        if not member.active or member.address is None:
            continue
        text = short(finding.text, 60) if finding.text else t(member.language, "finding.no_text")
        work.send(
            member.address,
            t(member.language, "finding.member_notice", name=work.person.name, text=text),
            key=f"finding-notice:{finding.id}:{member.id}",
        )


# --- tying to an item -------------------------------------------------------------------


def _finding(work: Work, finding_id: int) -> Finding:
    finding = store.get_finding(work.db, finding_id)
    if finding is None:
        raise NotYourFinding
    return finding


def _own_finding(work: Work, finding_id: int) -> Finding:
    person = work.registered
    finding = store.get_finding(work.db, finding_id)
    if finding is None or finding.person_id != person.id:
        raise NotYourFinding
    if finding.withdrawn:
        raise FindingWithdrawn
    return finding


def _scope(work: Work, finding: Finding) -> tuple[int | None, str | None, str | None]:
    """(company id, company name, town) a finding's items must belong to."""
    if finding.visit_id is not None:
        visit = store.get_visit(work.db, finding.visit_id)
        assert visit is not None
        return visit.company_id, visit.company, visit.town
    if finding.item_id is not None:
        item = get_item(work.db, finding.item_id)
        return item.company_id, item.company, item.town
    return None, None, None


def _options(work: Work, finding: Finding) -> list[Item]:
    _, company, town = _scope(work, finding)
    return [i for i in offered_items(work, company, town) if i.id != finding.item_id]


def _check_item(work: Work, finding: Finding, item_id: int) -> Item:
    try:
        item = get_item(work.db, item_id)
    except NotFound:
        raise ItemNotOffered from None
    company_id, _, town = _scope(work, finding)
    if not may_take(item, company_id, town):
        raise ItemNotOffered
    return item


def _tie(work: Work, finding: Finding, item: Item) -> None:
    """Tie (or move) a finding to an item: the item is active, the inspector involved."""
    person = work.registered
    store.set_finding_item(work.db, finding, item.id)
    apply_event(work.db, item.id, Event.LOG_ACTIVITY, person.actor, work.origin)
    record_involvement(work.db, item.id, person.id, work.origin)
    record(
        work.db,
        work.origin,
        entity="finding",
        entity_id=finding.id,
        item_id=item.id,
        action=AuditAction.TIED if finding.item_id is None else AuditAction.MOVED,
        before={"item_id": finding.item_id},
        after={"item_id": item.id},
    )


@button("finding.tie", roles=INSPECTORS, refusal=InspectorsOnly.key)
def tie_button(work: Work, finding: int, item: int) -> None:
    """One tap: this finding is about that item (or, from "move", now about that item).
    The tapped message becomes the finding's confirmation, so stale buttons disappear."""
    mine = _own_finding(work, finding)
    chosen = _check_item(work, mine, item)
    if not work.first_tap() or mine.item_id == chosen.id:
        # The first tap did it; the finding may have been moved on since: say where it is.
        work.answer_tap("finding.already_tied", code=_code_now(work, mine.item_id, chosen))
        return
    dialogs.clear(work.db, mine.person_id)
    _tie(work, mine, chosen)
    _show_change(work, mine, work.tapped_message)


def _code_now(work: Work, item_id: int | None, tapped: Item) -> str:
    """The code of the item a finding or file is tied to now (a repeated tap is answered
    with where it is, not with the item its old button named)."""
    return get_item(work.db, item_id).code if item_id is not None else tapped.code


@button("finding.later", roles=INSPECTORS, refusal=InspectorsOnly.key)
def later_button(work: Work, finding: int) -> None:
    _own_finding(work, finding)
    work.reply("finding.later")


@button("finding.move", roles=INSPECTORS, refusal=InspectorsOnly.key)
def move_button(work: Work, finding: int) -> None:
    mine = _own_finding(work, finding)
    keyboard: Keyboard = [
        [button_to(tie_button, button_label(work, item), finding=mine.id, item=item.id)]
        for item in _options(work, mine)[:TIE_BUTTONS]
    ]
    if mine.visit_id is not None:
        keyboard.append([button_to(new_item_button, work.t("finding.btn_new"), finding=mine.id)])
    work.reply("finding.move_to", keyboard=keyboard or None)


@button("finding.withdraw", roles=INSPECTORS, refusal=InspectorsOnly.key)
def withdraw_button(work: Work, finding: int) -> None:
    """Withdraw a finding: kept and audited, no longer counted anywhere — also after its
    visit ended (its card, the summary and the contacts' notices are corrected). A second
    tap is answered: FindingWithdrawn."""
    mine = _own_finding(work, finding)
    store.withdraw_finding(work.db, mine.id)
    record(
        work.db,
        work.origin,
        entity="finding",
        entity_id=mine.id,
        item_id=mine.item_id,
        action=AuditAction.WITHDRAWN,
        before={"withdrawn": False},
        after={"withdrawn": True},
    )
    _show_change(work, mine, work.tapped_message)
    work.reply("finding.withdrawn_ok")


# --- a new item from a finding ----------------------------------------------------------


@button("finding.new", roles=INSPECTORS, refusal=InspectorsOnly.key)
def new_item_button(work: Work, finding: int) -> None:
    mine = _own_finding(work, finding)
    if mine.visit_id is None:
        raise NotYourFinding
    if not mine.text.strip():
        dialogs.put(work.db, mine.person_id, "finding.problem", {"finding": mine.id}, work.at)
        work.reply("finding.ask_problem")
        return
    _ask_deadline(work, mine)


def _ask_deadline(work: Work, finding: Finding) -> None:
    dialogs.put(work.db, finding.person_id, "finding.deadline", {"finding": finding.id}, work.at)
    day = local_day(work.at, work.tz)
    keyboard: Keyboard = [
        [
            button_to(
                deadline_button,
                work.t(
                    f"finding.deadline_{choice}", date=quick_deadline(choice, day).strftime("%m-%d")
                ),
                finding=finding.id,
                choice=choice,
            )
        ]
        for choice in QUICK_DEADLINES
    ]
    label = work.t("finding.deadline_none")
    keyboard.append([button_to(deadline_button, label, finding=finding.id, choice="none")])
    work.reply("finding.ask_deadline", problem=short(finding.text, 60), keyboard=keyboard)


@button("finding.deadline", roles=INSPECTORS, refusal=InspectorsOnly.key)
def deadline_button(work: Work, finding: int, choice: str) -> None:
    """A quick deadline: the new item is created now (once: the dialog row is the guard)."""
    mine = _own_finding(work, finding)
    if not _waiting_for_deadline(work, mine):
        return  # another deadline button of the same question was tapped first
    if choice == "none":
        deadline = Deadline(date=None, text="")
    else:
        day = quick_deadline(choice, local_day(work.at, work.tz))
        deadline = Deadline(date=day, text=day.isoformat())
    _create_item(work, mine, deadline, edit=work.tapped_message)


def _waiting_for_deadline(work: Work, finding: Finding) -> bool:
    dialog = dialogs.get(work.db, finding.person_id)
    return bool(
        dialog and dialog.state == "finding.deadline" and dialog.data.get("finding") == finding.id
    )


@step("finding.", roles=INSPECTORS, refusal=InspectorsOnly.key)
def finding_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed answers about a finding: its problem (photo-only findings), its deadline."""
    person = work.registered
    finding = store.get_finding(work.db, int(data["finding"]))
    if finding is None or finding.withdrawn or finding.person_id != person.id:
        # The question is moot (withdrawn meanwhile): the text is taken as if none was asked.
        dialogs.clear(work.db, person.id)
        if not visit_text(work, text):
            work.reply("text.no_context")
        return
    text = text.strip()
    if state == "finding.problem":
        store.set_finding_text(work.db, finding.id, text[:PROBLEM_LIMIT])
        record(
            work.db,
            work.origin,
            entity="finding",
            entity_id=finding.id,
            action=AuditAction.DESCRIBED,
        )
        _ask_deadline(work, _own_finding(work, finding.id))
        return
    year = local_day(work.at, work.tz).year
    try:
        deadline = parse_deadline(text, year)
    except DeadlineError:
        deadline = None
    if deadline is None or (
        deadline.date is None and not deadline.ongoing and not deadline.recurring
    ):
        # Not a date: in a visit it is most likely the next finding, which must not be lost.
        dialogs.clear(work.db, finding.person_id)
        if visit_text(work, text):
            work.reply("finding.deadline_not_understood")
        else:
            work.reply("finding.deadline_bad", text=short(text, 30))
        return
    _create_item(work, finding, deadline)


def _create_item(
    work: Work, finding: Finding, deadline: Deadline, *, edit: int | None = None
) -> None:
    person = work.registered
    dialogs.clear(work.db, person.id)
    _, company, town = _scope(work, finding)
    latest = latest_period(work.db)
    if latest is None:
        year = local_day(work.at, work.tz).year
        ensure_period(work.db, str(year), year, work.origin)
        latest = (str(year), year)
    fields = ItemFields(
        problem=finding.text[:PROBLEM_LIMIT],
        company=company,
        town=town,
        deadline=deadline.date,
        deadline_text=deadline.text,
        recurring=deadline.recurring,
        ongoing=deadline.ongoing,
    )
    item = create_item(work.db, fields, latest[0], work.origin, needs_review=True)
    _tie(work, finding, item)
    _show_change(work, finding, edit)


# --- single files -----------------------------------------------------------------------


def _own_evidence(work: Work, evidence_id: int) -> Evidence:
    person = work.registered
    found = evidence_store.get_evidence(work.db, evidence_id)
    if found is None or found.person_id != person.id:
        raise NotYourFinding
    if found.withdrawn:
        raise EvidenceWithdrawn
    return found


@button("finding.files", roles=INSPECTORS, refusal=InspectorsOnly.key)
def files_button(work: Work, finding: int) -> None:
    """The finding's files as buttons, each opening that file with its own actions."""
    mine = _own_finding(work, finding)
    keyboard: Keyboard = []
    for number, found in enumerate(evidence_store.of_finding(work.db, mine.id), start=1):
        moment = found.taken_at.astimezone(work.tz).strftime("%H:%M")
        label = f"{KIND_MARKS.get(found.kind, '📎')} {number} · {moment}"
        keyboard.append([button_to(evidence_show, label, evidence=found.id)])
    work.reply("finding.files", keyboard=keyboard or None)


@button("evidence.show", roles=INSPECTORS, refusal=InspectorsOnly.key)
def evidence_show(work: Work, evidence: int) -> None:
    """One file, sent again as it was received, with its own move and withdraw buttons."""
    found = _own_evidence(work, evidence)
    keyboard: Keyboard = [
        [
            button_to(evidence_move, work.t("finding.btn_move"), evidence=found.id),
            button_to(evidence_withdraw, work.t("finding.btn_withdraw"), evidence=found.id),
        ]
    ]
    assert found.file_id is not None  # every evidence row is made from a received file
    caption = work.t(
        "evidence.caption", when=found.taken_at.astimezone(work.tz).strftime("%m-%d %H:%M")
    )
    work.send_file(_here(work), found.kind, found.file_id, caption=caption, keyboard=keyboard)


def _evidence_finding(work: Work, found: Evidence) -> Finding:
    if found.finding_id is None:
        raise NotYourFinding
    return _own_finding(work, found.finding_id)


@button("evidence.move", roles=INSPECTORS, refusal=InspectorsOnly.key)
def evidence_move(work: Work, evidence: int) -> None:
    found = _own_evidence(work, evidence)
    finding = _evidence_finding(work, found)
    keyboard: Keyboard = [
        [button_to(evidence_tie, button_label(work, item), evidence=found.id, item=item.id)]
        for item in offered_items(work, *_scope(work, finding)[1:])
        if item.id != found.item_id
    ][:TIE_BUTTONS]
    work.reply("finding.move_to", keyboard=keyboard or None)


@button("evidence.tie", roles=INSPECTORS, refusal=InspectorsOnly.key)
def evidence_tie(work: Work, evidence: int, item: int) -> None:
    """Move one photo (or file) to another item of the same visit."""
    found = _own_evidence(work, evidence)
    finding = _evidence_finding(work, found)
    chosen = _check_item(work, finding, item)
    if not work.first_tap() or found.item_id == chosen.id:
        # The first tap did it; the file may have been moved on since: say where it is.
        work.answer_tap("evidence.moved", code=_code_now(work, found.item_id, chosen))
        return
    person = work.registered
    evidence_store.move_evidence(work.db, found.id, chosen.id)
    apply_event(work.db, chosen.id, Event.LOG_ACTIVITY, person.actor, work.origin)
    record_involvement(work.db, chosen.id, person.id, work.origin)
    record(
        work.db,
        work.origin,
        entity="evidence",
        entity_id=found.id,
        item_id=chosen.id,
        action=AuditAction.MOVED,
        before={"item_id": found.item_id},
        after={"item_id": chosen.id},
    )
    work.reply("evidence.moved", code=chosen.code)


@button("evidence.withdraw", roles=INSPECTORS, refusal=InspectorsOnly.key)
def evidence_withdraw(work: Work, evidence: int) -> None:
    """Withdraw one file; a second tap is answered (EvidenceWithdrawn)."""
    found = _own_evidence(work, evidence)
    evidence_store.withdraw_evidence(work.db, found.id)
    record(
        work.db,
        work.origin,
        entity="evidence",
        entity_id=found.id,
        item_id=found.item_id,
        action=AuditAction.WITHDRAWN,
        before={"withdrawn": False},
        after={"withdrawn": True},
    )
    if found.finding_id is not None:
        _evidence_changed(work, _finding(work, found.finding_id))
    work.reply("evidence.withdrawn")


def _evidence_changed(work: Work, finding: Finding) -> None:
    """A file of a finding was withdrawn: its card counts the files of now, and a finished
    visit's summary its photos."""
    if finding.person_id == work.registered.id:
        confirm(work, finding.id)
    if finding.visit_id is not None:
        refresh_summary(work, finding.visit_id)
