"""A small module of declared actions, for the registry's own tests (test_registry.py) and
the desk's (tests/service/test_desk.py): two commands, a stranger's command, two buttons,
a dialog step, and a function left undeclared. Its names are not Duban's; bot/registry.py
never lists it.
"""

from __future__ import annotations

from bot.actions import ADMINS, EVERYONE, INSPECTORS, button, button_to, command, step
from bot.domain.permissions import NotAdmin
from bot.runtime.work import Work


@command("alpha", roles=EVERYONE, help="cmd.help")
def alpha(work: Work) -> None:
    """Offers a button to ``pick`` with the first item."""
    work.reply("help.title", keyboard=[[button_to(pick, "一", item=1)]])


@command("beta", roles=ADMINS, help="cmd.invite", refusal=NotAdmin.key)
def beta(work: Work, text: str) -> None:
    """Echoes the words after the command (a command that takes text)."""
    if work.chat is not None:
        work.send(work.chat, f"beta:{text}")


@command("gamma", roles=EVERYONE, help="cmd.start", strangers=True, shown_to=frozenset())
def gamma(work: Work) -> None:
    work.reply("help.title")


@button("fake.pick", roles=INSPECTORS, refusal="visit.inspectors_only")
def pick(work: Work, item: int, page: int = 0) -> None:
    """Says which item was picked, and answers the tap where it was made."""
    work.reply("help.title")
    work.answer_tap("lang.set")
    if work.chat is not None:
        work.send(work.chat, f"picked:{item}:{page}:{work.tap.message_id if work.tap else None}")


@button("fake.other")
def other(work: Work) -> None:
    work.reply("help.title")


@step("fake.ask", roles=INSPECTORS)
def answer(work: Work, state: str, data: dict, text: str) -> None:
    """Answers the question a dialog in a ``fake.ask…`` state waits on."""
    work.reply("help.title")


def undeclared(work: Work, item: int) -> None:
    work.reply("help.title")
