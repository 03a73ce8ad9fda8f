"""Giving up a message and telling the administrators: for whom, what, and why.

The sender calls ``give_up`` in the same transaction that records the outcome, so the row
marked dead and the notice about it are written together; ``admin_notices`` keeps the
notice to once per row even if the outcome is written twice (a restart).
"""

from __future__ import annotations

from pathlib import Path

from bot.chat import Address, Album, Attachment
from bot.domain.delivery import (
    FILE_KINDS,
    UPLOAD_LIMIT,
    DeadLetter,
    Failure,
    Kind,
    is_file_spec,
    kind_of,
    preview_of,
)
from bot.i18n import Safe, t
from bot.runtime.work import Work
from bot.services import notify
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
    key, to, method, payload = found
    if key.startswith(NOTICE_PREFIX):
        return
    letter = DeadLetter(to, kind_of(method), failure, detail[:300], preview_of(payload))
    tell_admins(work, letter, once=f"{NOTICE_PREFIX}{row_id}")


def queue_file(work: Work, to: Address, files: Attachment | Album, *, key: str) -> bool:
    """Queue a send of files on disk, checked against Telegram's 50 MB upload limit first:
    a file over it is not queued (it could never be sent); the person and the
    administrators are told instead. Returns whether it was queued."""
    size = files_size(files)
    if size <= UPLOAD_LIMIT:
        return work.put(to, files, key=key)
    name = _name_of(files) or "—"
    work.send(
        to,
        work.t("delivery.file_too_big", name=name, size=f"{size / 1024 / 1024:.1f}"),
        key=f"{key}:too-big",
    )
    detail = f"{size} bytes"
    letter = DeadLetter(to, _kind_of(files), Failure.TOO_BIG, detail, name)
    tell_admins(work, letter, once=f"{NOTICE_PREFIX}{key}")
    return False


def files_size(files: Attachment | Album) -> int:
    """Bytes of the files on disk a message sends, as one upload sends them.
    Raises OSError for a file that is gone."""
    return sum(Path(file.path).stat().st_size for file in _each(files) if file.path)


def _each(files: Attachment | Album) -> tuple[Attachment, ...]:
    return files.attachments if isinstance(files, Album) else (files,)


def _name_of(files: Attachment | Album) -> str:
    """How the person and the administrators recognise the file: its name, or for an
    album the start of its caption."""
    if isinstance(files, Album):
        first = files.attachments[0] if files.attachments else None
        return preview_of({"caption": first.caption}) if first is not None else ""
    if files.path:
        return files.file_name or Path(files.path).name
    return preview_of({"caption": files.caption})


def _kind_of(files: Attachment | Album) -> Kind:
    if isinstance(files, Album):
        return Kind.ALBUM
    return FILE_KINDS.get(files.kind, Kind.MEDIA)


def upload_size(payload: dict) -> int:
    """Bytes of the files on disk a payload names (``{"path": …}``), as one upload sends
    them; 0 when it names none. Raises OSError for a file that is gone."""
    specs = [value for value in payload.values() if is_file_spec(value)]
    if isinstance(payload.get("media"), list):
        specs += [item["media"] for item in payload["media"] if is_file_spec(item.get("media"))]
    return sum(Path(spec["path"]).stat().st_size for spec in specs)


def tell_admins(work: Work, letter: DeadLetter, *, once: str) -> None:
    """The notice, once per ``once``: who it was for, what kind of message, why it failed."""
    first = work.db.execute(
        "INSERT OR IGNORE INTO admin_notices (key, created_at) VALUES (?, ?)",
        [once, work.at.isoformat()],
    ).rowcount
    if not first:
        return
    for admin in notify.admins(work):
        to, lang = admin.address, admin.language
        if to is None:
            continue  # notify.admins lists only people the bot can write to
        work.send(
            to,
            t(
                lang,
                "delivery.dead_notice",
                whom=Safe(recipient(work, lang, letter.to)),
                kind=Safe(t(lang, f"delivery.kind.{letter.kind.value}")),
                why=Safe(t(lang, f"delivery.why.{letter.failure.value}")),
                platform=t(lang, f"platform.{letter.to.platform}"),
                detail=letter.detail or "—",
                preview=letter.preview or "—",
            ),
            key=f"{once}:{admin.id}",
            not_before=notify.urgent_at(work),
        )


def recipient(work: Work, lang: str, to: Address) -> str:
    """The person behind a chat, as an administrator knows them (HTML)."""
    person = people.by_address(work.db, to)
    if person is None:
        return t(lang, "delivery.whom_unknown", chat=to.id)
    role = t(lang, f"role.{person.role.value}")
    if person.unit:
        return t(lang, "delivery.whom_unit", name=person.name, role=Safe(role), unit=person.unit)
    return t(lang, "delivery.whom", name=person.name, role=Safe(role))
