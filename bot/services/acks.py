"""签收: a contact acknowledges newly assigned and returned items; the office sees who has
not (/acks), and is told when an acknowledgement is late."""

from __future__ import annotations

from bot.domain.lifecycle import Role
from bot.domain.permissions import require_admin
from bot.i18n import Safe
from bot.runtime.work import Work
from storage import reminders as reminder_store


def acknowledge(work: Work, ack_ids: list[int]) -> None:
    person = work.person
    if person is None or person.role is not Role.CONTACT:
        work.reply("error.not_permitted")
        return
    done = reminder_store.acknowledge(work.db, [int(i) for i in ack_ids], person, work.origin)
    if not done:
        work.reply("ack.nothing")
        return
    work.reply("ack.done", count=len(done), codes="、".join(a.code for a in done))


def list_open(work: Work) -> None:
    """/acks: every acknowledgement still owed, by unit, oldest first."""
    require_admin(work.person)
    owed = reminder_store.open_acks(work.db)
    if not owed:
        work.reply("ack.none_owed")
        return
    lines = [
        work.t(
            "ack.owed_line",
            unit=a.unit,
            code=a.code,
            kind=work.t(f"ack.kind.{a.kind}"),
            since=a.sent_on.isoformat(),
        )
        for a in owed[:60]
    ]
    work.reply("ack.owed", count=len(owed), lines=Safe("\n".join(lines)))
