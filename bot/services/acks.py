"""签收: a contact acknowledges newly assigned and returned items; the office sees who has
not (/acks), and is told when an acknowledgement is late."""

from __future__ import annotations

from bot.actions import ADMINS, CONTACTS, button, command
from bot.i18n import Safe
from bot.runtime.work import Work
from storage import reminders as reminder_store


@button("ack", roles=CONTACTS, refusal="error.not_permitted")
def acknowledge(work: Work, acks: list[int]) -> None:
    """签收 the acknowledgements the button lists (those still owed by this contact's unit)."""
    person = work.person
    assert person is not None  # the role pre-filter let only a contact through
    done = reminder_store.acknowledge(work.db, [int(i) for i in acks], person, work.origin)
    if not done:
        work.reply("ack.nothing")
        return
    work.reply("ack.done", count=len(done), codes="、".join(a.code for a in done))


@command("acks", roles=ADMINS, help="cmd.acks")
def list_open(work: Work) -> None:
    """/acks: every acknowledgement still owed, by unit, oldest first."""
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
