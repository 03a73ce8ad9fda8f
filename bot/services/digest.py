"""The weekly digest for leaders and administrators (Monday 09:00 by policy). A leader's
opens with the week's picture (bot/builders/digest_picture.py).

One per person per week: ``last_digest_week`` (the Monday of the last week sent) is kept
in ``sweep_state``, so a digest missed while the bot was down goes out at the first sweep
after its moment, once. It covers the seven days before that week's Monday. Its button
asks for the full report, a workbook built by a report job (bot/builders/weekly_report.py)
from the same figures.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.actions import OFFICE, button, button_to
from bot.builders.week_figures import WeekFigures, collect_week, week_range
from bot.domain.lifecycle import Role
from bot.domain.permissions import ReportsNotForYou
from bot.domain.policy import Policy
from bot.domain.reminders import next_weekly_digest_time
from bot.domain.workdays import WorkCalendar
from bot.i18n import Safe, t
from bot.runtime.work import Keyboard, Work
from bot.services import notify
from bot.services.item_view import item_line
from bot.services.report_menus import start_job
from storage import people, report_jobs
from storage import reminders as store

RED_LINES = 10
WEEKLY_JOB = "weekly"
DIGEST_JOB = "digest"  # a leader's digest: the picture, then the message


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
    """The week's digest: administrators get it as a message now; each leader gets it from
    a job that draws their picture first (bot/builders/digest_picture.py), their own units
    (分管) first. The job is created here, in the sweep's transaction, so it is made once."""
    data = collect_week(work.db, week, work.at, work.tz)
    notify.tell(
        work,
        notify.admins(work),
        "digest.summary",
        dedup=f"weekly:{week.isoformat()}",
        urgent=False,
        keyboard=lambda person: full_report_keyboard(person.language, week),
        **summary_values(data, frozenset()),
    )
    for leader in people.active_people(work.db, role=Role.LEADER):
        if leader.address is None:
            continue
        report_jobs.create(
            work.db,
            kind=DIGEST_JOB,
            person_id=leader.id,
            chat=leader.address,
            language=leader.language,
            params={"week": week.isoformat()},
            at=work.at,
            update_id=None,
        )


def summary_values(data: WeekFigures, own_units: frozenset[str]) -> dict[str, object]:
    """What the digest message says, for ``t(lang, "digest.summary", **values)``: red items
    of the reader's own units (分管) first, the units from the lowest close-out rate."""
    red = sorted(data.red, key=lambda item: item.unit not in own_units if item.unit else True)
    red_lines = [item_line(i, "red") + f"（{i.unit or '—'}）" for i in red[:RED_LINES]]
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

    return {
        "start": data.start.isoformat(),
        "end": data.end.isoformat(),
        "closed": len(data.closed),
        "overdue": len(data.newly_overdue),
        "red": len(data.red),
        "red_lines": "\n".join(red_lines) or "—",
        "unit_lines": unit_lines,
    }


def full_report_keyboard(lang: str, week: date) -> Keyboard:
    return [[button_to(full_report, t(lang, "digest.full"), week=week.isoformat())]]


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
