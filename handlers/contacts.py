"""Contacts' follow-up, the office's decisions and settings: commands and buttons."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import (
    acks,
    closeout,
    digest,
    escalation,
    extensions,
    item_actions,
    lookback,
    mine,
    settings,
)


async def mine_command(update: Update, context: DubanContext) -> None:
    """List the contact's unit's open items, most urgent first."""
    await context.work(mine.my_items)


async def acks_command(update: Update, context: DubanContext) -> None:
    """List the acknowledgements (签收) units still owe."""
    await context.work(acks.list_open)


async def settings_command(update: Update, context: DubanContext) -> None:
    """Show the reminder policy, each setting a button to change it."""
    await context.work(settings.show)


async def holiday_command(update: Update, context: DubanContext) -> None:
    """Mark a day as working day or holiday: /holiday 2024-10-12 on|off."""
    await context.work(settings.holiday, " ".join(context.args or []))


async def period_command(update: Update, context: DubanContext) -> None:
    """Start a new period; unfinished items roll over: /period <name>."""
    await context.work(settings.new_period, " ".join(context.args or []))


async def progress_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Start a progress report (报告进展) on the item."""
    await context.work(item_actions.start, item_actions.PROGRESS, payload["item"])


async def closeout_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Start a close-out request (申请销号) on the item."""
    await context.work(item_actions.start, item_actions.CLOSEOUT, payload["item"])


async def submit_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Submit the report or request being collected."""
    await context.work(item_actions.submit)


async def cancel_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Drop the report or request being collected."""
    await context.work(item_actions.cancel)


async def extension_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Start an extension request (延期申请)."""
    await context.work(extensions.start, payload["item"])


async def extension_approve_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Approve an extension request."""
    await context.work(extensions.decide, payload["request"], True)


async def extension_refuse_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Refuse an extension request."""
    await context.work(extensions.decide, payload["request"], False)


async def approve_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Approve a close-out (销号)."""
    await context.work(closeout.approve, payload["request"])


async def return_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Return a close-out (退办); the reason is asked next."""
    await context.work(closeout.return_start, payload["request"])


async def escalate_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Escalate the item by hand (提级)."""
    await context.work(escalation.raise_level, payload["item"])


async def meeting_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Mark or unmark the item for a joint meeting (专题会商)."""
    await context.work(escalation.joint_meeting, payload["item"])


async def ack_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Acknowledge (签收) the items the button lists."""
    await context.work(acks.acknowledge, payload["acks"])


async def lookback_holds_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Confirm a look-back: the fix holds."""
    await context.work(lookback.confirm, payload["lookback"])


async def lookback_reopen_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Reopen after a look-back; the finding is asked next."""
    await context.work(lookback.reopen_start, payload["lookback"])


async def setting_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Ask for a new value of one setting."""
    await context.work(settings.choose, payload["key"])


async def digest_full_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Build the week's full report (a workbook) for the digest's reader."""
    await context.work(digest.full_report, payload["week"])
