"""An item's history in the chat: a timeline in messages under Telegram's 4096 characters,
its photos as albums, and its dossier as a PDF for a meeting.

The /item card offers these with ``history_buttons(work, item)``. Anyone registered may
ask; whether they may see this item is bot/domain/permissions.py's ``require_sight``.
"""

from __future__ import annotations

import math

from bot.actions import EVERYONE, button, button_to, command
from bot.builders import timeline
from bot.builders.evidence_files import EvidenceHash, item_files
from bot.chat import Address, Attachment, Button
from bot.domain.items import Item, NoSuchItem
from bot.domain.permissions import NotYourItem, require_sight
from bot.i18n.fit import shown_length, split
from bot.runtime.work import Keyboard, Work
from bot.services.report_menus import start_job
from bot.sheets.headers import STATUS_LABELS
from storage.ledger import NotFound, get_item
from storage.rows import fetch_value

# Telegram refuses texts over 4096 characters (counted after HTML is parsed, bot.i18n.fit);
# staying under it leaves room for the line that joins a chunk to the next.
CHUNK_LIMIT = 3800
ALBUM_MAX = 10
# /history keeps its own wording of the refusal (the rule is bot/domain/permissions.py).
HISTORY_REFUSAL = "history.not_yours"


def _item(work: Work, item_id: int) -> Item:
    if work.person is None:
        raise NotYourItem(key=HISTORY_REFUSAL)
    try:
        item = get_item(work.db, item_id)
    except NotFound:
        raise NoSuchItem(str(item_id), key="history.not_found") from None
    return require_sight(work.person, item, HISTORY_REFUSAL)


def history_buttons(work: Work, item: Item) -> list[Button]:
    """History, photos and PDF buttons for an item card."""
    count = len(timeline.photos(work.db, item.id))
    row = [button_to(show, work.t("history.button"), item=item.id)]
    if count:
        row.append(button_to(album, work.t("history.album_button", count=count), item=item.id))
    row.append(button_to(dossier, work.t("history.pdf_button"), item=item.id))
    return row


@command("history", roles=EVERYONE, help="cmd.history", refusal=HISTORY_REFUSAL)
def show_by_code(work: Work, code: str) -> None:
    """``/history <code>``."""
    code = code.strip()
    if not code:
        work.reply("history.usage")
        return
    item_id = fetch_value(work.db, "SELECT id FROM items WHERE code = ?", [code])
    if item_id is None:
        work.reply("history.not_found_code", code=code)
        return
    show(work, item_id)


@button("item.history", roles=EVERYONE, refusal=HISTORY_REFUSAL)
def show(work: Work, item: int) -> None:
    """The item's history in messages, the last with its photos and PDF buttons."""
    shown = _item(work, item)
    chunks = render_timeline(work, shown)
    more = history_buttons(work, shown)[1:]  # photos and PDF (the history is on screen)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        keyboard: Keyboard | None = [[*more]] if last and more else None
        work.send(_chat(work), chunk, keyboard=keyboard)


def _chat(work: Work) -> Address:
    if work.chat is None:
        raise RuntimeError("a history is shown in the chat that asked for it")
    return work.chat


def render_timeline(work: Work, item: Item) -> list[str]:
    """The item's full history as HTML message texts, each under CHUNK_LIMIT characters."""
    status = STATUS_LABELS.get(work.lang, STATUS_LABELS["zh"]).get(item.status.value, "")
    deadline = item.deadline.isoformat() if item.deadline else (item.deadline_text or "—")
    lines = [
        work.t(
            "history.title",
            code=item.code,
            problem=item.problem,
            unit=item.unit or "—",
            deadline=deadline,
            status=status,
            target=item.target or "—",
        )
    ]
    found = timeline.events(work.db, item)
    if not found:
        lines.append(work.t("history.empty"))
    day = None
    for event in found:
        local = event.at.astimezone(work.tz)
        if local.date() != day:
            day = local.date()
            lines.append(f"\n<b>{day.isoformat()}</b>")
        lines.append(_event_line(work, event, local.strftime("%H:%M")))
    files = item_files(work.db, item.id)
    if files:
        lines.append(work.t("tamper.history.files"))
        lines.extend(_file_line(work, found) for found in files)
    return _chunks(lines)


def _file_line(work: Work, found: EvidenceHash) -> str:
    """One evidence file with its full sha256 (tap to copy), or why there is none."""
    values = {
        "when": found.taken_at.astimezone(work.tz).strftime("%Y-%m-%d %H:%M"),
        "kind": work.t(f"tamper.kind.{found.kind}"),
        "who": found.who or "—",
    }
    if found.stored == "stored" and found.sha256:
        return work.t("tamper.history.file", sha256=found.sha256, **values)
    if found.stored == "too_big":
        return work.t("tamper.history.file_too_big", **values)
    return work.t("tamper.history.file_pending", **values)


def _event_line(work: Work, event: timeline.Event, clock: str) -> str:
    return f"{clock} {timeline.describe(work.lang, event)}"


def _chunks(lines: list[str]) -> list[str]:
    """Lines gathered into messages under CHUNK_LIMIT (as Telegram counts); one line longer
    than that (a long close-out text) goes whole, over several messages: /history is where
    shortened cards point for the full text."""
    chunks, current = [], ""
    for line in lines:
        if shown_length(line) > CHUNK_LIMIT:
            if current:
                chunks.append(current)
            *whole, current = split(line, CHUNK_LIMIT)
            chunks.extend(whole)
            continue
        candidate = f"{current}\n{line}" if current else line
        if shown_length(candidate) > CHUNK_LIMIT:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def album_groups(count: int) -> list[int]:
    """Album sizes of 2–10 photos for ``count`` photos, as even as possible (11 → 6 + 5)."""
    if count <= 1:
        return [count] if count else []
    groups = math.ceil(count / ALBUM_MAX)
    size, extra = divmod(count, groups)
    return [size + (1 if index < extra else 0) for index in range(groups)]


@button("item.album", roles=EVERYONE, refusal=HISTORY_REFUSAL)
def album(work: Work, item: int) -> None:
    """The item's photos, by the platform's own file references, in albums of 2–10 split
    as evenly as possible (``album_groups``)."""
    shown = _item(work, item)
    photos = [photo for photo in timeline.photos(work.db, shown.id) if photo.file_id]
    if not photos:
        work.reply("history.no_photos", code=shown.code)
        return
    start = 0
    for size in album_groups(len(photos)):
        group = photos[start : start + size]
        start += size
        files = [
            Attachment("photo", ref, _caption(work, photo))
            for photo in group
            if (ref := photo.file_id)
        ]
        work.send_album(_chat(work), files)


def _caption(work: Work, photo: timeline.Photo) -> str:
    return work.t(
        "history.photo_caption",
        when=photo.taken_at.astimezone(work.tz).strftime("%Y-%m-%d %H:%M"),
        who=photo.who or "—",
        caption=photo.caption[:300],
    )


@button("item.dossier", roles=EVERYONE, refusal=HISTORY_REFUSAL)
def dossier(work: Work, item: int) -> None:
    """The item's dossier PDF (timeline and captioned photos), built by a job once, however
    often the button is tapped."""
    shown = _item(work, item)
    if not work.first_tap():
        return
    start_job(work, "dossier", {"item": shown.id}, "dossier.working", code=shown.code)
