"""What an export covers — a period (批次), town, unit or company — for the chat's /export
and ``duban export`` alike: the one scope type, the one function that picks its items (a
period: every item it had, as of its last day), and the name the result goes by.

Kept apart from bot/builders/export_job.py, which builds the workbook in the builder process
with openpyxl: the chat side needs these and none of that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.i18n import t
from storage.followup import latest_figures
from storage.ledger import list_items
from storage.periods import ItemAsOf, period_items_as_of
from storage.rows import fetch_value

# The filters a person can set. The period narrows as well as one of the others, so a scope
# is named by both.
FILTERS = ("period", "town", "unit", "company")
PLACES = ("town", "unit", "company")

# Where each filter's names live, to tell someone a name they typed is unknown.
_NAMED_IN = {"period": "periods", "town": "towns", "unit": "units", "company": "companies"}


@dataclass(frozen=True)
class Scope:
    """The filters of one export; ``None`` is "any". Built from a chat button's payload or
    from the command line's options, so both ask for the same thing the same way."""

    period: str | None = None
    town: str | None = None
    unit: str | None = None
    company: str | None = None

    @classmethod
    def of(cls, chosen: Mapping[str, object] | None) -> Scope:
        """The scope a payload names (unknown keys and empty values are ignored)."""
        given = chosen or {}
        values = {key: given.get(key) for key in FILTERS}
        return cls(**{key: str(value) for key, value in values.items() if value})

    def as_filter(self) -> dict[str, str]:
        """The set filters as a payload (what a button and a job store)."""
        return {field.name: value for field in fields(self) if (value := getattr(self, field.name))}

    def place(self) -> str | None:
        """The town, unit or company chosen, if any (the chat lets one be chosen)."""
        return self.town or self.unit or self.company


@dataclass(frozen=True)
class Scoped:
    """The items of a scope, each as of the day it is shown at, and that day when it is a
    past period's last day (None: as they are today)."""

    items: list[ItemAsOf]
    as_of: date | None = None


def scoped_items(db: sqlite_utils.Database, scope: Scope, today: date, tz: ZoneInfo) -> Scoped:
    """The items an export (or ``duban list items``) of ``scope`` shows. The one place the
    period filter lives: without a period, the items as they are now with their latest
    figure; with one, every item the period had, as of its last day (storage.periods), so
    rolling and later changes leave an old period's export as it was."""
    if scope.period is None:
        figures = latest_figures(db)
        found = list_items(db, town=scope.town, unit=scope.unit, company=scope.company)
        return Scoped([ItemAsOf(item, today, figures.get(item.id)) for item in found])
    picture = period_items_as_of(db, scope.period, today, tz)
    if picture is None:
        return Scoped([])
    wanted = {"town": scope.town, "unit": scope.unit, "company": scope.company}
    narrowed = [
        found
        for found in picture.items
        if all(value is None or getattr(found.item, key) == value for key, value in wanted.items())
    ]
    return Scoped(narrowed, picture.day if picture.day < today else None)


def unknown_filters(db: sqlite_utils.Database, scope: Scope) -> list[tuple[str, str]]:
    """The (filter, name) pairs of ``scope`` that name no period, town, unit or company, so
    a typed name that matches nothing is told apart from a scope with no items."""
    unknown = []
    for key, value in scope.as_filter().items():
        table = _NAMED_IN[key]
        if fetch_value(db, f"SELECT 1 FROM {table} WHERE name = ?", [value]) is None:
            unknown.append((key, value))
    return unknown


def scope_name(lang: str, scope: Scope | Mapping[str, object]) -> str:
    """How the scope is named in messages and file names: the place, the period
    (2024 批次), both (2024 批次·磨头镇), or 全部事项."""
    chosen = scope if isinstance(scope, Scope) else Scope.of(scope)
    place = chosen.place()
    if chosen.period and place:
        return t(lang, "parity.scope.period_and_place", period=chosen.period, place=place)
    if chosen.period:
        return t(lang, "periods.export.scope", name=chosen.period)
    return place or t(lang, "export.everything")
