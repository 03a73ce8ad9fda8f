"""A leader's weekly digest, built as a job: the week's picture first, then the message with
its 📄 完整周报 button (bot/services/digest.py makes one job per leader at the digest's
moment). The picture and the message count from the same figures (week_figures.py), and
the leader's own units (分管) come first in both.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlite_utils

from bot.builders import dashboard
from bot.builders.build import BuildContext, Result, Send, photo, write_file
from bot.builders.charts import png
from bot.builders.week_figures import collect_week
from bot.domain.permissions import require_export
from bot.i18n import t
from bot.services.digest import full_report_keyboard, summary_values
from storage import leader_units, people
from storage.report_jobs import ReportJob

log = logging.getLogger(__name__)


def build_digest(context: BuildContext, job: ReportJob, db: sqlite_utils.Database) -> Result:
    """In the builder process: the picture on disk, and the digest's words under it."""
    lang = job.language
    person = people.by_id(db, job.person_id)
    require_export(person)  # the role may have changed since the sweep made the job
    monday = date.fromisoformat(job.params["week"])
    figures = collect_week(db, monday, context.now, context.tz)
    own = frozenset(leader_units.unit_names(db, person.id))
    values = {
        key: value(lang) if callable(value) else value
        for key, value in summary_values(figures, own).items()
    }
    sends: list[Send] = []
    try:
        title = t(lang, "dash.week", start=values["start"], end=values["end"])
        board = dashboard.for_week(figures, title, own)
        path = context.out_dir(job.id) / "digest.png"
        write_file(path, png(dashboard.dashboard_figure(board, lang)))
        sends.append(photo(path, t(lang, "dash.digest_caption")))
    except Exception:  # the words matter more than the picture: they still go out
        log.exception("the picture of digest job %s could not be drawn", job.id)
    return Result(
        t(lang, "digest.summary", **values),
        keyboard=full_report_keyboard(lang, monday),
        sends=sends,
        files_first=True,
    )
