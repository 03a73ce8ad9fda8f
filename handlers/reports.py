"""/report, /export and /history, and their buttons: each hands one service the choice."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import exports, history, reports


def _menu_message(update: Update) -> int | None:
    """The message whose button was tapped (menus are edited in place)."""
    query = update.callback_query
    return query.message.message_id if query and query.message else None


def _choice(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if not key.startswith("_")}


async def report(update: Update, context: DubanContext) -> None:
    """Offer the report options; ``/report 科技局`` narrows it to one unit."""
    await context.work(reports.offer, " ".join(context.args or []))


async def report_choose_button(update: Update, context: DubanContext, payload: dict) -> None:
    """A period, area or town was chosen."""
    await context.work(reports.choose, _choice(payload), _menu_message(update))


async def report_pick_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Show the areas or towns to choose from."""
    await context.work(reports.pick, payload["state"], payload["what"], _menu_message(update))


async def report_units_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Show a page of the responsible units to choose from."""
    await context.work(
        reports.units, payload["state"], payload.get("page", 0), _menu_message(update)
    )


async def report_go_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Build the report with the options chosen."""
    await context.work(reports.go, _choice(payload), payload["_token"])


async def ranking_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Build the 通报 (ranking of units) as PDF and picture."""
    await context.work(reports.ranking, payload["_token"])


async def export(update: Update, context: DubanContext) -> None:
    """Offer what to export: everything, a town, a unit or a company."""
    await context.work(exports.offer)


async def export_scope_button(update: Update, context: DubanContext, payload: dict) -> None:
    """List the towns, units or companies to export."""
    await context.work(exports.pick, payload["by"], payload.get("town"), _menu_message(update))


async def export_formats_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Offer the formats for the chosen scope."""
    await context.work(exports.formats, _choice(payload), _menu_message(update))


async def export_go_button(update: Update, context: DubanContext, payload: dict) -> None:
    """Build the workbook (or the .zip with evidence, or the company dossier)."""
    await context.work(exports.go, payload["filter"], payload["format"], payload["_token"])


async def history_command(update: Update, context: DubanContext) -> None:
    """Show an item's full history: ``/history 2024-012``."""
    await context.work(history.show_by_code, " ".join(context.args or []))


async def history_button(update: Update, context: DubanContext, payload: dict) -> None:
    """The history of the item whose card or message had the button."""
    await context.work(history.show, payload["item"])


async def album_button(update: Update, context: DubanContext, payload: dict) -> None:
    """The item's photos as albums."""
    await context.work(history.album, payload["item"])


async def dossier_button(update: Update, context: DubanContext, payload: dict) -> None:
    """The item's dossier as a PDF for a meeting."""
    await context.work(history.dossier, payload["item"], payload["_token"])
