"""/item for everyone registered, and the office's /queue of items and companies to complete."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import assignments, item_card, review_queue


async def item(update: Update, context: DubanContext) -> None:
    """Show an item's card: /item <code> or /item <words>."""
    await context.work(item_card.item_command, " ".join(context.args or []))


async def queue(update: Update, context: DubanContext) -> None:
    """List what inspectors created that the office must complete."""
    await context.work(review_queue.queue_command)


async def show_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(item_card.item_button, payload["item"])


async def queue_item_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.item_button, payload["item"])


async def complete_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.complete_button, payload["item"])


async def unit_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.unit_button, payload["item"], payload["unit"])


async def keep_deadline_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.keep_deadline_button, payload["item"], payload["unit"])


async def merge_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.merge_button, payload["item"])


async def merge_into_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.merge_into_button, payload["item"], payload["into"])


async def reject_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.reject_button, payload["item"])


async def company_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.company_button, payload["company"])


async def company_ok_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.company_ok_button, payload["company"])


async def company_town_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.company_town_button, payload["company"], payload["town"])


async def company_merge_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.company_merge_button, payload["company"])


async def company_into_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.company_into_button, payload["company"], payload["into"])


async def company_reject_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(review_queue.company_reject_button, payload["company"])


def _tapped_message(update: Update) -> int | None:
    """The menu message whose button was tapped (the inspector menu is edited in place)."""
    query = update.callback_query
    return query.message.message_id if query and query.message else None


async def assign_menu_button(update: Update, context: DubanContext, payload: dict) -> None:
    """👤 指派督查: a page of inspectors to assign to the item, or remove (from the card a
    new message, so the card stays; from the menu's own page buttons an edit)."""
    tapped = None if payload.get("new") else _tapped_message(update)
    await context.work(assignments.menu, payload["item"], payload.get("page", 0), tapped)


async def assign_set_button(update: Update, context: DubanContext, payload: dict) -> None:
    """A name in the inspector menu: assign or remove that inspector."""
    await context.work(
        assignments.set_assignment,
        payload["item"],
        payload["person"],
        payload["on"],
        payload.get("page", 0),
        _tapped_message(update),
    )
