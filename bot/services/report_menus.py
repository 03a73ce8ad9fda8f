"""Option menus that are edited in place as a person taps through them."""

from __future__ import annotations

from bot.runtime.work import Keyboard, Work
from storage import report_jobs


def show_menu(work: Work, message_id: int | None, text: str, keyboard: Keyboard) -> None:
    """Edit the menu message the person tapped, or send the menu as a new message."""
    if message_id is None:
        work.send_text(work.chat_id, text, keyboard=keyboard)
        return
    work.queue(
        "editMessageText",
        work.chat_id,
        {
            "chat_id": work.chat_id,
            "message_id": message_id,
            "text": text,
            "parse_mode": "HTML",
            "reply_markup": work.inline_markup(keyboard, work.person.id),
        },
    )


def start_job(work: Work, kind: str, params: dict, working_key: str, **values: object) -> int:
    """Queue a job for the runner and the "working on it…" message it will edit."""
    job_id = report_jobs.create(
        work.db,
        kind=kind,
        person_id=work.person.id,
        chat_id=work.chat_id,
        language=work.lang,
        params=params,
        at=work.at,
        update_id=work.update_id,
    )
    work.send_text(
        work.chat_id, work.t(working_key, **values), key=report_jobs.progress_key(job_id)
    )
    return job_id


def rows_of(buttons: list, per_row: int = 2) -> Keyboard:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
