"""The finding and evidence buttons shown during a visit (bot/services/findings.py)."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import findings

# --- buttons ------------------------------------------------------------------------------


def _tapped(update: Update) -> int | None:
    """The id of the message whose button was tapped (to rewrite it in place)."""
    message = update.callback_query.message if update.callback_query else None
    return message.message_id if message is not None else None


async def tie_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(
        findings.tie_button,
        payload["finding"],
        payload["item"],
        payload["_token"],
        _tapped(update),
    )


async def new_item_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.new_item_button, payload["finding"])


async def deadline_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(
        findings.deadline_button, payload["finding"], payload["choice"], _tapped(update)
    )


async def later_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.later_button, payload["finding"])


async def move_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.move_button, payload["finding"])


async def withdraw_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.withdraw_button, payload["finding"], _tapped(update))


async def files_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.files_button, payload["finding"])


async def evidence_show_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.evidence_show, payload["evidence"])


async def evidence_move_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.evidence_move, payload["evidence"])


async def evidence_tie_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(
        findings.evidence_tie, payload["evidence"], payload["item"], payload["_token"]
    )


async def evidence_withdraw_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(findings.evidence_withdraw, payload["evidence"])
