"""What an export covers — a period (批次), town, unit or company — for the chat's /export
and ``duban export`` alike: the one scope type, the one function that picks its items, and
the name the result goes by.

Kept apart from bot/builders/export_job.py, which builds the workbook in the builder process
with openpyxl: the chat side needs these and none of that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import sqlite_utils

from bot.domain.items import Item
from bot.i18n import t
from storage.ledger import list_items
from storage.rows import fetch_value

# The filters a person can set, in the order a scope is named by. The period narrows as
# well as one of the others, so it is named with them.
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


def scoped_items(db: sqlite_utils.Database, scope: Scope) -> list[Item]:
    """The items an export of ``scope`` lists. The one place the period filter lives: what
    a period's export shows (its items as they were on its last day, once periods keep
    their picture) changes here for the chat and the command line together."""
    return list_items(
        db, period=scope.period, town=scope.town, unit=scope.unit, company=scope.company
    )


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
    """How the scope is named in messages and file names: the place, the period, both
    (2024批次·磨头镇), or 全部事项."""
    chosen = scope if isinstance(scope, Scope) else Scope.of(scope)
    place = chosen.place()
    if chosen.period and place:
        return t(lang, "parity.scope.period_and_place", period=chosen.period, place=place)
    if chosen.period:
        return t(lang, "parity.scope.period", period=chosen.period)
    return place or t(lang, "export.everything")
