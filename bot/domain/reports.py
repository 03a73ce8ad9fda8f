"""Who may see which report, and the reporting periods: plain rules, no storage.

Leaders and admins see everything; an inspector sees the items they are assigned to or have
reported findings on, and their own visits; a contact sees their own unit's items only. A
report of another unit asked for by a contact is refused, not quietly narrowed, so nobody
mistakes their own unit's figures for someone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.lifecycle import DomainError, Role
from bot.domain.people import Person
from bot.domain.permissions import ReportsNotForYou

PERIODS = ("month", "quarter", "year", "all")
DEFAULT_PERIOD = "quarter"
# The weekly trend shows at most this many weeks (a year), however long the period.
MAX_WEEKS = 53


class NotYourUnit(DomainError):
    """A contact asked for another unit's figures."""

    key = "report.not_your_unit"


class UnknownUnit(DomainError):
    """A report or export named a unit the ledger does not know."""

    key = "report.unknown_unit"


@dataclass(frozen=True)
class Scope:
    """Whose items and visits a report covers."""

    kind: str  # "all", "unit" (a contact's unit) or "inspector" (their own work)
    unit_id: int | None = None
    person_id: int | None = None


def report_scope(person: Person, requested_unit_id: int | None = None) -> Scope:
    """The scope of ``person``'s report; a contact asking for another unit is refused."""
    if person.role in (Role.ADMIN, Role.LEADER):
        return Scope("all")
    if person.role is Role.INSPECTOR:
        return Scope("inspector", person_id=person.id)
    if person.unit_id is None:
        raise ReportsNotForYou("a contact without a unit has no report")
    if requested_unit_id is not None and requested_unit_id != person.unit_id:
        raise NotYourUnit(f"unit {requested_unit_id} is not the contact's unit")
    return Scope("unit", unit_id=person.unit_id)


def may_choose_unit(person: Person) -> bool:
    """Picking a unit from the list of all units is for those who see every unit."""
    return person.role in (Role.ADMIN, Role.LEADER)


def check_unit_choice(person: Person) -> None:
    """Refuse the list of units to anyone else: a contact as asking for another unit (they
    have their own), an inspector as not theirs (their report is their own work)."""
    if may_choose_unit(person):
        return
    if person.role is Role.CONTACT:
        raise NotYourUnit("a contact may not choose among the units")
    raise ReportsNotForYou("only leaders and admins choose a unit from the list")


def period_range(period: str, today: date, earliest: date | None = None) -> tuple[date, date]:
    """First and last local day of a reporting period that ends today."""
    if period == "month":
        return today.replace(day=1), today
    if period == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if period == "year":
        return date(today.year, 1, 1), today
    if period == "all":
        return min(earliest or today, today), today
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def week_starts(start: date, end: date) -> list[date]:
    """Mondays of the weeks from ``start`` to ``end``, the last MAX_WEEKS of them."""
    first = start - timedelta(days=start.weekday())
    weeks = []
    monday = first
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks[-MAX_WEEKS:]


def entered_on(created: date, period_start: date | None) -> date:
    """The day an item counts from in a trend: an imported item from its period's first day
    (``period_start``, None for an item not imported), since the office supervised it from
    then and only typed it in later; any other item from the day it was created."""
    return min(created, period_start) if period_start is not None else created


def progress_percent(figure: float | None, target: float | None) -> float | None:
    """How far a reported figure is toward a numeric target, capped at 100 %."""
    if figure is None or target is None or target <= 0:
        return None
    return max(0.0, min(100.0, 100.0 * figure / target))
