"""The reminder sweep: one pass a minute, reading what is due from the database.

On working days between the daily push time and the start of quiet hours, the sweep looks
at the items whose ``sweep_schedule.next_on`` is today or earlier (an index range scan: on a
normal day a small share of the table) and, for each:

* announces it to leaders and administrators if it turned red since it was last looked at;
* for a closed item, opens the look-back task when it is due;
* otherwise asks ``due_between(item, swept_on, today)`` whether a rung of its ladder fell
  in the window since it was last delivered, or created (so three days of downtime give one reminder
  describing the item as it is today), and whether its lead unit was ever told about it
  (newly assigned: acknowledgement asked);
* puts it in the ONE message each of its unit's contacts gets today (co-units' contacts
  get a line without actions), then records the next day to look at it.

A unit without a contact keeps its window open (``swept_on`` does not move) and the
administrators are told once; when a contact registers, the unit's items are looked at
again at the next sweep. A contact who already had today's message gets the item tomorrow.

What a pass finds for the office (units newly without a contact, acknowledgements overdue)
reaches each administrator as ONE message listing them all (``_tell_office``): the first
pass after a start-up used to send one message per unit. The markers that say a unit or an
acknowledgement was reported are in the database, so a restart repeats nothing; a unit
found without a contact later brings a new message, listing every unit still waiting.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from bot.actions import button_to
from bot.clock import local_day
from bot.domain.escalation import first_red_day, item_level, turned_red
from bot.domain.lifecycle import Status
from bot.domain.people import Person
from bot.domain.policy import Policy
from bot.domain.reminders import (
    ReminderReason,
    ack_overdue,
    due_between,
    next_reminder_date,
    overdue_standing,
    urgency,
)
from bot.domain.visits import LEVEL_MARKS, short
from bot.domain.workdays import WorkCalendar
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services import acks, digest, escalation, lookback, notify
from bot.services.admin_notices import first_time
from bot.services.item_view import open_button
from storage import ledger
from storage import reminders as store
from storage.policy import load_policy
from storage.reminders import Ack, DueItem

_ONE_DAY = timedelta(days=1)
LEAD_LINES = 30  # one message stays well under Telegram's 4096 characters
CO_LINES = 10
BUTTONS = 20
# Next looks written at once: few statements on a heavy day, and after downtime (every item
# due) a bounded list rather than one entry per item of the ledger.
_PLANS_AT_ONCE = 1000
# Rules' answers kept at once (``Pass.ruling``): a day's due items share a few dozen, and a
# pass over a whole ledger after downtime keeps a bounded number, not one per item.
_RULINGS_KEPT = 10_000


@dataclass
class Entry:
    """An item in today's messages. It keeps the light due row, not a whole Item: on a heavy
    day (the first after an import, or after downtime) every item may be due."""

    item: DueItem
    reason: ReminderReason | None  # None: only newly assigned
    level: str
    new: bool


class Ruling(NamedTuple):
    """What the rules say of an item today. It follows from a few of the item's fields alone
    (``Pass.ruling``), and a day's due items share a few dozen deadlines."""

    turned_red: bool  # red today, and not on the day it was last seen
    reason: ReminderReason | None  # a rung fell since its reminders were last delivered
    standing: ReminderReason | None  # overdue or due today, for a newly assigned item
    next_on: date | None  # the next look once today's reminders are out


@dataclass
class Bundle:
    """One person's message of the day."""

    person: Person
    lead: list[Entry] = field(default_factory=list)
    co: list[Entry] = field(default_factory=list)
    acks: list[int] = field(default_factory=list)


@dataclass
class Pass:
    """What one pass knows while it walks the due items."""

    work: Work
    today: date
    last_day: date | None
    policy: Policy
    calendar: WorkCalendar
    bundles: dict[int, Bundle] = field(default_factory=dict)
    # (item, next look, day swept) of the items looked at, written _PLANS_AT_ONCE at a time
    plans: list[tuple[int, date | None, date | None]] = field(default_factory=list)
    unreached: bool = False  # a unit newly found without a contact: the office is told
    parked: set[int] = field(default_factory=set)  # units found without a contact this pass
    # Each unit's contacts not yet sent today's message: the same for all its items.
    fresh: dict[int, list[Person]] = field(default_factory=dict)
    # The rules' answers so far, by the fields they read (see ``ruling``).
    rulings: dict[tuple, Ruling] = field(default_factory=dict)

    # Read when the first item is due: in most minutes of a working day none is.
    @functools.cached_property
    def contacts(self) -> dict[int, list[Person]]:
        return store.contacts_by_unit(self.work.db)

    @functools.cached_property
    def pushed(self) -> set[int]:
        return store.pushed_today(self.work.db, self.today)

    def fresh_contacts(self, unit_id: int) -> list[Person]:
        """The unit's contacts who have not had today's message (read once per unit)."""
        found = self.fresh.get(unit_id)
        if found is None:
            lead = self.contacts.get(unit_id, [])
            found = self.fresh[unit_id] = [p for p in lead if p.id not in self.pushed]
        return found

    def ruling(self, item: DueItem) -> Ruling:
        """The rules' answer for the item, worked out once for all the items that share
        what the rules read: its deadline, state, rhythm and levels, and the days it was
        last seen and last delivered. The rules are pure, so each answer is the one the
        item would get on its own."""
        seen = item.swept_on or self.last_day
        # Reminders cover every rung since the last delivery, or since the item was created.
        since = item.swept_on or local_day(item.created_at, self.work.tz) - _ONE_DAY
        key = (
            item.deadline,
            item.status,
            item.recurring,
            item.ongoing,
            item.sheet_level,
            item.manual_level,
            seen,
            since,
        )
        found = self.rulings.get(key)
        if found is None:
            if len(self.rulings) >= _RULINGS_KEPT:
                self.rulings.clear()
            found = self.rulings[key] = _rule(self, item, seen, since)
        return found

    def bundle_for(self, person: Person) -> Bundle:
        message = self.bundles.get(person.id)
        if message is None:
            message = self.bundles[person.id] = Bundle(person)
        return message


def sweep(work: Work) -> None:
    """The periodic job's one transaction (runs every minute and at start-up)."""
    db = work.db
    local = work.at.astimezone(work.tz)
    today = local.date()
    policy = load_policy(db)
    calendar = store.calendar(db)
    store.release_parked_units(db)
    if (
        calendar.is_workday(today)
        and local.time() >= policy.daily_push_time
        and not policy.is_quiet(local.time())
    ):
        run_pass(work, today, policy, calendar)
    digest.maybe_send(work, local, policy, calendar)


def run_pass(work: Work, today: date, policy: Policy, calendar: WorkCalendar) -> None:
    db = work.db
    state = Pass(
        work,
        today,
        store.get_day(db, "last_sweep_day"),
        policy,
        calendar,
    )
    for entry in store.due_items(db, today):
        _look_at(state, entry)
        if len(state.plans) >= _PLANS_AT_ONCE:
            store.schedule_all(db, state.plans)
            state.plans.clear()
    store.schedule_all(db, state.plans)
    composed = Wording()
    for person_id, message in state.bundles.items():
        _send_bundle(work, message, today, composed)
        store.mark_pushed(db, person_id, today)
    late = _late_acks(work, today, policy, calendar)
    _tell_office(work, today, state.unreached, late)
    store.set_state(db, "last_sweep_day", today.isoformat())


def _look_at(state: Pass, item: DueItem) -> None:
    work, today = state.work, state.today
    ruling = state.ruling(item)
    if ruling.turned_red and item.deadline is not None:
        whole = ledger.get_item(work.db, item.id)  # the notice shows its history
        escalation.red_notice(work, whole, (today - item.deadline).days)
    if item.status is Status.CLOSED:
        _lookback(state, item)
        return
    reason = ruling.reason
    new = item.unit_id is not None and not item.assigned
    if new and reason is None:
        reason = ruling.standing
    wanted = (reason is not None or new) and item.unit_id is not None
    if wanted and not _deliver(state, item, reason, new):
        # Window left open: the missed reminder goes out at the next pass.
        state.plans.append((item.id, today + _ONE_DAY, item.swept_on))
        return
    state.plans.append((item.id, ruling.next_on, today))


def _rule(state: Pass, item: DueItem, seen: date | None, since: date) -> Ruling:
    """What the rules say of the item today (``Pass.ruling`` keeps the answer)."""
    today, policy, calendar = state.today, state.policy, state.calendar
    red_after = policy.red_after_overdue_days
    # Turning red is news only against a day the sweep saw the item (or saw anything):
    # the first pass after an upgrade must not announce every long-overdue item.
    red = (
        seen is not None
        and item.deadline is not None
        and turned_red(
            item.deadline,
            item.status,
            red_after,
            seen,
            today,
            sheet_level=item.sheet_level,
            manual_level=item.manual_level,
        )
    )
    reason = due_between(item, since, today, policy, calendar)
    standing = overdue_standing(item, today, policy)
    next_on = next_reminder_date(item, today, policy, calendar)
    if item.deadline is not None:
        red_day = first_red_day(item.deadline, red_after)
        if red_day > today:
            next_on = min(next_on or red_day, red_day)
    return Ruling(red, reason, standing, next_on)


def _deliver(state: Pass, item: DueItem, reason: ReminderReason | None, new: bool) -> bool:
    """Put the item in today's messages; False if nobody could be told today."""
    work, unit_id = state.work, item.unit_id
    assert unit_id is not None  # only items with a lead unit are delivered
    if unit_id not in state.contacts:
        if unit_id not in state.parked:  # once a pass: the unit's other items change nothing
            state.parked.add(unit_id)
            since = store.park_unit(work.db, unit_id, work.at)
            if first_time(work, f"no_contact:{unit_id}:{since}"):
                state.unreached = True
        return False
    fresh = state.fresh_contacts(unit_id)
    if not fresh:
        return False  # they had today's message already: tomorrow's has it
    if reason is not None:
        level = reason.level  # the item's colour today, worked out with its reason
    else:
        level = item_level(item, state.today, state.policy.red_after_overdue_days)
    entry = Entry(item, reason, level, new)
    ack = None
    if new:
        ack = store.open_ack(work.db, item.id, unit_id, "assigned", state.today, work.at)
    for person in fresh:
        message = state.bundle_for(person)
        message.lead.append(entry)
        if ack is not None:
            message.acks.append(ack)
    if reason is not None:
        for co_unit in item.co_unit_ids:
            for person in state.fresh_contacts(co_unit):
                state.bundle_for(person).co.append(entry)
    return True


def _lookback(state: Pass, item: DueItem) -> None:
    work = state.work
    if item.closed_at is None:
        state.plans.append((item.id, None, state.today))
        return
    due_on = local_day(item.closed_at, work.tz) + timedelta(days=state.policy.lookback_after_days)
    if state.today < due_on:
        state.plans.append((item.id, due_on, state.today))
        return
    whole = ledger.get_item(work.db, item.id)  # the task names its inspectors
    task = store.open_lookback(work.db, whole, work.at)
    if task is not None:
        lookback.send_tasks(work, whole, task)
    state.plans.append((item.id, None, state.today))


# --- the one message of the day ------------------------------------------------------------


def _ordered(entries: list[Entry]) -> list[Entry]:
    """Most urgent first (the domain's order, ``bundle``'s); items only new come last."""
    with_reason = {e.item.id: (e, e.reason) for e in entries if e.reason is not None}
    ordered = [e for e, _ in sorted(with_reason.values(), key=_urgency)]
    return ordered + sorted((e for e in entries if e.reason is None), key=lambda e: e.item.code)


def _urgency(pair: tuple[Entry, ReminderReason]) -> tuple[int, int, list[tuple[int, str]]]:
    entry, reason = pair
    return urgency(entry.item.code, reason)


def reason_text(lang: str, entry: Entry) -> str:
    reason = entry.reason
    if reason is None:
        text = t(lang, "remind.reason.new")
    elif reason.kind in ("recurring", "ongoing"):
        end = reason.period_end.isoformat() if reason.period_end else ""
        text = t(lang, f"remind.reason.{reason.kind}", end=end)
    else:
        deadline = entry.item.deadline.isoformat() if entry.item.deadline else ""
        text = t(lang, f"remind.reason.{reason.kind}", days=reason.days, deadline=deadline)
    if entry.new and reason is not None:
        text += t(lang, "remind.plus_new")
    return text


@dataclass
class Wording:
    """What one pass has worded: each unit's message once for all its contacts, and each
    reason (逾期 5 天 …) once for all the items that share it."""

    messages: dict[tuple, tuple[str, Keyboard]] = field(default_factory=dict)
    reasons: dict[tuple, str] = field(default_factory=dict)

    def reason(self, lang: str, entry: Entry) -> str:
        key = (lang, entry.reason, entry.item.deadline, entry.new)
        text = self.reasons.get(key)
        if text is None:
            text = self.reasons[key] = reason_text(lang, entry)
        return text


def _send_bundle(work: Work, message: Bundle, today: date, composed: Wording) -> None:
    """Send one person's message of the day. The contacts of one unit usually get the same
    message, so it is worded once per unit and language (``composed.messages``) and sent to
    each."""
    person = message.person
    to = person.address
    if to is None:
        return  # never reached: contacts_by_unit lists only people who wrote to the bot
    same = (
        person.language,
        person.unit,
        tuple(map(id, message.lead)),
        tuple(map(id, message.co)),
        tuple(message.acks),
    )
    if same not in composed.messages:
        words = _compose(person.language, person.unit or "", message, today, composed)
        composed.messages[same] = words
    text, keyboard = composed.messages[same]
    work.send(
        to,
        text,
        keyboard=keyboard,
        button_owner=person.id,
        key=f"remind:{person.id}:{today.isoformat()}",
    )


def _compose(
    lang: str, unit: str, message: Bundle, today: date, composed: Wording
) -> tuple[str, Keyboard]:
    """The message of the day's text and buttons, most urgent first."""
    lead = _ordered(message.lead)
    lines = [
        t(
            lang,
            "remind.line",
            mark=LEVEL_MARKS[e.level],
            code=e.item.code,
            problem=short(e.item.problem, 24),
            reason=Safe(composed.reason(lang, e)),
        )
        for e in lead[:LEAD_LINES]
    ]
    if len(lead) > LEAD_LINES:
        lines.append(t(lang, "remind.more", count=len(lead) - LEAD_LINES))
    co = _ordered(message.co)
    if co:
        lines.append(t(lang, "remind.co_header"))
        lines += [
            t(
                lang,
                "remind.co_line",
                code=e.item.code,
                problem=short(e.item.problem, 24),
                reason=Safe(composed.reason(lang, e)),
                unit=e.item.unit or "—",
            )
            for e in co[:CO_LINES]
        ]
    header = "remind.header" if lead else "remind.header_co"
    text = t(
        lang,
        header,
        day=today.isoformat(),
        unit=unit,
        count=len(lead),
        lines=Safe("\n".join(lines)),
    )
    buttons = [open_button(e.item, e.level) for e in lead[:BUTTONS]]
    keyboard: Keyboard = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if message.acks:
        label = t(lang, "remind.ack_all", count=len(message.acks))
        keyboard.append([button_to(acks.acknowledge, label, acks=message.acks)])
    return text, keyboard


def _late_acks(work: Work, today: date, policy: Policy, calendar: WorkCalendar) -> list[Ack]:
    """Acknowledgements not given in time and not reported yet (each is reported once per
    item and unit): marked as told, for ``_tell_office`` to list."""
    late = []
    for ack in store.late_acks_to_tell(work.db):
        if not ack_overdue(ack.sent_on, today, policy, calendar):
            continue
        store.mark_ack_told(work.db, ack.id)
        late.append(ack)
    return late


def _tell_office(work: Work, today: date, unreached: bool, late: list[Ack]) -> None:
    """One message to each administrator with what this pass found for the office: every
    unit whose reminders wait for a contact (when one was newly found), and the
    acknowledgements newly overdue. Nothing new, no message."""
    units = store.parked_unit_names(work.db) if unreached else []
    if not units and not late:
        return
    days = work.policy.ack_overdue_workdays

    def sections(lang: str) -> Safe:
        found = []
        if units:
            listed = "\n".join(t(lang, "state.list_line", entry=name) for name in units)
            found.append(t(lang, "remind.no_contact", units=Safe(listed)))
        for ack in late:
            found.append(
                t(
                    lang,
                    "ack.late",
                    unit=ack.unit,
                    code=ack.code,
                    problem=short(ack.problem, 24),
                    since=ack.sent_on.isoformat(),
                    days=days,
                )
            )
        return Safe("\n".join(found))

    notify.tell(
        work,
        notify.admins(work),
        "state.office_notice",
        dedup=f"office:{work.cause}",
        urgent=False,
        day=today.isoformat(),
        sections=sections,
    )
