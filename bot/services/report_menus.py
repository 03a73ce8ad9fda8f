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


def build_or_answer(
    work: Work, kind: str, params: dict, working_key: str, again: Button, **values: object
) -> None:
    """Start the job once per button, and say something whenever it is asked for again.

    A second tap (the same button, or a new menu with the same options) while the same
    report is being built is told to wait: a second job would only deliver it twice. A tap
    on a button that asked before, once the report was delivered, points to it and offers
    to build it afresh (the figures may have moved since); a new menu's button builds a new
    one. A report that failed is simply built again.
    """
    if work.person is None:
        raise RuntimeError("a job is asked for by a registered person")
    earlier = report_jobs.latest_alike(work.db, kind=kind, person_id=work.person.id, params=params)
    first = work.first_tap()  # spent either way: this button has asked for this report
    if earlier is not None and earlier.status == "pending":
        work.answer_tap("report.same_running")
        return
    if not first and earlier is not None and earlier.status == "done":
        when = earlier.finished_at or work.at
        shown = when.astimezone(work.tz).strftime("%m-%d %H:%M")
        work.reply("report.same_done", when=shown, keyboard=[[again]])
        return
    start_job(work, kind, params, working_key, **values)


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
