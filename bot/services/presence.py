"""Proof of presence in the chat: a visit's location checked against the company's place.

A location sent during a visit is kept as the phone sent it (WGS-84) at the server's time,
with its distance to the company. Past the office's threshold the visit is flagged 位置不符
wherever it is shown — never refused. A company without coordinates gets them from its first
located visit once an administrator confirms; administrators can also set them with
``/company`` (a location or typed coordinates), and the sheet's 经度/纬度 or 坐标 columns
set them on import. Every administrator is asked about a proposal; once one confirms or
rejects it, or sets the place with ``/company``, each of their cards says so and loses its
buttons (bot/services/decided_cards.py).

A DingTalk robot receives no locations. There a visit asks for nothing it cannot get: the
inspector confirms the arrival instead (bot/services/visits.py), the photos keep their own
times, and the visit reads 位置：钉钉未提供 — never 未发送位置 or 位置不符.
"""

from __future__ import annotations

from bot.actions import ADMINS, button, button_to, command, step
from bot.domain.audit import AuditAction
from bot.domain.lifecycle import DomainError, Role
from bot.domain.people import Person, sends_location
from bot.domain.permissions import require_admin
from bot.domain.presence import (
    CoordinateError,
    Point,
    distance_m,
    distance_text,
    parse_point,
    verdict,
)
from bot.domain.visits import short
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services import decided_cards
from storage import dialogs, people
from storage import presence as store
from storage import visits as visit_store
from storage.audit import record
from storage.visits import Company, Visit

SEARCH_LIMIT = 8
CARD_VISITS = 5
ITEM_CARD_VISITS = 3


class CompanyGone(DomainError):
    key = "presence.company_gone"


def _admin(work: Work) -> Person:
    """The administrator behind a declared action: ``perform`` let no other role in."""
    if work.person is None:
        raise RuntimeError("an administrator's action without a person")
    return work.person


# --- how an arrival reads ------------------------------------------------------------------


def arrival_html(
    work: Work, lang: str, arrival: store.Arrival, *, after_label: bool = False
) -> Safe:
    """⚠️ 位置不符（约 3.1 km）· 32.39000N 120.59000E · 到场 10:05 · 地图 (HTML); on
    DingTalk 位置：钉钉未提供 · 确认到场 10:05. ``after_label`` is for a line that already
    reads 位置： (the visit summary), so DingTalk's verdict does not say it twice."""
    if arrival.point is None or arrival.located_at is None:
        found = verdict(False, None, 0, locatable=arrival.locatable)
        key = "presence.after_label_unavailable" if after_label else "presence.unavailable"
        shown = t(lang, key) if found == "unavailable" else t(lang, f"presence.{found}")
        if arrival.confirmed_at is None:
            return shown
        confirmed = arrival.confirmed_at.astimezone(work.tz).strftime("%m-%d %H:%M")
        return t(lang, "presence.confirmed_arrival", verdict=Safe(shown), time=confirmed)
    found = verdict(True, arrival.distance_m, work.policy.presence_radius_m)
    distance = distance_text(arrival.distance_m) if arrival.distance_m is not None else ""
    return t(
        lang,
        "presence.arrival",
        verdict=Safe(t(lang, f"presence.{found}", distance=distance)),
        point=arrival.point.shown(),
        time=arrival.located_at.astimezone(work.tz).strftime("%m-%d %H:%M"),
        url=arrival.point.map_url(),
    )


def visit_arrival_html(work: Work, lang: str, visit_id: int, *, after_label: bool = False) -> Safe:
    return arrival_html(work, lang, store.arrival(work.db, visit_id), after_label=after_label)


def item_visits_section(work: Work, item_id: int) -> str:
    """The item card's block: the latest visits with findings on it, and how they check out."""
    lines = []
    for visit_id in store.item_visit_ids(work.db, item_id, ITEM_CARD_VISITS):
        visit = visit_store.get_visit(work.db, visit_id)
        if visit is None:
            continue
        lines.append(
            work.t(
                "presence.card_visit_line",
                day=visit.started_at.astimezone(work.tz).strftime("%m-%d"),
                company=visit.company,
                names=_names(work, visit.id),
                arrival=visit_arrival_html(work, work.lang, visit.id),
            )
        )
    if not lines:
        return ""
    return work.t("presence.card_visits", lines=Safe("\n".join(lines)))


def _names(work: Work, visit_id: int) -> str:
    """The visit's team, joined as the reader's language joins a list."""
    members = visit_store.member_ids(work.db, visit_id)
    return work.t("list.sep").join(people.by_id(work.db, pid).name for pid in members)


# --- the inspector's location ------------------------------------------------------------


def receive_location(
    work: Work, latitude: float, longitude: float, *, chosen: bool = False
) -> None:
    """A shared location: an administrator setting a company's place, else proof of presence
    on the sender's open visit, at the server's time.

    A venue (``chosen``: a place picked from Telegram's list, e.g. the company itself) says
    nothing about where the phone is, so it never counts as arrival; it may set a place.
    """
    person = work.person
    try:
        point = Point(latitude, longitude)
    except CoordinateError:
        _plain(work, work.t("presence.bad_location"))
        return
    dialog = dialogs.get(work.db, person.id) if person else None
    if dialog is not None and dialog.state == "place.set":
        _set_place(work, int(dialog.data["company"]), point)
        return
    visit = visit_store.open_visit_of(work.db, person.id) if person else None
    if visit is None:
        _plain(work, work.t("visit.location_no_visit"))
        return
    if chosen:
        work.reply("presence.venue_refused")  # the location keyboard stays for the real one
        return
    _arrive(work, visit, point)


def _arrive(work: Work, visit: Visit, point: Point) -> None:
    company_point = store.company_point(work.db, visit.company_id)
    distance = distance_m(company_point, point) if company_point else None
    store.record_arrival(work.db, visit.id, point, work.at, distance)
    visit_store.touch_visit(work.db, visit.id, work.at)
    record(
        work.db,
        work.origin,
        entity="visit",
        entity_id=visit.id,
        action=AuditAction.LOCATED,
        after={
            "latitude": point.latitude,
            "longitude": point.longitude,
            "distance_m": round(distance) if distance is not None else None,
        },
    )
    radius = work.policy.presence_radius_m
    found = verdict(True, distance, radius)
    if found == "unmeasured":
        _propose(work, visit, point)
    shown = distance_text(distance) if distance is not None else ""
    text = work.t(f"presence.saved_{found}", company=visit.company, distance=shown, radius=radius)
    _plain(work, text)


def _propose(work: Work, visit: Visit, point: Point) -> None:
    """Offer the first located visit's place to the administrators, once per company."""
    assert work.person is not None
    proposal_id = store.propose(work.db, visit.company_id, visit.id, point, work.origin)
    if proposal_id is None:
        return  # an earlier visit's proposal is still waiting
    for admin in people.active_people(work.db, role=Role.ADMIN):
        address = admin.address
        if address is None:
            continue
        keyboard: Keyboard = [
            [
                button_to(confirm_button, t(admin.language, "presence.btn_confirm"), p=proposal_id),
                button_to(reject_button, t(admin.language, "presence.btn_reject"), p=proposal_id),
            ]
        ]
        work.send(
            address,
            t(
                admin.language,
                "presence.proposal",
                company=visit.company,
                name=work.person.name,
                point=point.shown(),
                time=work.at.astimezone(work.tz).strftime("%m-%d %H:%M"),
                url=point.map_url(),
                radius=work.policy.presence_radius_m,
            ),
            keyboard=keyboard,
            key=f"{_proposal_dedup(proposal_id)}:{admin.id}",
            button_owner=admin.id,
        )


def _proposal_dedup(proposal_id: int) -> str:
    """The proposal's cards, one an administrator (``<this>:<person id>``, as notify.tell
    keys them), redrawn once one of them decides."""
    return f"place-proposal:{proposal_id}"


def _plain(work: Work, text: str) -> None:
    """A reply that also takes the location keyboard away."""
    assert work.chat is not None
    work.send(work.chat, text, remove_keyboard=True)


# --- administrators: proposals ----------------------------------------------------------------


def _decide(work: Work, proposal_id: int, decision: str) -> tuple[store.Proposal, int] | None:
    """An administrator's ✅ or ✖️ on a proposal; None (and they are told) when it was
    already decided, by an earlier tap or another administrator."""
    decided = store.decide(work.db, proposal_id, decision, work.origin)
    if decided is None:
        work.reply("presence.already_decided")
    return decided


@button("place.confirm", roles=ADMINS)
def confirm_button(work: Work, p: int) -> None:
    """✅ on proposal ``p``: the visit's place becomes the company's; earlier visits measured."""
    decided = _decide(work, p, "confirmed")
    if decided is None:
        return
    proposal, measured = decided
    work.reply(
        "presence.confirmed",
        company=proposal.company,
        point=proposal.point.shown(),
        measured=Safe(work.t("presence.measured", count=measured) if measured else ""),
    )
    decided_cards.mark_decided(work, _proposal_dedup(p), "decided.place_confirmed")


@button("place.reject", roles=ADMINS)
def reject_button(work: Work, p: int) -> None:
    """✖️ on proposal ``p``: the company stays without coordinates (the visit keeps its place)."""
    decided = _decide(work, p, "rejected")
    if decided is not None:
        work.reply("presence.rejected", company=decided[0].company)
        decided_cards.mark_decided(work, _proposal_dedup(p), "decided.place_rejected")


# --- administrators: /company ----------------------------------------------------------------


@command("company", roles=ADMINS, help="cmd.company")
def company_command(work: Work, words: str) -> None:
    """/company <part of a name>: the company's place, its recent visits, and a way to set it."""
    words = " ".join(words.split())
    if not words:
        work.reply("presence.usage")
        return
    found = visit_store.search_companies(work.db, words, SEARCH_LIMIT)
    exact = visit_store.company_by_name(work.db, words)
    if exact is not None:
        found = [exact]
    if not found:
        work.reply("presence.none_found", words=words)
    elif len(found) == 1:
        _show(work, found[0])
    else:
        keyboard: Keyboard = [
            [button_to(company_button, c.name, company=c.id)] for c in found[:SEARCH_LIMIT]
        ]
        work.reply("presence.choose", words=words, keyboard=keyboard)


@button("place.company", roles=ADMINS)
def company_button(work: Work, company: int) -> None:
    """A company picked from /company's list: its card."""
    _show(work, _company(work, company))


def _company(work: Work, company_id: int) -> Company:
    company = visit_store.get_company(work.db, company_id)
    if company is None:
        raise CompanyGone
    return company


def _show(work: Work, company: Company) -> None:
    point, source, since = store.company_place(work.db, company.id)
    if point is None:
        place = work.t("presence.no_place")
    else:
        place = work.t(
            "presence.place",
            point=point.shown(),
            source=work.t(f"presence.source_{source}"),
            day=since.astimezone(work.tz).strftime("%Y-%m-%d") if since else "—",
            url=point.map_url(),
        )
    proposal = store.open_proposal(work.db, company.id)
    pending = ""
    if proposal is not None:
        name = people.by_id(work.db, proposal.proposed_by).name
        pending = work.t("presence.pending", point=proposal.point.shown(), name=name)
    lines = []
    for visit_id, started in store.company_visits(work.db, company.id, CARD_VISITS):
        lines.append(
            work.t(
                "presence.visit_line",
                day=started.astimezone(work.tz).strftime("%Y-%m-%d"),
                names=_names(work, visit_id),
                arrival=visit_arrival_html(work, work.lang, visit_id),
            )
        )
    keyboard: Keyboard = [[button_to(set_button, work.t("presence.btn_set"), company=company.id)]]
    if proposal is not None:
        label = work.t("presence.btn_use_proposal")
        keyboard.append([button_to(confirm_button, label, p=proposal.id)])
    work.reply(
        "presence.card",
        company=company.name,
        town=company.town or "—",
        place=Safe(place),
        pending=Safe(pending),
        visits=Safe("\n".join(lines) if lines else work.t("presence.no_visits")),
        keyboard=keyboard,
    )


@button("place.set", roles=ADMINS)
def set_button(work: Work, company: int) -> None:
    """📍 设置坐标: the next location or typed coordinates are this company's place."""
    admin = _admin(work)
    chosen = _company(work, company)
    dialogs.put(work.db, admin.id, "place.set", {"company": chosen.id}, work.at)
    # Only typed coordinates where the chat sends no location (a DingTalk robot's).
    assert work.chat is not None  # a tap in a chat
    typed = not sends_location(work.chat.platform)
    work.reply("presence.ask_place_typed" if typed else "presence.ask_place", company=chosen.name)


@step("place.", roles=ADMINS, refusal="admin.only")
def place_text(work: Work, state: str, data: dict, text: str) -> None:
    """Typed coordinates while 📍 设置坐标 waits; a bad one is explained and still waits."""
    try:
        point = parse_point(" ".join(text.split()))
    except CoordinateError as error:
        assert work.chat is not None  # a typed answer in a chat
        typed = not sends_location(work.chat.platform)
        key = "presence.bad_place_typed" if typed else "presence.bad_place"
        work.reply(key, reason=_coordinate_reason(work.lang, error))
        return
    _set_place(work, int(data["company"]), point)


def _coordinate_reason(lang: str, error: CoordinateError) -> str:
    """Why a typed coordinate was refused, in the reader's language (the error's own
    message is English, for the sheet import and the CLI); what they typed, shortened."""
    values = {
        name: short(value, 40) if isinstance(value, str) else value
        for name, value in error.values.items()
    }
    return t(lang, f"presence.coordinate.{error.kind}", **values)


def _set_place(work: Work, company_id: int, point: Point) -> None:
    admin = require_admin(work.person)
    company = _company(work, company_id)
    dialogs.clear(work.db, admin.id)
    proposal = store.open_proposal(work.db, company.id)
    measured = store.set_company_point(work.db, company.id, point, "admin", work.origin)
    text = work.t(
        "presence.place_set",
        company=company.name,
        point=point.shown(),
        measured=Safe(work.t("presence.measured", count=measured) if measured else ""),
    )
    _plain(work, text)
    if proposal is not None:  # settled by this: its cards say so
        decided_cards.mark_decided(
            work, _proposal_dedup(proposal.id), "decided.place_superseded", point=point.shown()
        )
