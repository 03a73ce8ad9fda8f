"""What an /export covers: the filters a person can set, and the name the result goes by.

Kept apart from bot/builders/export_job.py, which builds the workbook in the builder process
with openpyxl: the chat side needs these two and none of that.
"""

from __future__ import annotations

from bot.i18n import t

FILTERS = ("town", "unit", "company")


def scope_name(lang: str, chosen: dict) -> str:
    for key in FILTERS:
        if chosen.get(key):
            return chosen[key]
    return t(lang, "export.everything")
