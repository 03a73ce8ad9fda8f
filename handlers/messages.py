"""Messages typed or sent in a chat, turned from Telegram's terms into neutral values.

A text is its string, a file is a ``MediaIn`` (bot/domain/visits.py), a location is two
coordinates and whether it was picked from a list; the services below (the router, proof
of presence) never see a Telegram ``Message``. This is the Telegram adapter's half of the
incoming side: a second platform writes its own module like this one.
"""

from __future__ import annotations

from telegram import Message, Update

from bot.domain.people import TELEGRAM
from bot.domain.visits import MediaIn
from bot.runtime.context import DubanContext
from bot.services import findings, presence
from bot.services.router import route_media, route_text


async def on_text(update: Update, context: DubanContext) -> None:
    """Plain text: an answer to what the bot asked, or a finding in an open visit."""
    await context.work(route_text, update.message.text)


async def on_media(update: Update, context: DubanContext) -> None:
    """A photo, file, voice note or video: evidence for the visit or item it belongs to."""
    await context.work(route_media, media_in(update.message))


async def on_location(update: Update, context: DubanContext) -> None:
    """A shared location: a company's place being set, or arrival on the open visit."""
    message = update.message
    location = message.location
    chosen = message.venue is not None  # a place picked from a list, not where the phone is
    await context.work(
        presence.receive_location, location.latitude, location.longitude, chosen=chosen
    )


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
        platform=TELEGRAM,
    )
