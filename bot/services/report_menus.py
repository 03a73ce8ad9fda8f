"""Option menus that are edited in place as a person taps through them, and the job that
a menu's last tap starts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat import Address, Button, UrlButton
from bot.runtime.work import Keyboard, Work
from storage import report_jobs


def show_menu(work: Work, message_id: int | None, text: str, keyboard: Keyboard) -> None:
    """Edit the menu message the person tapped, or send the menu as a new message (a
    command, or a platform that could not say which message was tapped)."""
    chat = _chat(work)
    if message_id is None:
        work.send(chat, text, keyboard=keyboard)
        return
    work.edit(chat, message_id, text, keyboard=keyboard)


def start_job(work: Work, kind: str, params: dict, working_key: str, **values: object) -> int:
    """Queue a job for the runner and the "working on it…" message it will edit."""
    chat = _chat(work)
    if work.person is None:
        raise RuntimeError("a job is asked for by a registered person")
    job_id = report_jobs.create(
        work.db,
        kind=kind,
        person_id=work.person.id,
        chat=chat,
        language=work.lang,
        params=params,
        at=work.at,
        update_id=work.update_id,
    )
    work.send(chat, work.t(working_key, **values), key=report_jobs.progress_key(job_id))
    return job_id


def rows_of(buttons: Sequence[Button | UrlButton], per_row: int = 2) -> Keyboard:
    """Buttons laid out ``per_row`` to a row (two fit a phone's width with Chinese names)."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _chat(work: Work) -> Address:
    if work.chat is None:
        raise RuntimeError("a menu is shown in the chat of an update")
    return work.chat
