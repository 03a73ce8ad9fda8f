"""/start, /help and /lang."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import registration
from bot.services.invitations import Redeemer


async def start(update: Update, context: DubanContext) -> None:
    """Register with an invitation code, or greet someone already registered."""
    code = context.args[0] if context.args else None
    await context.work(registration.start, code, context.lang, _redeemer(update))


async def accept_button(update: Update, context: DubanContext, payload: dict) -> None:
    """A registered person confirms the change an invitation makes."""
    await context.work(
        registration.accept_change,
        payload.get("invitation"),
        _redeemer(update),
        _tapped_message(update),
    )


async def keep_button(update: Update, context: DubanContext, payload: dict) -> None:
    """A registered person keeps their registration; the invitation stays unused."""
    await context.work(registration.keep_as_is, payload.get("invitation"), _tapped_message(update))


def _tapped_message(update: Update) -> int | None:
    """The confirmation question, edited into its answer."""
    query = update.callback_query
    return query.message.message_id if query and query.message else None


def _redeemer(update: Update) -> Redeemer:
    """Who is tapping the link, as Telegram names them: the inviter is told exactly this."""
    user = update.effective_user
    return Redeemer(user.id, user.full_name, user.username)


async def help_command(update: Update, context: DubanContext) -> None:
    """List the commands of this person's role."""
    await context.work(registration.show_help)


async def lang(update: Update, context: DubanContext) -> None:
    """Offer the two languages as buttons."""
    await context.work(registration.choose_language)


async def lang_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Switch the person's language."""
    await context.work(registration.set_language, payload.get("lang", ""))
