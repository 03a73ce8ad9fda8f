"""Each role's command menu (built from the registry, bot/registry.py) is what that role
may do: every command in it works for the role, every command outside it is refused with a
polite line.

A command's menu and its role pre-filter are declared together, but rules inside the
services (bot/domain/permissions.py) may still refuse: nothing else stops them drifting
apart, a command offered to a role but refused to it, or one a role may use but never sees
in /help.
"""

from __future__ import annotations

import asyncio

from bot.domain.lifecycle import Role
from bot.domain.permissions import NotAdmin, ReportsNotForYou
from bot.i18n import t
from bot.registry import ACTIONS
from sandbox.phones import Phone
from tests.harness import Duban, office

# The lines a service answers with when the person's role may not use the command: the
# permission module's refusals, the two role checks of /visit and /mine, and (below) every
# refusal a command declares.
REFUSALS = (NotAdmin.key, "visit.inspectors_only", "mine.contacts_only", ReportsNotForYou.key)


async def test_each_role_may_use_exactly_the_commands_in_its_menu(duban: Duban) -> None:
    """Every role sends every command bare; the reply is a refusal exactly for the commands
    its menu (and so its /help) leaves out."""
    phones = {Role.ADMIN: await office(duban)}
    phones[Role.INSPECTOR] = await duban.register(6101, "王督查", Role.INSPECTOR)
    phones[Role.CONTACT] = await duban.register(6102, "李联络", Role.CONTACT, unit="县住建局")
    phones[Role.LEADER] = await duban.register(6103, "赵领导", Role.LEADER)
    await duban.settle()  # the administrator's notices that the invitations were used
    declared = {action.refusal for action in ACTIONS.commands.values()}
    refusals = {t("zh", key) for key in (*REFUSALS, *declared)}
    strangers_only = {action.name for action in ACTIONS.menu(None)}

    async def misfits(role: Role, phone: Phone) -> list[tuple[str, str, str]]:
        """The commands whose answer disagrees with the role's menu: (role, command, reply)."""
        menu = {action.name for action in ACTIONS.menu(role)}
        phone.skip_to_end()
        wrong = []
        for command in sorted(set(ACTIONS.commands) - strangers_only):
            await phone.send(f"/{command}")
            reply = await phone.expect_message()
            if (reply.text in refusals) == (command in menu):
                wrong.append((role.value, command, reply.text))
        return wrong

    # The roles are asked side by side (each its own chat), so the test takes a quarter
    # of the time; within a chat, one command is answered before the next is sent.
    found = await asyncio.gather(*(misfits(role, phone) for role, phone in phones.items()))
    assert [misfit for wrong in found for misfit in wrong] == []
