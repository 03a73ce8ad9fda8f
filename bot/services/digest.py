"""The weekly digest for leaders and administrators (Monday 09:00 by policy).

One per person per week: ``last_digest_week`` (the Monday of the last week sent) is kept
in ``sweep_state``, so a digest missed while the bot was down goes out at the first sweep
after its moment, once. It covers the seven days before that week's Monday.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.items import Item
from bot.domain.lifecycle import Role, Status
from bot.domain.policy import Policy
from bot.domain.reminders import next_weekly_digest_time
from bot.domain.workdays import WorkCalendar
from bot.i18n import Safe, t
from bot.listing import item_level
from bot.services import notify
from bot.services.admin_users import NotAdmin
from bot.services.item_view import item_line
from bot.work import Button, Work
from storage import ledger
from storage import reminders as store
from storage.policy import load_policy

RED_LINES = 10
MESSAGE_LIMIT = 3800


@dataclass(frozen=True)
class Week:
    start: date
    end: date
    closed: list[Item]
    newly_overdue: list[Item]
    red: list[Item]
    units: list[tuple[str, int, int]]  # unit, closed, total


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


def figures(work: Work, week: date) -> Week:
    start, end = week - timedelta(days=7), week - timedelta(days=1)
    red_after = load_policy(work.db).red_after_overdue_days
    items = ledger.list_items(work.db)
    today = work.at.astimezone(work.tz).date()

    def closed_on(item: Item) -> date | None:
        return item.closed_at.astimezone(work.tz).date() if item.closed_at else None

    open_items = [i for i in items if i.status is not Status.CLOSED]
    closed = [i for i in items if (day := closed_on(i)) is not None and start <= day <= end]
    overdue = [
        i
        for i in open_items
        if i.deadline is not None and start <= i.deadline + timedelta(days=1) <= end
    ]
    red = [i for i in open_items if item_level(i, today, red_after) == "red"]
    totals = Counter(i.unit or "—" for i in items)
    done = Counter(i.unit or "—" for i in items if i.status is Status.CLOSED)
    units = sorted(((u, done[u], n) for u, n in totals.items()), key=lambda r: r[1] / r[2])
    return Week(start, end, closed, overdue, red, units)


def send(work: Work, week: date) -> None:
    data = figures(work, week)
    red_lines = [item_line(i, "red") + f"（{i.unit or '—'}）" for i in data.red[:RED_LINES]]

    def unit_lines(lang: str) -> str:
        lines = [
            t(lang, "digest.unit_line", unit=u, closed=c, total=n, rate=round(100 * c / n))
            for u, c, n in data.units
        ]
        return Safe("\n".join(lines) or "—")

    notify.tell(
        work,
        notify.leaders_and_admins(work),
        "digest.summary",
        dedup=f"weekly:{week.isoformat()}",
        urgent=False,
        keyboard=lambda person: [
            [Button(t(person.language, "digest.full"), "digest.full", {"week": week.isoformat()})]
        ],
        start=data.start.isoformat(),
        end=data.end.isoformat(),
        closed=len(data.closed),
        overdue=len(data.newly_overdue),
        red=len(data.red),
        red_lines="\n".join(red_lines) or "—",
        unit_lines=unit_lines,
    )


def full_report(work: Work, week_text: str) -> None:
    """The button under the digest: every item behind the figures, as text."""
    if work.person is None or work.person.role not in (Role.ADMIN, Role.LEADER):
        raise NotAdmin
    data = figures(work, date.fromisoformat(week_text))
    today = work.at.astimezone(work.tz).date()
    red_after = load_policy(work.db).red_after_overdue_days
    sections = [
        ("digest.section_closed", data.closed),
        ("digest.section_overdue", data.newly_overdue),
        ("digest.section_red", data.red),
    ]
    lines = [work.t("digest.full_title", start=data.start, end=data.end)]
    for key, items in sections:
        lines.append(work.t(key, count=len(items)))
        lines += [
            work.t(
                "digest.full_line",
                line=item_line(i, item_level(i, today, red_after), 40),
                unit=i.unit or "—",
                deadline=i.deadline.isoformat() if i.deadline else i.deadline_text,
            )
            for i in items
        ]
    chunks, current = [], ""
    for line in lines:
        if len(current) + len(line) + 1 > MESSAGE_LIMIT:
            chunks.append(current)
            current = ""
        current += line + "\n"
    chunks.append(current)
    for chunk in chunks:
        work.send_text(work.chat_id, chunk)
