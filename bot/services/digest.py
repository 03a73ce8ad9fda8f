"""The weekly digest for leaders and administrators (Monday 09:00 by policy).

One per person per week: ``last_digest_week`` (the Monday of the last week sent) is kept
in ``sweep_state``, so a digest missed while the bot was down goes out at the first sweep
after its moment, once. It covers the seven days before that week's Monday. Its button
asks for the full report, a workbook built by a report job (bot/builders/weekly_report.py)
from the same figures.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.actions import OFFICE, button, button_to
from bot.builders.week_figures import collect_week, week_range
from bot.domain.permissions import ReportsNotForYou
from bot.domain.policy import Policy
from bot.domain.reminders import next_weekly_digest_time
from bot.domain.workdays import WorkCalendar
from bot.i18n import Safe, t
from bot.runtime.work import Work
from bot.services import notify
from bot.services.item_view import item_line
from bot.services.report_menus import start_job
from storage import reminders as store
from storage import report_jobs

RED_LINES = 10
WEEKLY_JOB = "weekly"


def maybe_send(work: Work, local: datetime, policy: Policy, calendar: WorkCalendar) -> None:
    week = local.date() - timedelta(days=local.weekday())
    moment = next_weekly_digest_time(
        datetime.combine(week, time(0), tzinfo=work.tz), policy, calendar, work.tz
    )
    last = store.get_day(work.db, "last_digest_week")
    if last is None:
        # A new installation starts with the next digest due, not with a past week's.
        last = week - timedelta(days=7) if local < moment else week
        store.set_state(work.db, "last_digest_week", last.isoformat())
    if last >= week or local < moment or policy.is_quiet(local.time()):
        return
    send(work, week)
    store.set_state(work.db, "last_digest_week", week.isoformat())


def send(work: Work, week: date) -> None:
    data = collect_week(work.db, week, work.at, work.tz)
    red_lines = [item_line(i, "red") + f"（{i.unit or '—'}）" for i in data.red[:RED_LINES]]
    worst_first = sorted(data.units, key=lambda unit: unit.rate)

    def unit_lines(lang: str) -> str:
        lines = [
            t(
                lang,
                "digest.unit_line",
                unit=u.name or "—",
                closed=u.closed,
                total=u.total,
                rate=round(100 * u.rate),
            )
            for u in worst_first
        ]
        return Safe("\n".join(lines) or "—")

    notify.tell(
        work,
        notify.leaders_and_admins(work),
        "digest.summary",
        dedup=f"weekly:{week.isoformat()}",
        urgent=False,
        keyboard=lambda person: [
            [button_to(full_report, t(person.language, "digest.full"), week=week.isoformat())]
        ],
        start=data.start.isoformat(),
        end=data.end.isoformat(),
        closed=len(data.closed),
        overdue=len(data.newly_overdue),
        red=len(data.red),
        red_lines="\n".join(red_lines) or "—",
        unit_lines=unit_lines,
    )


@button("digest.full", roles=OFFICE, refusal=ReportsNotForYou.key)
def full_report(work: Work, week: str) -> None:
    """The button under the digest: the week's workbook, built off the event loop by a
    report job; a second tap while it is being built starts nothing. The office's
    documents are for the office and its leaders (bot/domain/permissions.py may_export)."""
    monday = date.fromisoformat(week)
    params = {"week": monday.isoformat()}
    if report_jobs.is_pending(work.db, kind=WEEKLY_JOB, person_id=work.person.id, params=params):
        return  # its "working on it" message is already in the chat
    start, end = week_range(monday)
    start_job(
        work, WEEKLY_JOB, params, "weekly.working", start=start.isoformat(), end=end.isoformat()
    )
