"""Visits: /visit, /done, /visits, and the photos and files sent during one."""

from __future__ import annotations

from telegram import Message, Update

from bot.domain.visits import MediaIn
from bot.runtime.context import DubanContext
from bot.services import findings, visits
from bot.services.router import route_media


async def visit(update: Update, context: DubanContext) -> None:
    """Start a visit (or show the open one): /visit [part of the company's name]."""
    await context.work(visits.visit_command, " ".join(context.args or []))


async def done(update: Update, context: DubanContext) -> None:
    """End the open visit and send its summary."""
    await context.work(visits.done_command)


async def visit_list(update: Update, context: DubanContext) -> None:
    """List the person's last ten visits."""
    await context.work(visits.visits_command)


async def on_media(update: Update, context: DubanContext) -> None:
    """A photo, file, voice note or video: evidence for the visit or item it belongs to."""
    await context.work(route_media, media_in(update.message))


async def on_forwarded(update: Update, context: DubanContext) -> None:
    """Forwarded messages are not first-hand evidence; say so."""
    await context.work(findings.refuse_forwarded)


def media_in(message: Message) -> MediaIn:
    """The file a message carries (the largest size of a photo), as plain data."""
    if message.photo:
        media, kind, mime, name = message.photo[-1], "photo", "image/jpeg", None
    elif message.video or message.video_note:
        media = message.video or message.video_note
        kind, mime, name = "video", getattr(media, "mime_type", None), None
    elif message.voice:
        media, kind, mime, name = message.voice, "voice", message.voice.mime_type, None
    else:
        media = message.document or message.audio
        kind, mime, name = "document", media.mime_type, media.file_name
    return MediaIn(
        kind=kind,
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        size=media.file_size,
        mime_type=mime,
        file_name=name,
        caption=message.caption or "",
        media_group_id=message.media_group_id,
        taken_at=message.date,
    )


# --- buttons ------------------------------------------------------------------------------


async def join_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(visits.join_button, payload["visit"], payload["_token"])


async def towns_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(visits.towns_button, payload["_token"])


async def town_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(visits.town_button, payload["town"], payload["_token"])


async def company_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(visits.company_button, payload["company"], payload["_token"])


async def new_company_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(visits.new_company_button, payload.get("name"), payload["_token"])


async def new_company_town_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(
        visits.new_company_town_button, payload["name"], payload["town"], payload["_token"]
    )


async def done_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(visits.done_button, payload["visit"])
