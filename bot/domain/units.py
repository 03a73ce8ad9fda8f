"""Reading the 承办单位 / 配合单位 cells: who leads an item and who helps.

Reminders and close-out rates are per lead unit, so exactly one unit leads. Offices
write ``科技局、工信局``, ``科技局牵头，各镇区配合`` or ``科技局（牵头）、财政局``; the rule is:

* clauses are split at ，,；; and a clause ending in 牵头/主办/负责 names the lead group,
  one ending in 配合/协办/协助/参与 names helpers; ``（牵头）`` after a name marks it too;
* inside a clause names are split at 、/ and spaces;
* the lead is the first name of the lead group, or the first name of all when nothing
  is marked; every other name is a co-unit, in the order written, without duplicates.

Names are not normalised further (full-width brackets inside a name are kept), so the
same unit written the same way always matches.
"""

from __future__ import annotations

import re

_CLAUSES = re.compile(r"[，,；;\n]+")
_NAMES = re.compile(r"[、/／\s\u3000]+")
_LEAD_WORDS = ("牵头", "主办", "负责")
_CO_WORDS = ("配合", "协办", "协助", "参与")
_ALL_WORDS = "|".join(_LEAD_WORDS + _CO_WORDS)
# 牵头单位：科技局 / 配合单位: 财政局 — a label in front of the names.
_LABEL = re.compile(r"^(?:(牵头|主办|责任|承办)|(配合|协办|协助))(?:单位|部门)?[:：]")
# 科技局（牵头） / 科技局(配合) — a marker right after a name.
_BRACKET_MARK = re.compile(r"[（(]\s*(" + _ALL_WORDS + r")(?:单位|部门)?\s*[）)]")
# 科技局牵头 / 各镇区配合 / 科技局负责 — a marker at the end of a clause.
_TRAILING_MARK = re.compile(r"(" + _ALL_WORDS + r")(?:单位|部门)?$")


def parse_units(text: str | None, co_units_text: str | None = None) -> tuple[str | None, list[str]]:
    """Return ``(lead, co_units)`` from the unit cell and an optional 配合单位 cell.

    Names from the co-units column are always helpers, even when the unit cell is empty
    (then there is no lead); the lead never appears among the co-units.
    """
    named: list[tuple[str, str | None]] = []
    for clause in _CLAUSES.split(text or ""):
        named.extend(_read_clause(clause))
    # Only the unit column can name the lead: first a marked lead, then the first
    # unmarked name, then whatever the unit column names first.
    lead = next((name for name, role in named if role == "lead"), None)
    lead = lead or next((name for name, role in named if role is None), None)
    lead = lead or (named[0][0] if named else None)

    for clause in _CLAUSES.split(co_units_text or ""):
        named.extend(_read_clause(clause))
    co_units = _dedupe([name for name, _ in named if name != lead])
    return lead, co_units


def _read_clause(clause: str) -> list[tuple[str, str | None]]:
    """Each name in the clause with its role: 'lead', 'co' or None when unmarked.

    A trailing 牵头/配合 covers the names written before it since the last mark
    (``科技局、工信局牵头``); a bracketed mark covers its own name only; a label in front
    (``配合单位：``) covers the names nothing else marks.
    """
    default: str | None = None
    clause = clause.strip()
    if label := _LABEL.match(clause):
        default = "lead" if label[1] else "co"
        clause = clause[label.end() :]
    named: list[tuple[str, str | None]] = []
    pending: list[int] = []  # unmarked names waiting for a trailing mark
    for raw in _NAMES.split(clause):
        name, own, trailing = _strip_marks(raw)
        if not name:
            continue
        named.append((name, own))
        if own is None:
            pending.append(len(named) - 1)
        if trailing is not None:
            for index in pending:
                named[index] = (named[index][0], trailing)
            pending = []
    return [(name, role or default) for name, role in named]


def _strip_marks(raw: str) -> tuple[str, str | None, str | None]:
    """The bare name, its bracketed mark and its trailing mark (each 'lead'/'co'/None)."""
    name = raw.strip()
    marks: list[str | None] = []
    for pattern in (_BRACKET_MARK, _TRAILING_MARK):
        found = pattern.search(name)
        if found:
            name = (name[: found.start()] + name[found.end() :]).strip()
        marks.append(None if not found else "lead" if found[1] in _LEAD_WORDS else "co")
    return name, marks[0], marks[1]


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        if name not in seen:
            seen.add(name)
            result.append(name)
    return result
