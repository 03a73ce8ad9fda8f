"""Where a typed text goes: the dialog waiting for it, else the person's open visit."""

from __future__ import annotations

from collections.abc import Callable

from bot.services import admin_users
from bot.work import Work
from storage import dialogs

# dialog state prefix → service taking (work, state, data, text)
TEXT_DIALOGS: dict[str, Callable[[Work, str, dict, str], None]] = {
    "invite.": admin_users.invite_text,
}

# Called when no dialog waits: returns True if it took the text (an open visit does).
TEXT_FALLBACKS: list[Callable[[Work, str], bool]] = []


def route_text(work: Work, text: str) -> None:
    if work.person is None:
        return
    dialog = dialogs.get(work.db, work.person.id)
    if dialog is not None:
        for prefix, service in TEXT_DIALOGS.items():
            if dialog.state.startswith(prefix):
                service(work, dialog.state, dialog.data, text)
                return
    for fallback in TEXT_FALLBACKS:
        if fallback(work, text):
            return
    work.reply("text.no_context")
