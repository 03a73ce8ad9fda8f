"""Which commands each role has: the one list behind /help and the Telegram command menu."""

from __future__ import annotations

from bot.domain.lifecycle import Role

# (command, catalogue key of its one-line description)
ROLE_COMMANDS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.INSPECTOR: (
        ("visit", "cmd.visit"),
        ("done", "cmd.done"),
        ("item", "cmd.item"),
        ("visits", "cmd.visits"),
        ("report", "cmd.report"),
        ("history", "cmd.history"),
        ("lang", "cmd.lang"),
        ("help", "cmd.help"),
    ),
    Role.CONTACT: (
        ("mine", "cmd.mine"),
        ("item", "cmd.item"),
        ("report", "cmd.report"),
        ("history", "cmd.history"),
        ("lang", "cmd.lang"),
        ("help", "cmd.help"),
    ),
    Role.ADMIN: (
        ("invite", "cmd.invite"),
        ("users", "cmd.users"),
        ("queue", "cmd.queue"),
        ("company", "cmd.company"),
        ("stuck", "cmd.stuck"),
        ("acks", "cmd.acks"),
        ("settings", "cmd.settings"),
        ("holiday", "cmd.holiday"),
        ("period", "cmd.period"),
        ("item", "cmd.item"),
        ("report", "cmd.report"),
        ("export", "cmd.export"),
        ("history", "cmd.history"),
        ("lang", "cmd.lang"),
        ("help", "cmd.help"),
    ),
    Role.LEADER: (
        ("item", "cmd.item"),
        ("report", "cmd.report"),
        ("export", "cmd.export"),
        ("history", "cmd.history"),
        ("lang", "cmd.lang"),
        ("help", "cmd.help"),
    ),
}

# What someone who is not registered sees in the menu.
STRANGER_COMMANDS: tuple[tuple[str, str], ...] = (("start", "cmd.start"),)


def commands_for(role: Role | None) -> tuple[tuple[str, str], ...]:
    return STRANGER_COMMANDS if role is None else ROLE_COMMANDS[role]
