"""Updates set aside after failing every attempt: the office is told, lists them with
``/stuck`` and replays one with a button (or ``duban inbox retry ID``).

Replaying puts the update back in the inbox as if it had just arrived; the processor's next
fetch (it fetches again as soon as the lane that ran the tap is done) runs it through the
handlers again, and if it fails every attempt again it is set aside again
and the office is told again. Nothing about it is kept outside the inbox row.
"""

from __future__ import annotations

from bot.actions import ADMINS, button, button_to, command
from bot.domain.lifecycle import Role
from bot.domain.retries import RawSummary, sender_label, summarise
from bot.i18n import Safe, t
from bot.runtime.work import Work
from storage import inbox, people

# Entries in one /stuck message: eight of the longest possible (two 64-character Telegram
# names, a 32-character username, the preview and the error cut short) stay inside 4 096.
LISTED = 8
ERROR_CHARS = 120


def _who(work: Work, summary: RawSummary, lang: str) -> str:
    person = people.by_address(work.db, summary.address) if summary.address else None
    return sender_label(summary, person.name if person else None) or t(lang, "faults.someone")


def notify_set_aside(work: Work, update_id: int, lang: str) -> None:
    """Apologise to the sender (in ``lang``) and tell every admin, in theirs, what was set
    aside and where to replay it."""
    row = inbox.set_aside_row(work.db, update_id)
    if row is None:
        return  # replayed already, before this notice was written
    summary = summarise(row.raw)
    if summary.address is not None:
        work.send(summary.address, t(lang, "error.sorry"))
    for admin in people.active_people(work.db, role=Role.ADMIN):
        if admin.address is None:
            continue
        work.send(
            admin.address,
            t(
                admin.language,
                "faults.set_aside_notice",
                who=_who(work, summary, admin.language),
                kind=Safe(t(admin.language, f"faults.kind.{summary.kind}")),
                update_id=update_id,
                attempts=row.attempts,
            ),
        )


@command("stuck", roles=ADMINS, help="cmd.stuck")
def list_stuck(work: Work) -> None:
    """The oldest set-aside updates: who, when, what kind, why; a replay button each."""
    count, rows = inbox.set_aside(work.db, LISTED)
    if not count:
        work.reply("faults.none")
        return
    blocks = [work.t("faults.title", count=count)]
    keyboard = []
    for row in rows:
        summary = summarise(row.raw)
        error = row.error if len(row.error) <= ERROR_CHARS else row.error[: ERROR_CHARS - 1] + "…"
        blocks.append(
            work.t(
                "faults.entry",
                update_id=row.update_id,
                who=_who(work, summary, work.lang),
                when=f"{row.received_at.astimezone(work.tz):%Y-%m-%d %H:%M}",
                kind=Safe(work.t(f"faults.kind.{summary.kind}")),
                preview=work.t("faults.preview", text=summary.preview) if summary.preview else "",
                attempts=row.attempts,
                error=error,
            )
        )
        label = work.t("faults.replay", update_id=row.update_id)
        keyboard.append([button_to(replay, label, update=row.update_id)])
    if count > len(rows):
        blocks.append(work.t("faults.more", count=count - len(rows)))
    work.send(work.chat, "\n\n".join(blocks), keyboard=keyboard)


@button("stuck.replay", roles=ADMINS)
def replay(work: Work, update: int) -> None:
    """Put one set-aside update back in line, to run within moments."""
    outcome = inbox.replay(work.db, update, work.origin)
    key = {
        "replayed": "faults.replayed",
        "pending": "faults.replay_pending",
        "done": "faults.replay_done",
    }.get(outcome, "faults.replay_missing")
    work.reply(key, update_id=update)
