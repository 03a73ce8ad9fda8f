"""Where a typed text or a sent file goes: the dialog step waiting for it (declared with
``step`` beside its function, collected in bot/registry.py), else the person's open visit,
else (a spreadsheet from an administrator) a sheet import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.domain.hygiene import without_controls
from bot.domain.visits import MediaIn
from bot.registry import ACTIONS
from bot.runtime.work import Work
from bot.services import findings, sheet_import
from storage import dialogs

# Called when no dialog waits: returns True if it took the text (an open visit does).
TEXT_FALLBACKS: list[Callable[[Work, str], bool]] = [findings.visit_text]

# An admin's spreadsheet outside a visit is a sheet import (sheet_import takes it last).
MEDIA_FALLBACKS: list[Callable[[Work, MediaIn], bool]] = [
    findings.visit_media,
    sheet_import.take_sheet,
]


def route_text(work: Work, text: str) -> None:
    """A typed text, cleaned of characters no workbook can hold (bot/domain/hygiene.py)."""
    text = without_controls(text)
    if not text.strip():
        work.reply("text.only_controls")
        return
    _route(work, text, "text", TEXT_FALLBACKS, "text.no_context")


def route_media(work: Work, media: MediaIn) -> None:
    """A file; its caption and file name cleaned as typed text is."""
    media = replace(
        media,
        caption=without_controls(media.caption),
        file_name=without_controls(media.file_name) if media.file_name else media.file_name,
    )
    _route(work, media, "media", MEDIA_FALLBACKS, "media.no_context")


def _route(
    work: Work,
    received: object,
    takes: str,
    fallbacks: list[Callable[..., bool]],
    no_context: str,
) -> None:
    """The dialog step waiting for this person takes it (bot/actions.py ``step``); else
    the first fallback that wants it. A question asked of a role the person no longer has
    is dropped, and they are told."""
    person = work.person
    if person is None:
        return
    dialog = dialogs.get(work.db, person.id)
    step = ACTIONS.step_for(takes, dialog.state) if dialog is not None else None
    if dialog is not None and step is not None:
        if not step.allows(person.role):
            dialogs.clear(work.db, person.id)
            work.reply(step.refusal)
            return
        step.fn(work, dialog.state, dialog.data, received)
        return
    for fallback in fallbacks:
        if fallback(work, received):
            return
    work.reply(no_context)
