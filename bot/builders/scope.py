"""What an /export covers: the filters a person can set (a period: its items as of its
last day), and the name the result goes by.

Kept apart from bot/builders/export_job.py, which builds the workbook in the builder process
with openpyxl: the chat side needs these two and none of that.
"""

from __future__ import annotations

from bot.i18n import t

FILTERS = ("town", "unit", "company", "period")


def scope_name(lang: str, chosen: dict) -> str:
    """What the export is called: the town, unit or company chosen, or "period 2024"."""
    for key in FILTERS:
        if chosen.get(key):
            if key == "period":
                return t(lang, "periods.export.scope", name=chosen[key])
            return chosen[key]
    return t(lang, "export.everything")
