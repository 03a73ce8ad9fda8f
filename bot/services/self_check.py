"""The weekly self-check: when it is due, and telling the administrators what it found.

It runs at the weekly digest's moment (policy ``weekly_digest_day`` / ``weekly_digest_time``,
moved past holidays like the digest). ``last_integrity_week`` in ``sweep_state`` (the Monday
of the last week reported) makes it once a week, even across restarts; a week missed while
the bot was down is checked at the first run after; a new installation starts with the
next moment (no report about a week it did not see). The message always carries the chain
head, so the administrators hold a copy of it outside the database every week.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.clock import local_day
from bot.domain.reminders import next_weekly_digest_time
from bot.i18n import Safe, t
from bot.integrity import IntegrityReport, describe
from bot.runtime.work import Work
from bot.services import notify
from storage import reminders as store

STATE_KEY = "last_integrity_week"
PROBLEM_LINES = 5  # the rest are for `duban verify`: a chat message has 4 096 characters


def due_week(work: Work) -> date | None:
    """The Monday of the week whose self-check is due now, or None."""
    local = work.at.astimezone(work.tz)
    week = local.date() - timedelta(days=local.weekday())
    moment = next_weekly_digest_time(
        datetime.combine(week, time(0), tzinfo=work.tz),
        work.policy,
        store.calendar(work.db),
        work.tz,
    )
    last = store.get_day(work.db, STATE_KEY)
    if last is None:
        # A new installation starts with the next week's moment, as the digest does.
        last = week - timedelta(days=7) if local < moment else week
        store.set_state(work.db, STATE_KEY, last.isoformat())
    if last >= week or local < moment:
        return None
    if work.policy.is_quiet(local.time()):
        return None
    return week


def publish(work: Work, week: date, report: IntegrityReport) -> int:
    """Tell every administrator the week's result with the head; once per week."""
    last = store.get_day(work.db, STATE_KEY)
    if last is not None and last >= week:
        return 0  # reported before a crash or by an overlapping run
    store.set_state(work.db, STATE_KEY, week.isoformat())
    head = report.head
    shown, rest = report.problems[:PROBLEM_LINES], len(report.problems) - PROBLEM_LINES

    def head_text(lang: str) -> str:
        return head.hash if head else t(lang, "tamper.weekly.no_head")

    def lines(lang: str) -> Safe:
        found = [f"• {describe(lang, problem)}" for problem in shown]
        if rest > 0:
            found.append(t(lang, "tamper.weekly.more", count=rest))
        return Safe("\n".join(found))

    key = "tamper.weekly.problems" if report.problems else "tamper.weekly.clean"
    return notify.tell(
        work,
        notify.admins(work),
        key,
        dedup=f"integrity:{week.isoformat()}",
        urgent=bool(report.problems),
        date=local_day(work.at, work.tz).isoformat(),
        files=report.files,
        events=report.events,
        count=len(report.problems),
        event=head.event_id if head else "—",
        head=head_text,
        lines=lines,
    )
