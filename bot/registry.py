"""Every command and button of Duban, read top to bottom.

Each module below declares its actions beside the functions that do them (bot/actions.py);
the order here, and within a module the order of definition, is the order of the command
menus and of /help. A new module of actions is added to this list.
"""

from __future__ import annotations

from bot.actions import Registry
from bot.services import (
    account_unlinking,
    acks,
    admin_users,
    assignments,
    card_progress,
    closeout,
    digest,
    escalation,
    exports,
    extensions,
    findings,
    history,
    invitations,
    item_actions,
    item_card,
    leaders,
    levels,
    lookback,
    mine,
    notices,
    presence,
    registration,
    reports,
    review_queue,
    settings,
    sheet_import,
    stuck,
    visits,
    waiting,
)

# Menus follow this order: /invite /users, /leaders, /queue, /company, /stuck, /acks,
# /waiting, /settings /holiday /period, /visit /done /visits, /mine, /item, /report, /notices,
# /export, /history, then /lang /help (and /start, offered to strangers only).
ACTIONS = Registry.collect(
    (
        admin_users,
        account_unlinking,
        leaders,
        invitations,
        review_queue,
        assignments,
        presence,
        stuck,
        acks,
        waiting,
        settings,
        visits,
        findings,
        mine,
        item_card,
        item_actions,
        card_progress,
        closeout,
        extensions,
        escalation,
        levels,
        lookback,
        digest,
        reports,
        notices,
        exports,
        sheet_import,
        history,
        registration,
    )
)
