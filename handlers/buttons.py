"""Every inline button press: resolve its token on the server, check it, dispatch it.

callback_data comes from the client and can be forged or replayed, so it carries only a
token; what the button means, and whom it was for, is read from the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import DubanContext
from bot.i18n import t
from bot.work import TapAnswer
from handlers.access import answer_quietly
from storage import buttons

ButtonAction = Callable[[Update, DubanContext, dict], Awaitable[None]]


def make_button_handler(actions: dict[str, ButtonAction]):
    async def on_button(update: Update, context: DubanContext) -> None:
        """Resolve the pressed button and run its action, or refuse politely."""
        query = update.callback_query
        data = query.data if isinstance(query.data, str) else ""  # PTB checks no types
        press = await context.services.store.run(buttons.resolve, data)
        now = context.services.clock.now()
        refusal = None
        if press is None or press.action not in actions or now >= press.expires_at:
            refusal = "error.button_expired"
        elif context.person is None or press.person_id != context.person.id:
            refusal = "error.button_not_yours"
        if refusal:
            await answer_quietly(update, t(context.lang, refusal))
            return
        # Answered after the action: a stale or repeated tap is told so where it was tapped.
        context.tap = TapAnswer()
        try:
            await actions[press.action](update, context, press.payload | {"_token": press.token})
        finally:
            await answer_quietly(update, context.tap.text, alert=context.tap.alert)

    return on_button
