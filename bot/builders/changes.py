"""An audited change of an item's fields, in the words of the sheet the office keeps.

The audit trail stores each change as JSON (``{"co_units": ["科技局"], "ongoing": false}``),
which is exact but not what anyone reads. Here each field is named by its column header in
the reader's language (bot/sheets/columns.py) and each value is written as people write it
in that column: a list as 科技局、教育局, a yes/no as 是/否, a level as the sheet names it,
an empty value as —, and the four deadline fields as the one 办理时限 they make together.
"""

from __future__ import annotations

from bot.domain.targets import format_number
from bot.i18n import t
from bot.sheets.columns import COLUMNS
from bot.sheets.headers import LEVEL_LABELS

# The fields that together make the 办理时限 column (a date, the office's wording, a
# rhythm, or "ongoing"): a change of any of them is one change of the deadline.
DEADLINE_FIELDS = ("deadline", "deadline_text", "recurring", "ongoing")
# Audited fields that are not sheet columns of their own: the column that shows them.
_SHOWN_AS = {"sheet_level": "level", "manual_level": "level", "target_number": "target"}
# Audited fields with no column at all: their name comes from the catalogue.
_OWN_NAMES = {"joint_meeting"}
_LEVELS = {"sheet_level", "manual_level"}
_EMPTY = "—"


def change_text(lang: str, before: dict, after: dict) -> str:
    """``办理时限 2026-06-30 → 2026-09-30；配合单位 — → 科技局`` for each field that changed."""
    parts = [
        f"{label} {old} → {new}" for label, old, new in _changes(lang, before, after) if old != new
    ]
    return _separator(lang).join(parts)


def fields_text(lang: str, values: dict) -> str:
    """``问题：…；承办单位：科技局`` for each field a new item was registered with (the
    empty ones left out)."""
    colon = "：" if lang == "zh" else ": "
    parts = [
        f"{label}{colon}{new}" for label, _, new in _changes(lang, {}, values) if new != _EMPTY
    ]
    return _separator(lang).join(parts)


def _changes(lang: str, before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(field label, old value, new value) in the sheet's column order, each column once."""
    fields = set(before) | set(after)
    if "target_number" in fields and "target" in fields:
        fields.discard("target_number")  # the target's text carries its figure
    if fields & set(DEADLINE_FIELDS):
        fields = (fields - set(DEADLINE_FIELDS)) | {"deadline"}
    found = []
    for field in sorted(fields, key=_order):
        if field == "deadline":
            old, new = _deadline(lang, before), _deadline(lang, after)
            if old == new and "deadline_text" in (before | after):
                field = "deadline_text"  # the same date, worded anew: its own column
                old = value_text(lang, field, before.get(field))
                new = value_text(lang, field, after.get(field))
        else:
            old = value_text(lang, field, before.get(field))
            new = value_text(lang, field, after.get(field))
        found.append((label(lang, field), old, new))
    return found


def label(lang: str, field: str) -> str:
    """The field's column header in the reader's language (the export's own)."""
    if field in _OWN_NAMES:
        return t(lang, f"history.field.{field}")
    name = _SHOWN_AS.get(field, field)
    for column in COLUMNS:
        if column.name == name:
            return column.headers[0] if lang == "zh" else column.en
    return t(lang, "history.field.other")


def value_text(lang: str, field: str, value: object) -> str:
    """One value as people write it in the field's column."""
    if value is None or value == "" or value == []:
        return _EMPTY
    if field in _LEVELS:
        return LEVEL_LABELS[lang].get(str(value), "") or _EMPTY
    if isinstance(value, bool):
        return t(lang, "history.value.yes" if value else "history.value.no")
    if isinstance(value, list | tuple):
        return ("、" if lang == "zh" else ", ").join(str(part) for part in value)
    if isinstance(value, float | int):
        return format_number(float(value))
    return str(value)


def _deadline(lang: str, side: dict) -> str:
    """The 办理时限 cell one side of the change makes, as the export writes it: the date,
    else the office's wording, else the rhythm, else "ongoing"."""
    if side.get("deadline"):
        return str(side["deadline"])
    if side.get("deadline_text"):
        return str(side["deadline_text"])
    rhythm = side.get("recurring")
    if rhythm in ("monthly", "quarterly"):
        return t(lang, f"history.value.{rhythm}")
    return t(lang, "history.value.ongoing") if side.get("ongoing") else _EMPTY


def _order(field: str) -> int:
    name = _SHOWN_AS.get(field, field)
    names = [column.name for column in COLUMNS]
    return names.index(name) if name in names else len(names)


def _separator(lang: str) -> str:
    return "；" if lang == "zh" else "; "
