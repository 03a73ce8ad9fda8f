"""Giving up a message and telling the administrators: for whom, what, and why.

The sender calls ``give_up`` in the same transaction that records the outcome, so the row
marked dead and the notice about it are written together; ``admin_notices`` keeps the
notice to once per row even if the outcome is written twice (a restart).
"""

from __future__ import annotations

from bot.domain.delivery import DeadLetter, Failure, kind_of, preview_of
from bot.i18n import Safe, t
from bot.services import notify
from bot.work import Work
from storage import outbox, people

# Keys of the notices themselves: a notice that cannot be delivered is not reported again
# (to the same administrators, whose chat is the one failing).
NOTICE_PREFIX = "dead:"


def give_up(work: Work, row_id: int, failure: Failure, detail: str) -> None:
    """Mark the row dead and tell every administrator once, in their own language."""
    outbox.mark_dead(work.db, row_id, f"{failure.value}: {detail}")
    found = outbox.row_for_notice(work.db, row_id)
    if found is None:
        return
    key, chat_id, method, payload = found
    if key.startswith(NOTICE_PREFIX):
        return
    letter = DeadLetter(
        row_id, chat_id, kind_of(method), failure, detail[:300], preview_of(payload)
    )
    tell_admins(work, letter)


def tell_admins(work: Work, letter: DeadLetter) -> None:
    """The notice, once per row: who it was for, what kind of message, why it failed."""
    first = work.db.execute(
        "INSERT OR IGNORE INTO admin_notices (key, created_at) VALUES (?, ?)",
        [f"{NOTICE_PREFIX}{letter.row_id}", work.at.isoformat()],
    ).rowcount
    if not first:
        return
    for admin in notify.admins(work):
        lang = admin.language
        work.send_text(
            admin.tg_user_id,
            t(
                lang,
                "delivery.dead_notice",
                whom=Safe(recipient(work, lang, letter.chat_id)),
                kind=Safe(t(lang, f"delivery.kind.{letter.kind.value}")),
                why=Safe(t(lang, f"delivery.why.{letter.failure.value}")),
                detail=letter.detail or "—",
                preview=letter.preview or "—",
            ),
            key=f"{NOTICE_PREFIX}{letter.row_id}:{admin.id}",
            not_before=notify.urgent_at(work),
        )


def recipient(work: Work, lang: str, chat_id: int) -> str:
    """The person behind a chat, as an administrator knows them (HTML)."""
    person = people.by_telegram_id(work.db, chat_id)
    if person is None:
        return t(lang, "delivery.whom_unknown", chat=chat_id)
    role = t(lang, f"role.{person.role.value}")
    if person.unit:
        return t(lang, "delivery.whom_unit", name=person.name, role=Safe(role), unit=person.unit)
    return t(lang, "delivery.whom", name=person.name, role=Safe(role))
