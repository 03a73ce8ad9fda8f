"""An admin sends the supervision sheet as a document: preview, then a confirm button.

Only administrators import; a leader (or anyone else) who sends a spreadsheet is told so
politely. The sheet arrives through ``route_media`` (bot/services/router.py) as its last
fallback, after the dialogs and the open-visit evidence taker: a spreadsheet sent during a
visit is evidence and never reaches this module.
"""

from __future__ import annotations

from pathlib import Path

from bot.actions import ADMINS, EVERYONE, button
from bot.domain.permissions import is_admin
from bot.domain.visits import MediaIn
from bot.runtime.work import Work
from bot.services.report_menus import show_menu, start_job
from bot.sheets.safety import MAX_FILE_BYTES
from storage import report_jobs

SHEET_SUFFIXES = (".xlsx", ".csv")


def is_sheet(media: MediaIn) -> bool:
    return media.kind == "document" and Path(media.file_name or "").suffix.lower() in (
        SHEET_SUFFIXES
    )


def take_sheet(work: Work, media: MediaIn) -> bool:
    """A media fallback: take spreadsheets (nobody before wanted them), leave the rest."""
    if not is_sheet(media):
        return False
    receive(work, media)
    return True


def receive(work: Work, media: MediaIn) -> None:
    """Check who sent what, then queue the preview job."""
    person = work.person
    if person is None:
        return
    if not is_admin(person):
        work.reply("import.admin_only")
        return
    if media.size is not None and media.size > MAX_FILE_BYTES:
        work.reply(
            "import.too_big",
            size=f"{media.size / 1024 / 1024:.1f}",
            limit=MAX_FILE_BYTES // 1024 // 1024,
        )
        return
    params = {"file_id": media.file_id, "file_name": media.file_name or "sheet.xlsx"}
    period = media.caption.strip()
    if period:
        params["period"] = period[:20]  # "2025" in the caption imports into that period
    start_job(work, "import", params, "import.checking", file=params["file_name"])


def _source(work: Work, job_id: int) -> report_jobs.ReportJob | None:
    job = report_jobs.get(work.db, job_id)
    if job is None or job.kind != "import" or work.person is None:
        return None
    return job if job.person_id == work.person.id else None


@button("import.confirm", roles=ADMINS, refusal="import.admin_only")
def confirm(work: Work, job: int, new: int, changed: int, places: int = 0) -> None:
    """Apply the previewed import (the button works once). ``new``, ``changed`` and
    ``places`` are what the preview showed: the apply refuses a sheet that changed since.
    ``places`` (company coordinates) is absent on buttons made before it was counted."""
    source = _source(work, job)
    if source is None:
        work.reply("import.expired")
        return
    if not work.first_tap():
        return
    text = work.t("import.confirmed", file=source.params["file_name"])
    show_menu(work, work.tapped_message, text, [])
    expect = {"new": new, "changed": changed, "places": places}
    start_job(work, "import_apply", {"source": source.id, "expect": expect}, "import.applying")


@button("import.cancel", roles=EVERYONE)
def cancel(work: Work, job: int) -> None:
    """Drop the previewed import (only its sender's tap counts; others' do nothing)."""
    if _source(work, job) is None or not work.first_tap():
        return
    show_menu(work, work.tapped_message, work.t("import.cancelled"), [])
