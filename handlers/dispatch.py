"""Every command and inline button of the registry (bot/registry.py), as Telegram sends them.

callback_data comes from the client and can be forged or replayed, so it carries only a
token; what the button means, and whom it was for, is read from the database.
"""

from __future__ import annotations

from telegram import Update

from bot.chat import Tap
from bot.i18n import t
from bot.registry import ACTIONS
from bot.runtime.context import DubanContext
from bot.runtime.dispatch import perform
from bot.services import registration
from handlers.access import answer_quietly
from storage import buttons


async def on_command(update: Update, context: DubanContext) -> None:
    """A command of the registry, with the words after it if its function takes them."""
    word = update.message.text.split()[0][1:].split("@")[0].lower()
    action = ACTIONS.commands[word]
    args = (" ".join(context.args or []),) if action.takes_text else ()
    await context.work(perform, action, *args)


async def on_unknown_command(update: Update, context: DubanContext) -> None:
    """A command no declaration has: answered as such, with /help."""
    text = update.message.text if isinstance(update.message.text, str) else ""
    await context.work(registration.unknown_command, text.split()[0] if text else "")


async def on_button(update: Update, context: DubanContext) -> None:
    """Resolve the pressed button and run its action, or refuse politely."""
    query = update.callback_query
    data = query.data if isinstance(query.data, str) else ""  # PTB checks no types
    press = await context.resources.store.run(buttons.resolve, data)
    now = context.resources.clock.now()
    refusal = None
    if press is None or press.action not in ACTIONS.buttons or now >= press.expires_at:
        refusal = "error.button_expired"
    elif context.person is None or press.person_id != context.person.id:
        refusal = "error.button_not_yours"
    if refusal:
        await answer_quietly(update, t(context.lang, refusal))
        return
    # Answered after the action: a stale or repeated tap is told so where it was tapped.
    message = query.message
    context.tap = Tap(press.token, message.message_id if message is not None else None)
    try:
        await context.work(perform, ACTIONS.buttons[press.action], **press.payload)
    finally:
        await answer_quietly(update, context.tap.text, alert=context.tap.alert)
