"""Every command and button is declared once, beside its function (bot/actions.py), and
collected by bot/registry.py; these tests fail when a declaration and its use drift apart.

A command missing from /help or from a role's menu is one nobody finds. A declaration in a
module the registry does not list is never wired: its buttons answer "this button has
expired" on their first tap. A button made with arguments its function does not take fails
only weeks later, at the tap, so every ``button_to`` call is read here and bound to its
function's signature. A button made by hand (``Button(label, "name", {...})``) escapes that
check, so none may be. And the services and the domain speak no platform: the last guard
keeps Telegram's vocabulary out of them.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import bot.services
from bot.actions import Action, Registry, button_to
from bot.chat import Button, CommandMenu, Text
from bot.domain.lifecycle import Role
from bot.i18n import LANGUAGES, t
from bot.i18n.catalogue import CATALOGUE
from bot.registry import ACTIONS
from storage import people
from tests.guards import fake_actions
from tests.recording import Recording
from tests.report_seed import _person

ROOT = Path(__file__).resolve().parents[2]
# Where buttons are made: the services, the builders off the event loop, the adapter.
BUTTON_MAKERS = (ROOT / "bot", ROOT / "handlers")
# The one module allowed to construct a Button: button_to's own.
BUTTON_MAKER = ROOT / "bot" / "actions.py"
# Telegram's rule for a BotCommand (setMyCommands refuses anything else).
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
DESCRIPTION_LIMIT = 256
# Commands every registered person needs, whatever their role.
EVERYONE_NEEDS = {"help", "lang"}
# Telegram's vocabulary, which no service or domain module may speak (issue 13).
PLATFORM_WORDS = re.compile(
    r"\b(chat_id|reply_markup|InlineKeyboardMarkup|sendMessage|editMessageText|sendPhoto"
    r"|sendDocument|sendMediaGroup|sendVideo|sendVoice|deleteMessage|setMyCommands"
    r"|answerCallbackQuery|sendChatAction)\b"
)
TELEGRAM_IMPORT = re.compile(r"^\s*(from|import)\s+telegram\b", re.MULTILINE)
NEUTRAL_FOLDERS = (ROOT / "bot" / "services", ROOT / "bot" / "domain")

# fmt: off
# Every button name stored with tokens before the registry (the legacy BUTTON_ACTIONS at
# issue 13's start). Buttons already in people's chats carry these names for 30 days
# (BUTTON_LIFETIME), so each must stay declared under exactly this name.
NAMES_IN_CHATS = frozenset({
    "ack", "assign.menu", "assign.set", "co.approve", "co.return", "digest.full",
    "esc.meeting", "esc.raise", "evidence.move", "evidence.show", "evidence.tie",
    "evidence.withdraw", "export.formats", "export.go", "export.scope", "ext.approve",
    "ext.refuse", "ext.start", "finding.deadline", "finding.files", "finding.later",
    "finding.move", "finding.new", "finding.tie", "finding.withdraw", "fu.cancel",
    "fu.closeout", "fu.progress", "fu.submit", "import.cancel", "import.confirm",
    "invite.accept", "invite.keep", "invite.revoke", "invite.role", "invite.unit",
    "item.album", "item.attach", "item.dossier", "item.history", "item.show", "lang",
    "lb.holds", "lb.reopen", "place.company", "place.confirm", "place.reject", "place.set",
    "queue.company", "queue.company_into", "queue.company_merge", "queue.company_ok",
    "queue.company_reject", "queue.company_town", "queue.complete", "queue.item",
    "queue.keep", "queue.merge", "queue.merge_into", "queue.reject", "queue.unit",
    "report.choose", "report.go", "report.pick", "report.ranking", "report.units",
    "settings.key", "stuck.replay", "users.deactivate", "users.handover",
    "users.handover_to", "users.role", "users.show", "visit.company", "visit.done",
    "visit.join", "visit.new_company", "visit.new_company_town", "visit.town",
    "visit.towns",
})
# Every command before the registry: none may be lost on the way into it.
COMMANDS_BEFORE = frozenset({
    "acks", "company", "done", "export", "help", "history", "holiday", "invite", "item",
    "lang", "mine", "period", "queue", "report", "settings", "start", "stuck", "users",
    "visit", "visits",
})
# fmt: on


def menu_names(role: Role | None) -> list[str]:
    return [action.name for action in ACTIONS.menu(role)]


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording.open(tmp_path / "duban.sqlite")
    yield recording
    recording.close()


def registered(recording: Recording, role: Role, lang: str) -> int:
    """A person of this role and language (seeded as tests/report_seed.py seeds people)."""
    unit = "科技局" if role is Role.CONTACT else None
    person_id = _person(recording.db, "测试", role, unit, 7001)
    people.set_language(recording.db, person_id, lang)
    return person_id


# --- commands: menus and /help ------------------------------------------------------------


def test_commands_are_ones_telegram_accepts() -> None:
    """Each command's name is one setMyCommands accepts, and its description 1–256
    characters in both languages."""
    assert ACTIONS.commands, "the registry holds no commands"
    for name, action in ACTIONS.commands.items():
        assert COMMAND_NAME.fullmatch(name), name
        assert action.help is not None
        for lang in LANGUAGES:
            assert 1 <= len(t(lang, action.help)) <= DESCRIPTION_LIMIT, (name, lang)


def test_every_command_is_offered_to_someone() -> None:
    """A command in no role's menu (and not a stranger's) is one nobody finds; and each is
    offered exactly to the roles it is shown to."""
    offered = {name for role in [*Role, None] for name in menu_names(role)}
    assert set(ACTIONS.commands) - offered == set()
    for name, action in ACTIONS.commands.items():
        shown_to = action.roles if action.shown_to is None else action.shown_to
        for role in Role:
            assert (name in menu_names(role)) == (role in shown_to), (name, role)


def test_every_role_can_get_help_and_change_language() -> None:
    """/help and /lang are in every registered role's menu, and every role may use them:
    without them a person cannot find the rest or read it in their language."""
    for role in Role:
        assert set(menu_names(role)) >= EVERYONE_NEEDS, role
        for name in EVERYONE_NEEDS:
            assert ACTIONS.commands[name].allows(role), (name, role)


def test_strangers_see_start_only() -> None:
    """Someone not registered is offered /start (to redeem an invitation) and nothing else,
    and no registered person sees it."""
    assert menu_names(None) == ["start"]
    assert ACTIONS.commands["start"].allows(None)
    assert all("start" not in menu_names(role) for role in Role)


def expected_lines(role: Role, lang: str) -> list[str]:
    return [f"/{action.name} — {t(lang, action.help or '')}" for action in ACTIONS.menu(role)]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", list(Role))
def test_help_lists_the_roles_commands_in_its_language(
    recording: Recording, role: Role, lang: str
) -> None:
    """/help shows exactly the role's menu, in order: each command with its description in
    the reader's language, nothing the role does not have."""
    desk = recording.desk(registered(recording, role, lang))
    desk.send("/help")
    help_message = desk.expect(t(lang, "help.title"))
    assert isinstance(help_message.message, Text)
    assert help_message.text.split("\n") == [t(lang, "help.title"), *expected_lines(role, lang)]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", list(Role))
def test_command_menu_matches_help_in_its_language(
    recording: Recording, role: Role, lang: str
) -> None:
    """Choosing a language (/lang, then its button) sets the chat's command menu: the same
    commands and descriptions as /help, in that language."""
    other = next(language for language in LANGUAGES if language != lang)
    desk = recording.desk(registered(recording, role, other))
    desk.send("/lang")
    desk.tap(t(lang, f"lang.{lang}"))
    menus = [shown for shown in desk.shown if isinstance(shown.message, CommandMenu)]
    assert menus, "choosing a language set no command menu"
    menu = menus[-1].message
    assert isinstance(menu, CommandMenu)
    expected = tuple((a.name, t(lang, a.help or "")) for a in ACTIONS.menu(role))
    assert menu.commands == expected


def test_every_command_of_before_is_still_declared() -> None:
    assert sorted(COMMANDS_BEFORE - set(ACTIONS.commands)) == []


def test_buttons_already_in_chats_still_lead_somewhere() -> None:
    """A button name dropped or renamed answers "this button has expired" to every button
    of that kind already sent."""
    assert sorted(NAMES_IN_CHATS - set(ACTIONS.buttons)) == []


def test_every_description_and_refusal_is_in_the_catalogue() -> None:
    """A declaration's help line and refusal are catalogue keys with both languages."""
    missing = []
    for action in every_action(ACTIONS):
        for key in filter(None, (action.help, action.refusal)):
            entry = CATALOGUE.get(key)
            if entry is None or any(not entry.get(lang) for lang in LANGUAGES):
                missing.append((action.name, key))
    assert missing == []


# --- every declaration is collected --------------------------------------------------------


def service_modules() -> list[ModuleType]:
    """Every module under bot/services, imported (so each declaration in it is made)."""
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(bot.services.__path__, "bot.services.")
    ]


def every_action(registry: Registry) -> list[Action]:
    """Its commands, buttons and dialog steps."""
    steps = [action for table in registry.steps.values() for action in table.values()]
    return [*registry.commands.values(), *registry.buttons.values(), *steps]


def test_every_declared_action_is_collected_by_the_registry() -> None:
    """A function declared in a module bot/registry.py does not list is never wired."""
    collected = {action.fn for action in every_action(ACTIONS)}
    missed = sorted(
        f"{action.fn.__module__}.{action.fn.__qualname__}"
        for action in every_action(Registry.collect(service_modules()))
        if action.fn not in collected
    )
    assert missed == [], "declared in a module the registry does not list"


def test_declarations_sit_in_the_services() -> None:
    """Actions are declared beside the service functions that do them, not in an adapter
    or a builder, where the registry would not look."""
    services = ROOT / "bot" / "services"
    outside = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in source_files()
        if services not in path.parents and path != BUTTON_MAKER
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call)
        and callee_name(decorator) in {"command", "button", "step"}
    ]
    assert outside == []


# --- every button made is declared, with arguments its function takes ----------------------


def source_files() -> list[Path]:
    return [path for folder in BUTTON_MAKERS for path in sorted(folder.rglob("*.py"))]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported_names(tree: ast.Module, module: str) -> dict[str, str]:
    """Every name an import statement anywhere in the file binds (module level or inside
    a function, as imports that avoid a cycle are), and the dotted path it stands for."""
    names = {}
    package = module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def resolve(dotted: str) -> Any:
    """The object a dotted path names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for part in parts[cut:]:
            value = getattr(value, part)
        return value
    raise LookupError(dotted)


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a name or a chain of attributes; None for any other expression."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def callee_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def calls_to(name: str, skip: Path | None = None) -> Iterator[tuple[Path, ast.Module, ast.Call]]:
    for path in source_files():
        if path == skip:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and callee_name(node) == name:
                yield path, tree, node


def function_named(target: ast.expr, tree: ast.Module, module: str) -> Callable[..., Any] | None:
    """The function a ``button_to`` call names (``fn``, ``module.fn``, imported anywhere in
    the file or defined in it); None if the expression is not such a name."""
    name = dotted(target)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    path_of = imported_names(tree, module).get(head, f"{module}.{head}")
    try:
        found = resolve(f"{path_of}.{rest}" if rest else path_of)
    except (LookupError, AttributeError):
        return None
    return found if inspect.isfunction(found) else None


def buttons_made() -> list[tuple[str, Callable[..., Any] | None, list[str | None]]]:
    """(where, function, keyword names) for every ``button_to(fn, label, k=…)`` call; the
    function is None where the call does not name one the scan can find."""
    made = []
    for path, tree, call in calls_to("button_to", skip=BUTTON_MAKER):
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        function = function_named(call.args[0], tree, module_name(path)) if call.args else None
        made.append((where, function, [keyword.arg for keyword in call.keywords]))
    return made


def test_every_button_made_is_declared_and_its_arguments_fit() -> None:
    """Each ``button_to`` names a function the registry holds as a button, and its keyword
    arguments bind to that function's signature: a missing or unknown one fails here, not
    weeks later at the tap."""
    made = buttons_made()
    assert made, "the scan found no button_to calls at all"
    wrong = []
    buttons = {action.fn for action in ACTIONS.buttons.values()}
    for where, function, keywords in made:
        if function is None:
            wrong.append((where, "name the button's function itself: button_to(fn, label, …)"))
        elif function not in buttons:
            wrong.append((where, f"{function.__qualname__} is not a declared button"))
        else:
            named = dict.fromkeys(str(keyword) for keyword in keywords if keyword is not None)
            signature = inspect.signature(function)
            # A ** of a dict built at run time (a menu's state) cannot be read here: the
            # names written out must still fit, and button_to checks the rest when made.
            bind = signature.bind_partial if None in keywords else signature.bind
            try:
                bind(None, **named)
            except TypeError as error:
                wrong.append((where, f"{function.__qualname__}: {error}"))
    assert not wrong, "\n".join(f"{where}: {what}" for where, what in wrong)


def test_every_declared_button_is_made_somewhere() -> None:
    """A declared button no code makes is dead wiring that still answers forged taps."""
    made = {function for _, function, _ in buttons_made()}
    assert sorted(n for n, a in ACTIONS.buttons.items() if a.fn not in made) == []


def test_no_button_is_made_by_hand() -> None:
    """``Button(…)`` outside bot/actions.py skips the signature check of ``button_to``."""
    by_hand = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, _, call in calls_to("Button", skip=BUTTON_MAKER)
    ]
    assert not by_hand, "Button made by hand: use button_to(fn, label, …) at " + ", ".join(by_hand)


def test_the_scan_resolves_the_functions_buttons_name() -> None:
    """The scan is not blind: it finds a function imported inside a function or named
    through its module, and tells a name it cannot follow (a parameter) from a function."""
    source = (
        "def f(work, fn):\n"
        "    from tests.guards.fake_actions import pick\n"
        "    from tests.guards import fake_actions as actions\n"
        "    return button_to(pick, 'a', item=1), button_to(actions.pick, 'b', itme=1), "
        "button_to(fn, 'c')\n"
    )
    tree = ast.parse(source)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    found = [
        function_named(call.args[0], tree, "tests.guards.scratch")
        for call in calls
        if callee_name(call) == "button_to"
    ]
    assert found == [fake_actions.pick, fake_actions.pick, None]


# --- the registry itself, on a small module -------------------------------------------------


def test_collect_keeps_the_order_of_definition() -> None:
    """The menus and /help follow the modules' order and, within one, their definitions."""
    registry = Registry.collect([fake_actions])
    assert list(registry.commands) == ["alpha", "beta", "gamma"]
    assert list(registry.buttons) == ["fake.pick", "fake.other"]
    assert registry.commands["beta"].takes_text and not registry.commands["alpha"].takes_text


def test_a_dialog_step_answers_the_states_it_names() -> None:
    registry = Registry.collect([fake_actions])
    assert registry.step_for("text", "fake.ask.name") is not None
    assert registry.step_for("text", "fake.ask.name").fn is fake_actions.answer
    assert registry.step_for("media", "fake.ask.name") is None
    assert registry.step_for("text", "other.state") is None


def test_menu_is_per_role_and_strangers_see_their_own() -> None:
    registry = Registry.collect([fake_actions])
    assert [a.name for a in registry.menu(Role.ADMIN)] == ["alpha", "beta"]
    assert [a.name for a in registry.menu(Role.INSPECTOR)] == ["alpha"]
    assert [a.name for a in registry.menu(None)] == ["gamma"]


def test_a_name_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Registry.collect([fake_actions, fake_actions])
    registry = Registry()
    registry.add(Action("button", "x", fake_actions.other, frozenset(), "admin.only"))
    with pytest.raises(ValueError):
        registry.add(Action("button", "x", fake_actions.alpha, frozenset(), "admin.only"))
    registry.add(Action("command", "x", fake_actions.alpha, frozenset(), "admin.only", "cmd.help"))


def test_button_to_makes_the_button_its_function_is_declared_as() -> None:
    assert button_to(fake_actions.pick, "一", item=3) == Button("一", "fake.pick", {"item": 3})
    assert button_to(fake_actions.pick, "二", item=3, page=2).payload == {"item": 3, "page": 2}


@pytest.mark.parametrize(
    "arguments",
    [{}, {"itme": 3}, {"item": 3, "extra": 1}, {"page": 1}],
    ids=["missing", "misspelt", "unknown", "only-optional"],
)
def test_button_to_refuses_arguments_its_function_does_not_take(arguments: dict) -> None:
    with pytest.raises(TypeError):
        button_to(fake_actions.pick, "一", **arguments)


def test_button_to_still_refuses_wrong_arguments_after_fitting_ones() -> None:
    """The check is remembered per button and set of argument names (a reminder pass makes
    hundreds of the same buttons): a button made right once does not let a misspelt or
    unknown argument through later."""
    assert button_to(fake_actions.pick, "一", item=3).payload == {"item": 3}
    assert button_to(fake_actions.pick, "二", item=4).payload == {"item": 4}
    with pytest.raises(TypeError):
        button_to(fake_actions.pick, "三", itme=5)
    with pytest.raises(TypeError):
        button_to(fake_actions.pick, "四", item=5, extra=1)


def test_button_to_refuses_what_is_not_a_declared_button() -> None:
    """A command, or a function nobody declared, cannot sit under a button."""
    with pytest.raises(TypeError):
        button_to(fake_actions.alpha, "一")
    with pytest.raises(TypeError):
        button_to(fake_actions.undeclared, "一", item=1)


def test_role_pre_filter() -> None:
    """``allows``: a role in the action's roles; someone unregistered only if strangers."""
    pick = Registry.collect([fake_actions]).buttons["fake.pick"]
    assert pick.allows(Role.INSPECTOR)
    assert not pick.allows(Role.CONTACT) and not pick.allows(None)
    gamma = Registry.collect([fake_actions]).commands["gamma"]
    assert gamma.allows(None) and gamma.allows(Role.LEADER)


# --- services and the domain speak no platform ---------------------------------------------


def platform_words() -> dict[str, list[str]]:
    """Each service or domain module that imports telegram or writes its vocabulary."""
    found: dict[str, list[str]] = {}
    for folder in NEUTRAL_FOLDERS:
        for path in sorted(folder.rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            words = sorted(set(PLATFORM_WORDS.findall(source)))
            if TELEGRAM_IMPORT.search(source):
                words.insert(0, "import telegram")
            if words:
                found[str(path.relative_to(ROOT))] = words
    return found


def test_services_and_domain_speak_no_platform() -> None:
    """No module under bot/services or bot/domain imports telegram or names chat_id,
    reply_markup, InlineKeyboardMarkup or a Bot API method: they speak bot/chat.py."""
    found = platform_words()
    assert not found, "\n".join(f"{path}: {', '.join(words)}" for path, words in found.items())


def test_the_platform_guard_sees_the_words() -> None:
    assert PLATFORM_WORDS.findall('work.queue("sendMessage", chat_id, {"reply_markup": m})') == [
        "sendMessage",
        "chat_id",
        "reply_markup",
    ]
    assert TELEGRAM_IMPORT.search("x = 1\nfrom telegram import Update\n")
    assert not PLATFORM_WORDS.search("person.address, work.chat, remove_keyboard")
