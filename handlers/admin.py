"""/invite and /users for administrators."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import DubanContext
from bot.services import admin_users


async def invite(update: Update, context: DubanContext) -> None:
    """Start an invitation: role, unit (contacts), name, then the link."""
    await context.work(admin_users.invite_start)  # refuses anyone but an administrator


async def users(update: Update, context: DubanContext) -> None:
    """List everyone registered, each a button to manage them."""
    await context.work(admin_users.list_users)  # refuses anyone but an administrator


async def invite_role_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.invite_role, payload["role"])


async def invite_unit_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.invite_unit, payload["role"], payload["unit"])


async def invite_revoke_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.invite_revoke, payload.get("invitation"))


async def user_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.show_user, payload["person"])


async def role_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.change_role, payload["person"], payload["role"])


async def deactivate_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.deactivate, payload["person"])


async def handover_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.handover_choose, payload["person"])


async def handover_to_button(update: Update, context: DubanContext, payload: dict) -> None:
    await context.work(admin_users.handover, payload["person"], payload["to"])
