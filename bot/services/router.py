"""Where a typed text goes: the dialog waiting for it, else the person's open visit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.domain.hygiene import without_controls
from bot.domain.visits import MediaIn
from bot.runtime.work import Work
from bot.services import (
    admin_users,
    closeout,
    extensions,
    findings,
    item_actions,
    lookback,
    presence,
    review_queue,
    settings,
    sheet_import,
    visits,
)
from storage import dialogs

# dialog state prefix → service taking (work, state, data, text)
TEXT_DIALOGS: dict[str, Callable[[Work, str, dict, str], None]] = {
    "invite.": admin_users.invite_text,
    "visit.": visits.visit_text,
    "finding.": findings.finding_text,
    "item.attach": findings.attach_text,
    "queue.": review_queue.queue_text,
    "followup.": item_actions.on_text,
    "closeout.return": closeout.return_text,
    "extension.": extensions.on_text,
    "settings.": settings.on_text,
    "lookback.": lookback.reopen_text,
    "place.": presence.place_text,
}

# Called when no dialog waits: returns True if it took the text (an open visit does).
TEXT_FALLBACKS: list[Callable[[Work, str], bool]] = [findings.visit_text]

# The same for photos, files, voice notes and videos.
MEDIA_DIALOGS: dict[str, Callable[[Work, str, dict, MediaIn], None]] = {
    "item.attach": findings.attach_media,
    "followup.": item_actions.on_media,
}
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
    _route(work, text, TEXT_DIALOGS, TEXT_FALLBACKS, "text.no_context")


def route_media(work: Work, media: MediaIn) -> None:
    """A file; its caption and file name cleaned as typed text is."""
    media = replace(
        media,
        caption=without_controls(media.caption),
        file_name=without_controls(media.file_name) if media.file_name else media.file_name,
    )
    _route(work, media, MEDIA_DIALOGS, MEDIA_FALLBACKS, "media.no_context")


def _route(
    work: Work,
    received: object,
    waiting: dict[str, Callable[..., None]],
    fallbacks: list[Callable[..., bool]],
    no_context: str,
) -> None:
    """The dialog waiting for this person takes it; else the first fallback that wants it."""
    if work.person is None:
        return
    dialog = dialogs.get(work.db, work.person.id)
    if dialog is not None:
        for prefix, service in waiting.items():
            if dialog.state.startswith(prefix):
                service(work, dialog.state, dialog.data, received)
                return
    for fallback in fallbacks:
        if fallback(work, received):
            return
    work.reply(no_context)
