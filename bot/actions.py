"""Commands, buttons and dialog steps, each declared once beside the service function that
does it.

    @command("visit", roles=INSPECTORS, help="cmd.visit", refusal="visit.inspectors_only")
    def visit_command(work: Work, text: str) -> None: ...

    @button("finding.tie", roles=INSPECTORS)
    def tie(work: Work, finding: int, item: int) -> None: ...

    button_to(tie, work.t("finding.btn_tie"), finding=3, item=7)

A command's function takes the Work and, if it wants them, the words after the command. A
button's function takes the Work and keyword arguments; ``button_to`` checks them against
its signature when the button is made, not when someone taps it weeks later. The tapped
button itself (its token, the message it sat under) is ``work.tap``. A dialog step
(``step``) answers a question the bot asked: the router (bot/services/router.py) gives it
the typed text or the sent file.

bot/registry.py collects the declarations of the modules it lists, in order: that is the
order of the command menus and /help, built from the same declarations. A platform's
dispatcher (handlers/dispatch.py for Telegram) resolves a command or a button's token to
its ``Action`` and ``perform`` (bot/runtime/dispatch.py) checks the role — a pre-filter
only: whether this person may see or verify this item is asked in
bot/domain/permissions.py — and calls the function in the update's one transaction.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

from bot.chat import Button
from bot.domain.lifecycle import Role

F = TypeVar("F", bound=Callable[..., Any])

EVERYONE: frozenset[Role] = frozenset(Role)
ADMINS = frozenset({Role.ADMIN})
INSPECTORS = frozenset({Role.INSPECTOR})
CONTACTS = frozenset({Role.CONTACT})
OFFICE = frozenset({Role.ADMIN, Role.LEADER})


@dataclass(frozen=True)
class Action:
    """What a command, a button or a dialog step does and who may ask for it.

    ``kind``: command, button, or the dialog step that takes a typed ``text`` or a sent
    ``media`` file while the bot waits for one (its name is the prefix of the dialog states
    it answers, bot/services/router.py).
    ``strangers``: someone not (or no longer) registered may use it (/start).
    ``refusal``: the catalogue key that explains a refusal to a registered person whose
    role is not in ``roles``. ``help``: a command's one line in /help and the menu, shown
    to ``shown_to`` (its roles unless said otherwise).
    """

    kind: str
    name: str
    fn: Callable[..., None]
    roles: frozenset[Role]
    refusal: str
    help: str | None = None
    strangers: bool = False
    takes_text: bool = False
    shown_to: frozenset[Role] | None = None

    def allows(self, role: Role | None) -> bool:
        return self.strangers if role is None else role in self.roles

    @functools.cached_property
    def signature(self) -> inspect.Signature:
        """The function's parameters, read once (a reminder pass makes a thousand buttons)."""
        return inspect.signature(self.fn)


# Every declared function and its action; bot/registry.py collects them module by module.
_DECLARED: dict[Callable[..., Any], Action] = {}
# (button, argument names) that ``button_to`` found to fit the button's signature: a reminder
# pass makes hundreds of the same buttons, and binding a signature is slow.
_FITTING: set[tuple[Callable[..., Any], frozenset[str]]] = set()


def command(
    name: str,
    *,
    roles: frozenset[Role],
    help: str,
    refusal: str = "admin.only",
    strangers: bool = False,
    shown_to: frozenset[Role] | None = None,
) -> Callable[[F], F]:
    """Declare ``/name``; the function takes the Work and, if it has a second parameter,
    the text after the command."""

    def declare(fn: F) -> F:
        takes_text = len(inspect.signature(fn).parameters) > 1
        action = Action("command", name, fn, roles, refusal, help, strangers, takes_text, shown_to)
        _DECLARED[fn] = action
        return fn

    return declare


def button(
    name: str, *, roles: frozenset[Role] = EVERYONE, refusal: str = "admin.only"
) -> Callable[[F], F]:
    """Declare a button action; ``name`` is stored with every button made for it."""

    def declare(fn: F) -> F:
        _DECLARED[fn] = Action("button", name, fn, roles, refusal)
        return fn

    return declare


def step(
    states: str,
    *,
    takes: str = "text",
    roles: frozenset[Role] = EVERYONE,
    refusal: str = "text.no_context",
) -> Callable[[F], F]:
    """Declare the answer to a question the bot asked: the function takes the Work, the
    dialog's state and data, and the typed text (``takes="text"``) or the file
    (``takes="media"``) for every dialog state that starts with ``states``. Someone whose
    role no longer fits (changed since the question) has the dialog dropped and is told
    ``refusal``."""

    def declare(fn: F) -> F:
        _DECLARED[fn] = Action(takes, states, fn, roles, refusal)
        return fn

    return declare


def button_to(fn: Callable[..., Any], label: str, /, **arguments: Any) -> Button:
    """A button that calls ``fn`` with ``arguments``; a TypeError now if they do not fit its
    signature (a missing or unknown argument), never weeks later at the tap."""
    action = _DECLARED.get(fn)
    if action is None or action.kind != "button":
        raise TypeError(f"{fn.__qualname__} is not declared as a button")
    names = (fn, frozenset(arguments))
    if names not in _FITTING:  # whether they fit depends on their names alone
        action.signature.bind(None, **arguments)
        _FITTING.add(names)
    return Button(label, action.name, arguments)


class Registry:
    """Every action by name: commands by their word, buttons by the name stored with
    their tokens (which must never change: buttons already in chats carry it)."""

    def __init__(self) -> None:
        self.commands: dict[str, Action] = {}
        self.buttons: dict[str, Action] = {}
        self.steps: dict[str, dict[str, Action]] = {"text": {}, "media": {}}

    @classmethod
    def collect(cls, modules: Iterable[ModuleType]) -> Registry:
        """The actions declared in ``modules``, in the order of the modules and, within
        one, of their definitions: the order of the menus and of /help."""
        registry = cls()
        for module in modules:
            for value in vars(module).values():
                if inspect.isfunction(value) and value.__module__ == module.__name__:
                    action = _DECLARED.get(value)
                    if action is not None:
                        registry.add(action)
        return registry

    def add(self, action: Action) -> None:
        tables = {"command": self.commands, "button": self.buttons, **self.steps}
        table = tables[action.kind]
        if action.name in table:
            raise ValueError(f"{action.name} is declared twice")
        table[action.name] = action

    def step_for(self, takes: str, state: str) -> Action | None:
        """The step answering a dialog in ``state`` with a text or a file."""
        for prefix, action in self.steps[takes].items():
            if state.startswith(prefix):
                return action
        return None

    def menu(self, role: Role | None) -> list[Action]:
        """The commands this role (None: someone unregistered) is offered, in order."""
        if role is None:
            return [a for a in self.commands.values() if a.strangers]
        return [
            a
            for a in self.commands.values()
            if role in (a.roles if a.shown_to is None else a.shown_to)
        ]
