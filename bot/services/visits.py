"""A visit from start to end: picking the company, the visit card, joining, and the summary.

A person is a member of at most one open visit; while it is open, whatever they send
belongs to it (bot/services/findings.py). Ending a visit — by /done, by its button, or by
the idle sweep — sends one summary to every member and every administrator, and tells the
lead units' contacts which of their items got new findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.actions import INSPECTORS, button, button_to, command, step
from bot.chat import Address
from bot.domain.audit import AuditAction
from bot.domain.lifecycle import DomainError, Role
from bot.domain.people import Person, sends_location
from bot.domain.visits import duration_minutes, short
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services.item_view import open_labelled
from bot.services.presence import visit_arrival_html
from bot.services.visit_items import item_line, offered_items
from storage import buttons, dialogs, people, sent
from storage import evidence as evidence_store
from storage import presence as presence_store
from storage import visits as store
from storage.audit import record
from storage.ledger import ensure_named, get_item
from storage.visits import Company, Visit

NAME_LIMIT = 60
SEARCH_LIMIT = 8
TOWN_COMPANIES_LIMIT = 12
RECENT_LIMIT = 3
NOTICE_BUTTONS = 10  # a contact's notice: one button per item, five rows of two


class InspectorsOnly(DomainError):
    key = "visit.inspectors_only"


class VisitOver(DomainError):
    """A button of a visit that has ended (or that this person is not part of)."""

    key = "visit.not_open"
    answers_tap = True


class VisitAlreadyOpen(DomainError):
    key = "visit.already_open"


# The buttons that choose where a visit happens. They are one question: once a visit starts
# (or is joined) every one of them the person holds is used up, so an old list, or a second
# tap, starts nothing (see ``_choice_taken``).
CHOICE_ACTIONS = (
    "visit.company",
    "visit.new_company",
    "visit.new_company_town",
    "visit.towns",
    "visit.town",
    "visit.join",
)


def _tap_token(work: Work) -> str:
    """The token of the button being tapped (its single use is recorded against it)."""
    if work.tap is None:
        raise RuntimeError("a button's action called outside a tap")
    return work.tap.token


# --- starting ---------------------------------------------------------------------------


@command("visit", roles=INSPECTORS, help="cmd.visit", refusal="visit.inspectors_only")
def visit_command(work: Work, words: str) -> None:
    """/visit [name]: the open visit's card, or the ways to pick a company."""
    person = work.registered
    visit = store.open_visit_of(work.db, person.id)
    if visit is not None:
        send_card(work, visit)
        return
    dialogs.put(work.db, person.id, "visit.company", {}, work.at)
    words = " ".join(words.split())
    if words:
        _search(work, words)
        return
    keyboard: Keyboard = []
    for other in store.colleagues_open_visits(work.db, person.id):
        starter = people.by_id(work.db, other.started_by)
        label = work.t("visit.btn_join", name=starter.name, company=other.company)
        keyboard.append([button_to(join_button, label, visit=other.id)])
    for company in store.recent_companies(work.db, person.id, RECENT_LIMIT):
        keyboard.append([button_to(company_button, f"🕘 {company.name}", company=company.id)])
    keyboard.append(
        [
            button_to(towns_button, work.t("visit.btn_by_town")),
            button_to(new_company_button, work.t("visit.btn_new_company")),
        ]
    )
    work.reply("visit.choose", keyboard=keyboard)


@step("visit.", roles=INSPECTORS)
def visit_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed answers while choosing a company: a part of its name, or a new one's details."""
    person = work.registered
    text = " ".join(text.split())
    if not text:
        return
    if state == "visit.company":
        _search(work, text)
    elif state == "visit.new_name":
        if len(text) > NAME_LIMIT:
            work.reply("visit.name_too_long", limit=NAME_LIMIT)
            return
        _ask_town(work, person, text)
    elif state == "visit.new_town":
        if len(text) > NAME_LIMIT:
            work.reply("visit.name_too_long", limit=NAME_LIMIT)
            return
        town_id = ensure_named(work.db, "towns", text, work.origin)
        _create_company_and_start(work, person, data["name"], town_id)


def _search(work: Work, words: str) -> None:
    found = store.search_companies(work.db, words, SEARCH_LIMIT + 1)
    keyboard: Keyboard = [
        [button_to(company_button, _company_label(c), company=c.id)] for c in found[:SEARCH_LIMIT]
    ]
    add_label = work.t("visit.btn_add_named", name=short(words, 20))
    keyboard.append([button_to(new_company_button, add_label, name=words[:NAME_LIMIT])])
    if not found:
        work.reply("visit.none_found", words=words, keyboard=keyboard)
    elif len(found) > SEARCH_LIMIT:
        work.reply("visit.too_many", words=words, keyboard=keyboard)
    else:
        work.reply("visit.found", words=words, keyboard=keyboard)


def _company_label(company: Company) -> str:
    return f"{company.name}（{company.town}）" if company.town else company.name


def _choice_taken(work: Work, *, starts: bool) -> bool:
    """Whether the tapped company-choice button no longer applies; if so the tap is answered.

    A button that starts a visit is used up by the tap (``use_once``: of two fast taps only
    the first starts one); the others only check that no visit started since they were made.
    """
    person = work.registered
    token = _tap_token(work)
    fresh = (
        buttons.use_once(work.db, token, work.at) if starts else not buttons.is_used(work.db, token)
    )
    visit = store.open_visit_of(work.db, person.id)
    if fresh and (visit is None or not starts):
        return False
    if visit is not None:
        work.answer_tap("visit.choice_started", alert=True, company=visit.company)
    else:
        work.answer_tap("visit.choice_ended", alert=True)
    return True


@button("visit.towns", roles=INSPECTORS, refusal="visit.inspectors_only")
def towns_button(work: Work) -> None:
    """🏘 by town: the towns to pick the company's from."""
    if _choice_taken(work, starts=False):
        return
    towns = store.towns(work.db)
    if not towns:
        work.reply("visit.no_towns")
        return
    keyboard: Keyboard = [
        [button_to(town_button, name, town=town_id) for town_id, name in towns[i : i + 3]]
        for i in range(0, len(towns), 3)
    ]
    work.reply("visit.choose_town", keyboard=keyboard)


@button("visit.town", roles=INSPECTORS, refusal="visit.inspectors_only")
def town_button(work: Work, town: int) -> None:
    """A town picked: its companies, and a way to add one."""
    if _choice_taken(work, starts=False):
        return
    name = store.town_name(work.db, town)
    companies = store.companies_in_town(work.db, town, TOWN_COMPANIES_LIMIT)
    keyboard: Keyboard = [[button_to(company_button, c.name, company=c.id)] for c in companies]
    keyboard.append([button_to(new_company_button, work.t("visit.btn_new_company"))])
    work.reply("visit.town_companies", town=name or "", keyboard=keyboard)


@button("visit.company", roles=INSPECTORS, refusal="visit.inspectors_only")
def company_button(work: Work, company: int) -> None:
    """Start the visit at the chosen company, once: an old list or a second tap is told so."""
    person = work.registered
    if _choice_taken(work, starts=True):
        return
    chosen = store.get_company(work.db, company)
    if chosen is None:
        raise VisitOver
    _start(work, person, chosen)


@button("visit.new_company", roles=INSPECTORS, refusal="visit.inspectors_only")
def new_company_button(work: Work, name: str | None = None) -> None:
    """➕ a company not on the list: its name (typed, or the words searched for), then its town."""
    person = work.registered
    if _choice_taken(work, starts=False):
        return
    if store.open_visit_of(work.db, person.id) is not None:
        raise VisitAlreadyOpen
    if not name:
        dialogs.put(work.db, person.id, "visit.new_name", {}, work.at)
        work.reply("visit.ask_new_name")
        return
    _ask_town(work, person, name)


def _ask_town(work: Work, person: Person, name: str) -> None:
    existing = store.company_by_name(work.db, name)
    if existing is not None:
        _start(work, person, existing)
        return
    dialogs.put(work.db, person.id, "visit.new_town", {"name": name}, work.at)
    towns = store.towns(work.db)
    keyboard: Keyboard = [
        [
            button_to(new_company_town_button, town, name=name, town=town_id)
            for town_id, town in towns[i : i + 3]
        ]
        for i in range(0, len(towns), 3)
    ]
    work.reply("visit.ask_new_town", name=name, keyboard=keyboard or None)


@button("visit.new_company_town", roles=INSPECTORS, refusal="visit.inspectors_only")
def new_company_town_button(work: Work, name: str, town: int) -> None:
    """The new company's town picked: the company is added and its visit starts, once."""
    person = work.registered
    if _choice_taken(work, starts=True):
        return
    _create_company_and_start(work, person, name, town)


def _create_company_and_start(work: Work, person: Person, name: str, town_id: int) -> None:
    if store.open_visit_of(work.db, person.id) is not None:
        raise VisitAlreadyOpen
    company = store.company_by_name(work.db, name) or store.add_company(
        work.db, name, town_id, work.origin
    )
    _start(work, person, company)


def _start(work: Work, person: Person, company: Company) -> None:
    dialogs.clear(work.db, person.id)
    buttons.use_all(work.db, person.id, CHOICE_ACTIONS, work.at)
    assert work.chat is not None  # a visit starts from a command or a tap in a chat
    visit_id = store.start_visit(
        work.db, company.id, person.id, work.at, platform=work.chat.platform
    )
    record(
        work.db,
        work.origin,
        entity="visit",
        entity_id=visit_id,
        action=AuditAction.STARTED,
        after={"company_id": company.id},
    )
    visit = store.get_visit(work.db, visit_id)
    assert visit is not None
    send_card(work, visit)
    _ask_presence(work, visit)


@button("visit.join", roles=INSPECTORS, refusal="visit.inspectors_only")
def join_button(work: Work, visit: int) -> None:
    """Join a colleague's open visit (a team visit): both see each other's findings.

    ``_choice_taken`` has made sure this person is on no open visit, this one included.
    """
    person = work.registered
    if _choice_taken(work, starts=True):
        return
    joined = store.get_visit(work.db, visit)
    if joined is None or not joined.is_open:
        raise VisitOver
    store.join_visit(work.db, joined.id, person.id, work.at)
    dialogs.clear(work.db, person.id)
    buttons.use_all(work.db, person.id, CHOICE_ACTIONS, work.at)
    record(work.db, work.origin, entity="visit", entity_id=joined.id, action=AuditAction.JOINED)
    for member, address in _members(work, joined, but=person.id):
        work.send(
            address,
            t(member.language, "visit.member_joined", name=person.name),
            key=f"visit-joined:{joined.id}:{person.id}:{member.id}",
        )
    send_card(work, joined)
    _ask_presence(work, joined)


def _members(work: Work, visit: Visit, *, but: int | None = None) -> list[tuple[Person, Address]]:
    """The visit's active members the bot can write to, each with where to write."""
    found = []
    for person_id in store.member_ids(work.db, visit.id):
        person = people.by_id(work.db, person_id)
        address = person.address
        if person.id != but and person.active and address is not None:
            found.append((person, address))
    return found


def send_card(work: Work, visit: Visit) -> None:
    """The visit card: the company's open items, most urgent first, and the controls."""
    items = offered_items(work, visit.company, visit.town)
    lines = [item_line(work, item) for item in items[:10]]
    if len(items) > 10:
        lines.append(work.t("visit.more_items", count=len(items) - 10))
    started = visit.started_at.astimezone(work.tz).strftime("%H:%M")
    # What the chat answered can send: a DingTalk robot receives no location, so none is
    # invited there (the chat decides, as for _ask_presence).
    assert work.chat is not None  # the card answers a command or a tap in a chat
    sends = sends_location(work.chat.platform)
    work.reply(
        "visit.card",
        company=visit.company,
        town=visit.town or "—",
        started=started,
        count=len(items),
        items=Safe("\n".join(lines) if lines else work.t("visit.no_items")),
        hint=work.t("visit.card_hint" if sends else "visit.card_hint_no_location"),
        keyboard=[[button_to(done_button, work.t("visit.btn_done"), visit=visit.id)]],
    )


def _ask_presence(work: Work, visit: Visit) -> None:
    """Ask once for proof of presence; nothing waits for it. Where the chat asked can send a
    location, a reply-keyboard button sends it; where it cannot (DingTalk), a button
    confirms the arrival, and the message says how presence is recorded there. The chat's
    platform decides, as it is the one answering (the visit keeps the platform it started
    from for how its presence reads)."""
    assert work.chat is not None  # a visit starts from a command or a tap in a chat
    if sends_location(work.chat.platform):
        work.send(
            work.chat,
            work.t("visit.ask_location"),
            request_location=work.t("visit.btn_location"),
        )
        return
    label = work.t("presence.btn_arrived")
    work.send(
        work.chat,
        work.t("presence.ask_confirm"),
        keyboard=[[button_to(arrived_button, label, visit=visit.id)]],
    )


@button("visit.arrived", roles=INSPECTORS, refusal="visit.inspectors_only")
def arrived_button(work: Work, visit: int) -> None:
    """✅ 已到现场: the arrival's server time, for a visit on a platform without locations.
    Only a member of the open visit may confirm it; the first confirmation stands."""
    person = work.registered
    found = store.get_visit(work.db, visit)
    if found is None or not found.is_open or person.id not in store.member_ids(work.db, visit):
        raise VisitOver
    if not work.first_tap() or not presence_store.confirm_arrival(work.db, found.id, work.at):
        work.reply("presence.arrival_already")
        return
    store.touch_visit(work.db, found.id, work.at)
    record(
        work.db,
        work.origin,
        entity="visit",
        entity_id=found.id,
        action=AuditAction.ARRIVAL_CONFIRMED,
    )
    time = work.at.astimezone(work.tz).strftime("%H:%M")
    work.reply("presence.arrival_saved", company=found.company, time=time)


# --- ending -----------------------------------------------------------------------------


@command("done", roles=INSPECTORS, help="cmd.done", refusal="visit.inspectors_only")
def done_command(work: Work) -> None:
    """/done: end the open visit and send its summary."""
    person = work.registered
    visit = store.open_visit_of(work.db, person.id)
    if visit is None:
        work.reply("visit.none_open")
        return
    close_visit(work, visit, "done")


@button("visit.done", roles=INSPECTORS, refusal="visit.inspectors_only")
def done_button(work: Work, visit: int) -> None:
    """✅ under the visit card: end it (any member may), once."""
    person = work.registered
    ending = store.get_visit(work.db, visit)
    if ending is None or person.id not in store.member_ids(work.db, ending.id):
        raise VisitOver
    if not ending.is_open:
        # A double tap, or a colleague ended it a moment ago: the summary is on its way.
        work.answer_tap("visit.already_ended", company=ending.company)
        return
    close_visit(work, ending, "done")


def close_idle_visits(work: Work, idle_hours: int) -> int:
    """End visits nobody has added to for ``idle_hours``; returns how many ended."""
    ended = 0
    for visit_id in store.idle_visit_ids(work.db, work.at - timedelta(hours=idle_hours)):
        visit = store.get_visit(work.db, visit_id)
        if visit is not None:
            close_visit(work, visit, "idle", idle_hours=idle_hours)
            ended += 1
    return ended


def close_visit(work: Work, visit: Visit, reason: str, *, idle_hours: int = 0) -> None:
    """End the visit and send its summary to members and admins, and news to contacts."""
    if not store.end_visit(work.db, visit.id, work.at, reason):
        return
    record(
        work.db,
        work.origin,
        entity="visit",
        entity_id=visit.id,
        action=AuditAction.ENDED,
        after={"reason": reason},
    )
    members = _members(work, visit)
    for member, _ in members:
        dialogs.clear(work.db, member.id)
    ended = store.get_visit(work.db, visit.id)
    assert ended is not None
    team = [member for member, _ in members]
    for person, address in _summary_recipients(work, members):
        if address is None:
            continue
        text = _summary(work, ended, person.language, reason, idle_hours, team)
        # The summary also takes the location keyboard away: the visit needs it no more.
        work.send(address, text, remove_keyboard=True, key=f"visit-summary:{visit.id}:{person.id}")
    _tell_contacts(work, ended)


def refresh_summary(work: Work, visit_id: int) -> None:
    """A finished visit's finding or file was withdrawn or moved: every summary sent shows
    the figures of now (edited in place, saying when it was corrected), and the lead units'
    contacts have their notice corrected. An open visit has no summary yet: nothing to do."""
    visit = store.get_visit(work.db, visit_id)
    if visit is None or visit.is_open:
        return
    team = [member for member, _ in _members(work, visit)]
    reason = visit.end_reason or "done"
    idle_hours = work.policy.visit_idle_hours
    when = work.at.astimezone(work.tz).strftime("%m-%d %H:%M")
    corrected: set[int] = set()
    for shown in sent.messages_sent(work.db, f"visit-summary:{visit.id}:"):
        person = people.by_id(work.db, int(shown.key.rsplit(":", 1)[1]))
        lang = person.language
        text = _summary(work, visit, lang, reason, idle_hours, team)
        text += "\n" + t(lang, "visit.summary_corrected", when=when)
        _correct(work, person, shown, text, remove_keyboard=True)
        corrected.add(person.id)
    # A summary whose outbox row was pruned (bot/domain/retention.py) cannot be edited: its
    # reader gets the corrected summary as a new message, under the summary's own key.
    for person, address in _summary_recipients(work, _members(work, visit)):
        if address is None or person.id in corrected:
            continue
        text = _summary(work, visit, person.language, reason, idle_hours, team)
        text += "\n" + t(person.language, "visit.summary_corrected", when=when)
        work.send(address, text, remove_keyboard=True, key=f"visit-summary:{visit.id}:{person.id}")
    _correct_contacts(work, visit)


def _summary_recipients(
    work: Work, members: Sequence[tuple[Person, Address | None]]
) -> list[tuple[Person, Address | None]]:
    """Who gets a visit's summary: its team, then the administrators not in it."""
    member_ids = {member.id for member, _ in members}
    admins = [
        (admin, admin.address)
        for admin in people.active_people(work.db, role=Role.ADMIN)
        if admin.id not in member_ids
    ]
    return [*members, *admins]


def _correct(
    work: Work,
    person: Person,
    shown: sent.Shown,
    text: str,
    *,
    remove_keyboard: bool = False,
    keyboard: Keyboard | None = None,
) -> None:
    """Show ``text`` in a message sent earlier to ``person``: rewritten while it waits
    (as it was queued: ``remove_keyboard`` for a summary), edited once on the phone. A
    message that could not be delivered (dead) is left to the administrators' notice of it.
    ``keyboard`` replaces the message's buttons (none: they go), for ``person``."""
    address = person.address
    if address is None:
        return
    if shown.status == "pending":
        work.rewrite_pending(
            address,
            shown.key,
            text,
            keyboard=keyboard,
            remove_keyboard=remove_keyboard,
            button_owner=person.id,
        )
    elif shown.status == "sent" and shown.message_id is not None:
        work.edit(
            address,
            shown.message_id,
            text,
            keyboard=keyboard,
            key=sent.edit_key(shown, work.cause),
            button_owner=person.id,
        )


def _summary(
    work: Work, visit: Visit, lang: str, reason: str, idle_hours: int, members: list[Person]
) -> str:
    findings = store.visit_findings(work.db, visit.id)
    counts = evidence_store.count_by_kind(
        work.db,
        "finding_id IN (SELECT id FROM findings WHERE visit_id = ? AND withdrawn = 0)",
        [visit.id],
    )
    photos = counts.get("photo", 0)
    files = sum(counts.values()) - photos
    by_item: dict[int, int] = defaultdict(int)
    untied = 0
    for finding in findings:
        if finding.item_id is None:
            untied += 1
        else:
            by_item[finding.item_id] += 1
    lines = []
    for item_id, count in by_item.items():
        item = get_item(work.db, item_id)
        key = "visit.summary_new_item" if item.needs_review else "visit.summary_item"
        lines.append(t(lang, key, code=item.code, problem=short(item.problem, 24), count=count))
    if untied:
        lines.append(t(lang, "visit.summary_untied", count=untied))
    minutes = duration_minutes(visit.started_at, visit.ended_at or work.at)
    if minutes >= 60:
        duration = t(lang, "visit.duration", hours=minutes // 60, minutes=minutes % 60)
    else:
        duration = t(lang, "visit.duration_minutes", minutes=max(minutes, 1))
    return t(
        lang,
        "visit.summary",
        how=Safe(t(lang, "visit.ended_idle", hours=idle_hours) if reason == "idle" else ""),
        company=visit.company,
        names=t(lang, "list.sep").join(m.name for m in members) or "—",
        duration=duration,
        findings=len(findings),
        photos=photos,
        files=files,
        location=visit_arrival_html(work, lang, visit.id, after_label=True),
        items=Safe("\n".join(lines)),
    )


@dataclass(frozen=True)
class ContactNotice:
    """What one contact is told of a visit: the items with findings, a button for each."""

    contact: Person
    address: Address
    text: str
    keyboard: Keyboard


def _tell_contacts(work: Work, visit: Visit) -> None:
    """One message per active contact of a lead unit, listing their items with findings."""
    for notice in _contact_notices(work, visit).values():
        work.send(
            notice.address,
            notice.text,
            keyboard=notice.keyboard,
            button_owner=notice.contact.id,
            key=f"visit-contact:{visit.id}:{notice.contact.id}",
        )


def _correct_contacts(work: Work, visit: Visit) -> None:
    """After a change to a finished visit: a contact whose list changed gets it edited, one
    whose unit no longer has findings is told to disregard it, a newly concerned one is told."""
    notices = _contact_notices(work, visit)
    prefix = f"visit-contact:{visit.id}:"
    for shown in sent.messages_sent(work.db, prefix):
        contact_id = int(shown.key.rsplit(":", 1)[1])
        contact = people.by_id(work.db, contact_id)
        notice = notices.pop(contact_id, None)
        if notice is not None:
            text, keyboard = notice.text, notice.keyboard
        else:
            text = t(contact.language, "visit.contact_withdrawn", company=visit.company)
            keyboard = None
        if text != sent.shown_text(work.db, shown):
            _correct(work, contact, shown, text, keyboard=keyboard)
    for contact_id, notice in notices.items():
        work.send(
            notice.address,
            notice.text,
            keyboard=notice.keyboard,
            button_owner=contact_id,
            key=f"{prefix}{contact_id}",
        )


def _contact_notices(work: Work, visit: Visit) -> dict[int, ContactNotice]:
    """Per active contact of a lead unit: the notice listing their items with findings,
    with a button that opens each item (at most ``NOTICE_BUTTONS``)."""
    by_unit: dict[int, list] = defaultdict(list)
    seen: set[int] = set()
    for finding in store.visit_findings(work.db, visit.id):
        if finding.item_id is None or finding.item_id in seen:
            continue
        seen.add(finding.item_id)
        item = get_item(work.db, finding.item_id)
        if item.unit_id is not None:
            by_unit[item.unit_id].append(item)
    notices: dict[int, ContactNotice] = {}
    for unit_id, items in by_unit.items():
        for contact in people.active_people(work.db, role=Role.CONTACT, unit_id=unit_id):
            address = contact.address
            if address is None:
                continue
            lang = contact.language
            lines = "\n".join(
                t(lang, "visit.contact_line", code=i.code, problem=short(i.problem)) for i in items
            )
            text = t(lang, "visit.contact_notice", company=visit.company, items=Safe(lines))
            buttons = [
                open_labelled(t(lang, "visit.contact_open", code=i.code), i.id)
                for i in items[:NOTICE_BUTTONS]
            ]
            keyboard: Keyboard = [buttons[n : n + 2] for n in range(0, len(buttons), 2)]
            notices[contact.id] = ContactNotice(contact, address, text, keyboard)
    return notices


@command("visits", roles=INSPECTORS, help="cmd.visits", refusal="visit.inspectors_only")
def visits_command(work: Work) -> None:
    """/visits: the person's last ten visits with their findings count and presence check."""
    person = work.registered
    rows = store.visits_of(work.db, person.id, 10)
    if not rows:
        work.reply("visit.list_empty")
        return
    lines = []
    for visit, count in rows:
        day = visit.started_at.astimezone(work.tz).strftime("%Y-%m-%d %H:%M")
        state = "" if not visit.is_open else work.t("visit.list_open")
        line = work.t("visit.list_line", day=day, company=visit.company, count=count, state=state)
        lines.append(f"{line}\n    {visit_arrival_html(work, work.lang, visit.id)}")
    work.reply("visit.list", lines=Safe("\n".join(lines)))
