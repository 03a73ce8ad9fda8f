"""When a department contact is reminded about an item, and what the reminder says.

The ladder for an item with a deadline D (all dates local, Asia/Shanghai):

* before: D − 7, D − 3 and D − 1 (``policy.reminder_days_before``). A rung that falls on a
  weekend or holiday moves to the *previous* working day: the warning is only useful if it
  arrives before the deadline, and the contact is at the office then.
* on the day: D, moved to the *next* working day if D is not one (nobody reads it on a
  holiday; the reason then truthfully says how many days overdue it is).
* overdue: every 3 working days (``policy.overdue_every_days``) counted from the item's own
  on-the-day rung, never ending while the item is not closed (督办不停). The k-th overdue
  rung is the on-the-day rung plus k·3 working days, so each item keeps its own rhythm set by
  its own deadline, and items due on different days come back on different weekdays: the
  daily sweep carries about a third of the overdue items every working day instead of all
  of them on a Monday and a Thursday (the rhythm as sent converges there, because every
  weekend pushes it to a Monday). Counting working days keeps the other promises: two
  overdue reminders are always at least 3 days apart (3 working days are at least 3 days),
  and a weekend or holiday delays the next rung rather than bunching two reminders on
  consecutive days. A rung missed while the bot was down is covered by the one reminder of
  the next sweep (see below), and the rhythm then carries on from the deadline as before.

An item with a recurring report (``monthly``/``quarterly``) is reminded at each period end
(the last day of the month, or Mar 31/Jun 30/Sep 30/Dec 31), moved to the previous working
day because the report is due *by* that day. An ongoing item (长期坚持) is asked for progress on
the last working day of each month (or quarter, ``policy.ongoing_progress_every``): the month's
work is fresh then and the answer is in before the office tallies the month. Closed items get
nothing, and neither do items waiting for close-out verification: the next move is the
verifier's, not the contact's. An extension is just a new deadline: the ladder follows it.

Every rung lands on a working day, and the reason always describes the item as it stands on
the day it is sent (days left, or days overdue), not the rung it came from.

How the daily sweep uses this module (one push per person per day, at ``next_push_time``):

1. For each open item of a person, ``due_between(item, last_sweep_day, today, …)``.
2. ``bundle`` the reasons that are not None into one message, most urgent first.
3. Record ``today`` as the last sweep day (and use ``escalation.turned_red`` with the same two
   days for the urgent "turned red" notice).

After downtime the same call covers every missed day: an item is included once if any of its
rungs fell in (last_sweep_day, today], described as it is today. Nobody gets a message per
missed day. Running the sweep twice on one day sends nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal, NamedTuple, Protocol

from bot.domain.escalation import Level, item_level, level_rank
from bot.domain.lifecycle import Status
from bot.domain.policy import Policy
from bot.domain.workdays import WorkCalendar

Recurrence = Literal["monthly", "quarterly"]
ReasonKind = Literal["before", "due_today", "overdue", "recurring", "ongoing"]

_ONE_DAY = timedelta(days=1)
_DIGIT_RUNS = re.compile(r"(\d+)")
_QUIET_FOR = (Status.CLOSED, Status.CLOSE_REQUESTED)
# Where each kind goes in the digest: most urgent first.
_KIND_ORDER: dict[str, int] = {
    "overdue": 0,
    "due_today": 1,
    "before": 2,
    "recurring": 3,
    "ongoing": 4,
}


@dataclass(frozen=True)
class ReminderItem:
    """What the reminder rules need to know about a list item."""

    item_id: int
    code: str
    deadline: date | None
    status: Status
    recurring: Recurrence | None = None
    ongoing: bool = False
    sheet_level: str = "none"
    manual_level: str = "none"

    def __post_init__(self) -> None:
        Status(self.status)  # raises ValueError on a misspelt status
        if self.recurring not in (None, "monthly", "quarterly"):
            raise ValueError(f"item {self.code}: unknown recurrence {self.recurring!r}")
        level_rank(self.sheet_level)
        level_rank(self.manual_level)


class ReminderReason(NamedTuple):
    """Why an item is in today's digest.

    ``days`` is days left until the deadline (``before``) or the period end (``recurring``,
    ``ongoing``; negative if that passed while the bot was down), days overdue (``overdue``),
    and 0 for ``due_today``. ``level`` is the item's colour that day. A named tuple: the
    sweep makes one for every item it reminds.
    """

    kind: ReasonKind
    days: int
    level: Level
    period_end: date | None = None


class Remindable(Protocol):
    """What the rules below read of an item: a ReminderItem, or a row read for the sweep
    (storage.reminders.DueItem) whose values the database's checks have already kept valid,
    so the sweep makes no ReminderItem for each item it looks at."""

    @property
    def deadline(self) -> date | None: ...
    @property
    def status(self) -> Status: ...
    @property
    def recurring(self) -> Recurrence | None: ...
    @property
    def ongoing(self) -> bool: ...
    @property
    def sheet_level(self) -> str: ...
    @property
    def manual_level(self) -> str: ...


def next_reminder_date(
    item: Remindable, after: date, policy: Policy, calendar: WorkCalendar
) -> date | None:
    """The first day strictly after ``after`` on which the item is reminded, if any."""
    if item.status in _QUIET_FOR:
        return None
    candidates = []
    if item.deadline is not None:
        candidates.append(_next_deadline_rung(item.deadline, after, policy, calendar))
    for _kind, every in _periodic_sources(item, policy):
        candidates.append(_next_period_rung(every, after, calendar)[0])
    return min(candidates, default=None)


def is_due(
    item: ReminderItem, day: date, policy: Policy, calendar: WorkCalendar
) -> ReminderReason | None:
    """Why the item is reminded on ``day``, or None if ``day`` is not one of its rungs."""
    return due_between(item, day - _ONE_DAY, day, policy, calendar)


def due_between(
    item: Remindable,
    last_day: date | None,
    today: date,
    policy: Policy,
    calendar: WorkCalendar,
) -> ReminderReason | None:
    """The reason to include the item in today's digest if any rung fell in (last_day, today].

    ``last_day`` is the last day a sweep ran (None before the first sweep: only today counts).
    The reason describes the item today. Deadline reasons win over period reasons, since a
    missed deadline is what the contact must act on first.
    """
    start = today - _ONE_DAY if last_day is None else last_day
    if start >= today or item.status in _QUIET_FOR:
        return None
    if item.deadline is not None and (
        _next_deadline_rung(item.deadline, start, policy, calendar) <= today
    ):
        level = item_level(item, today, policy.red_after_overdue_days)
        return _deadline_reason(item.deadline, today, level)
    for kind, every in _periodic_sources(item, policy):
        period_end = _latest_period_end_within(every, start, today, calendar)
        if period_end is not None:
            level = item_level(item, today, policy.red_after_overdue_days)
            return ReminderReason(kind, (period_end - today).days, level, period_end)
    return None


def overdue_standing(item: Remindable, today: date, policy: Policy) -> ReminderReason | None:
    """The item's overdue (or due today) reason whatever its rhythm says, for the first notice
    of a newly assigned item: a contact told of an item must hear at once that it is
    already late, not wait for the item's next overdue rung."""
    if item.deadline is None or today < item.deadline or item.status in _QUIET_FOR:
        return None
    level = item_level(item, today, policy.red_after_overdue_days)
    return _deadline_reason(item.deadline, today, level)


def bundle(
    entries: list[tuple[ReminderItem, ReminderReason]],
) -> list[tuple[ReminderItem, ReminderReason]]:
    """Order one person's reminders for their single daily message, most urgent first:
    overdue (longest overdue first), due today, then by days left; ties by item code, with
    numbers in codes compared as numbers (A-2 before A-10)."""
    return sorted(entries, key=lambda entry: urgency(entry[0].code, entry[1]))


def urgency(code: str, reason: ReminderReason) -> tuple[int, int, list[tuple[int, str]]]:
    """The sort key of ``bundle``, for a caller that keeps its reminders in its own records
    (the sweep sorts its entries by it without a ReminderItem for each)."""
    days = -reason.days if reason.kind == "overdue" else reason.days
    return _KIND_ORDER[reason.kind], days, _natural_key(code)


def ack_deadline(sent_on: date, policy: Policy, calendar: WorkCalendar) -> date:
    """The last day a contact may acknowledge (签收) an item sent on ``sent_on``."""
    return calendar.add_workdays(sent_on, policy.ack_overdue_workdays)


def ack_overdue(sent_on: date, today: date, policy: Policy, calendar: WorkCalendar) -> bool:
    """Whether an unacknowledged item is late: more working days have passed than allowed."""
    return today > ack_deadline(sent_on, policy, calendar)


# --- push times and quiet hours --------------------------------------------------------------


def next_push_time(now: datetime, policy: Policy, calendar: WorkCalendar, tz: tzinfo) -> datetime:
    """The first daily push moment at or after ``now``: the push time on a working day."""
    local = _local(now, tz)
    day = local.date()
    while True:
        day = calendar.next_workday(day)
        moment = datetime.combine(day, policy.daily_push_time, tzinfo=tz)
        if moment >= local:
            return moment
        day += _ONE_DAY


def next_weekly_digest_time(
    now: datetime, policy: Policy, calendar: WorkCalendar, tz: tzinfo
) -> datetime:
    """The first weekly digest moment at or after ``now``; if the set weekday is a holiday
    that week, the digest goes out on the next working day instead of being skipped."""
    local = _local(now, tz)
    week_start = local.date() - timedelta(days=local.weekday())
    while True:
        day = calendar.next_workday(week_start + timedelta(days=policy.weekly_digest_day))
        moment = datetime.combine(day, policy.weekly_digest_time, tzinfo=tz)
        if moment >= local:
            return moment
        week_start += timedelta(days=7)


def in_quiet_hours(now: datetime, policy: Policy, tz: tzinfo) -> bool:
    return policy.is_quiet(_local(now, tz).time())


def defer_out_of_quiet(now: datetime, policy: Policy, tz: tzinfo) -> datetime:
    """When an urgent message may be sent: ``now`` itself outside quiet hours, else the end of
    quiet hours (the next 08:00). Urgent messages are deferred, never dropped, and do not wait
    for a working day."""
    local = _local(now, tz)
    if not policy.is_quiet(local.time()):
        return now
    moment = datetime.combine(local.date(), policy.quiet_end, tzinfo=tz)
    if moment <= local:
        moment = datetime.combine(local.date() + _ONE_DAY, policy.quiet_end, tzinfo=tz)
    return moment


# --- the ladder --------------------------------------------------------------------------------


def _next_deadline_rung(
    deadline: date, after: date, policy: Policy, calendar: WorkCalendar
) -> date:
    """The first deadline rung strictly after ``after``, worked out once per calendar (a
    sweep asks for each due item twice, and many items share a deadline)."""
    # Keyed by the three settings the rung depends on: hashing the whole Policy for every
    # lookup cost more than the lookup saved.
    key = (
        "deadline rung",
        deadline,
        after,
        policy.reminder_days_before,
        policy.remind_on_deadline_day,
        policy.overdue_every_days,
    )
    return calendar.derived(
        key, lambda: _first_deadline_rung_after(deadline, after, policy, calendar)
    )


def _first_deadline_rung_after(
    deadline: date, after: date, policy: Policy, calendar: WorkCalendar
) -> date:
    """The first deadline rung strictly after ``after``; the overdue rungs never run out."""
    # Every rung before the deadline lies before it, so for an overdue item (the bulk of a
    # sweep) there is nothing to look up there.
    before = policy.reminder_days_before if after < deadline else ()
    rungs = [
        rung
        for rung in (calendar.previous_workday(deadline - timedelta(days=days)) for days in before)
        if rung > after
    ]
    if policy.remind_on_deadline_day:
        on_the_day = calendar.next_workday(deadline)
        if on_the_day > after:
            rungs.append(on_the_day)
    rungs.append(_next_overdue_rung(deadline, after, policy.overdue_every_days, calendar))
    return min(rungs)


def _next_overdue_rung(deadline: date, after: date, every: int, calendar: WorkCalendar) -> date:
    """The first overdue rung strictly after ``after``: the on-the-day rung plus a whole
    number (at least one) of ``every`` working days."""
    on_the_day = calendar.next_workday(deadline)
    # Rung k lies k·every working days after the on-the-day rung, and working days only
    # grow with the date, so the first rung past ``after`` is the first k·every beyond the
    # working days already gone by since the deadline.
    gone_by = max(calendar.workdays_between(on_the_day, after), 0)
    return calendar.add_workdays(on_the_day, (gone_by // every + 1) * every)


def _periodic_sources(item: Remindable, policy: Policy) -> list[tuple[ReasonKind, str]]:
    """The item's period reminders, the recurring report first (it is the more specific)."""
    sources: list[tuple[ReasonKind, str]] = []
    if item.recurring is not None:
        sources.append(("recurring", item.recurring))
    if item.ongoing and policy.ongoing_progress_every != "off":
        sources.append(("ongoing", policy.ongoing_progress_every))
    return sources


def _period_end(day: date, every: str) -> date:
    """The last day of the month (monthly) or quarter (quarterly) that contains ``day``."""
    month = day.month if every == "monthly" else (day.month + 2) // 3 * 3
    first_of_next = date(day.year + month // 12, month % 12 + 1, 1)
    return first_of_next - _ONE_DAY


def _next_period_rung(every: str, after: date, calendar: WorkCalendar) -> tuple[date, date]:
    """The first period rung strictly after ``after``, with the period end it is for."""
    # An earlier period's rung is on or before its end, which is before ``after``.
    period_end = _period_end(after, every)
    while calendar.previous_workday(period_end) <= after:
        period_end = _period_end(period_end + _ONE_DAY, every)
    return calendar.previous_workday(period_end), period_end


def _latest_period_end_within(
    every: str, start: date, end: date, calendar: WorkCalendar
) -> date | None:
    """The period end of the latest period rung in (start, end], if any fell there."""
    found = None
    rung, period_end = _next_period_rung(every, start, calendar)
    while rung <= end:
        found = period_end
        rung, period_end = _next_period_rung(every, rung, calendar)
    return found


def _deadline_reason(deadline: date, today: date, level: Level) -> ReminderReason:
    if today < deadline:
        return ReminderReason("before", (deadline - today).days, level)
    if today == deadline:
        return ReminderReason("due_today", 0, level)
    return ReminderReason("overdue", (today - deadline).days, level)


def _natural_key(code: str) -> list[tuple[int, str]]:
    """Sort key that compares runs of digits as numbers, so A-2 comes before A-10."""
    return [
        (int(part), "") if part.isdecimal() else (-1, part)
        for part in _DIGIT_RUNS.split(code)
        if part
    ]


def _local(now: datetime, tz: tzinfo) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {now.isoformat()}")
    return now.astimezone(tz)
