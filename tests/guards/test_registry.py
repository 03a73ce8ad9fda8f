"""Commands are declared in the registry (bot/registry.py) and offered in menus and /help
built from it; buttons are made with ``button_to`` from the functions they call. These
tests fail when a declaration and its use drift apart.

A command missing from /help or from a role's menu is one nobody finds; a menu entry with
no handler answers "unsupported"; a button made by hand escapes the check ``button_to``
makes of its arguments, and would fail only at its first tap.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.chat import Sender
from bot.domain.lifecycle import Role
from bot.domain.people import Person
from bot.i18n import LANGUAGES, t
from bot.registry import ACTIONS
from bot.runtime.work import Work, WorkEnv, telegram_chat
from bot.services.registration import queue_command_menu, show_help
from storage.db import open_database

ROOT = Path(__file__).resolve().parents[2]
# Where buttons are made: the services, and the builders that run off the event loop.
BUTTON_MAKERS = (ROOT / "bot", ROOT / "handlers")
# Telegram's rule for a BotCommand (setMyCommands refuses anything else).
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
DESCRIPTION_LIMIT = 256
# Commands every registered person needs, whatever their role.
EVERYONE = {"help", "lang"}


def menu_names(menu: tuple[tuple[str, str], ...]) -> list[str]:
    return [name for name, _ in menu]


def menu_of(role: Role | None) -> tuple[tuple[str, str], ...]:
    """A role's menu as the registry declares it: (command, catalogue key of its line)."""
    return tuple((action.name, action.help or "") for action in ACTIONS.menu(role))


def every_menu() -> dict[str, tuple[tuple[str, str], ...]]:
    return {role.value: menu_of(role) for role in Role} | {"stranger": menu_of(None)}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """A scratch database at the current schema, for services to queue messages in."""
    database = open_database(tmp_path / "duban.sqlite")
    yield database
    database.close()


def work_for(db: sqlite_utils.Database, role: Role, lang: str) -> Work:
    """A Work for a registered person of this role and language, as a handler makes it."""
    person = Person(
        id=1,
        platform="telegram",
        account="7001",
        name="测试",
        role=role,
        unit_id=None,
        unit=None,
        language=lang,
        active=True,
    )
    env = WorkEnv(tz=ZoneInfo("Asia/Shanghai"), bot_username="duban_bot")
    return Work(
        db,
        env,
        datetime.now(UTC),
        lang,
        chat=telegram_chat(7001),
        person=person,
        update_id=1,
        sender=Sender(telegram_chat(7001), "测试"),
    )


def queued(db: sqlite_utils.Database, method: str) -> list[dict]:
    """The payloads the services queued for this Bot API method, oldest first."""
    rows = db.execute(
        "SELECT payload FROM outbox WHERE method = ? ORDER BY id", [method]
    ).fetchall()
    return [json.loads(payload) for (payload,) in rows]


def test_every_command_is_in_a_menu_and_every_menu_entry_has_a_handler() -> None:
    """Each declared command is offered to someone, and each offered command runs."""
    offered = {name for menu in every_menu().values() for name in menu_names(menu)}
    assert set(ACTIONS.commands) - offered == set(), "commands in no menu"
    assert offered - set(ACTIONS.commands) == set(), "menu entries with no handler"


def test_menus_are_commands_telegram_accepts() -> None:
    """Every menu lists each command once, under a name setMyCommands accepts, with a
    description of 1–256 characters in both languages."""
    for who, menu in every_menu().items():
        names = menu_names(menu)
        assert len(names) == len(set(names)), f"{who}: a command listed twice"
        for name, key in menu:
            assert COMMAND_NAME.fullmatch(name), name
            for lang in LANGUAGES:
                assert 1 <= len(t(lang, key)) <= DESCRIPTION_LIMIT, (who, name, lang)


def test_every_registered_role_can_get_help_and_change_language() -> None:
    """/help and /lang are in every registered role's menu: without them a person cannot
    find the rest or read it in their language."""
    for role in Role:
        assert set(menu_names(menu_of(role))) >= EVERYONE, role


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", list(Role))
def test_help_lists_the_roles_commands_in_its_language(
    db: sqlite_utils.Database, role: Role, lang: str
) -> None:
    """/help shows exactly the role's menu: each command with its description in the
    reader's language, nothing the role does not have."""
    show_help(work_for(db, role, lang))
    (message,) = queued(db, "sendMessage")
    lines = message["text"].split("\n")
    assert lines[0] == t(lang, "help.title")
    assert lines[1:] == [f"/{name} — {t(lang, key)}" for name, key in menu_of(role)]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", list(Role))
def test_command_menu_matches_help_in_its_language(
    db: sqlite_utils.Database, role: Role, lang: str
) -> None:
    """The menu Telegram shows beside the text field (setMyCommands for the person's chat)
    has the same commands and descriptions as /help, in the person's language."""
    work = work_for(db, role, lang)
    queue_command_menu(work, work.person)
    (menu,) = queued(db, "setMyCommands")
    assert menu["scope"] == {"type": "chat", "chat_id": 7001}
    assert menu["commands"] == [
        {"command": name, "description": t(lang, key)} for name, key in menu_of(role)
    ]


def buttons_made() -> dict[str, list[str]]:
    """Every ``Button(label, "action", …)`` in the code: action name → where it is made."""
    made: dict[str, list[str]] = {}
    for folder in BUTTON_MAKERS:
        for path in sorted(folder.rglob("*.py")):
            if path.name == "actions.py":  # button_to: the registry's own maker
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                callee = node.func
                name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", "")
                if name != "Button":
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                action = node.args[1] if len(node.args) > 1 else None
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        action = keyword.value
                assert isinstance(action, ast.Constant) and isinstance(action.value, str), (
                    f"{where}: a button's action must be written out as a string, "
                    "so this test (and a reader) can see where it leads"
                )
                made.setdefault(action.value, []).append(where)
    return made


def test_no_button_is_made_by_hand() -> None:
    """Every button is made with ``button_to``, which binds its arguments to the declared
    function when the button is made; one made by hand would escape that check."""
    assert buttons_made() == {}
