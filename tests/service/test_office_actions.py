"""The office's commands and buttons as the registry runs them, without a sandbox.

Buttons already on people's phones carry the payloads the handlers read before the
registry: each must still bind to its function, or its first tap after the upgrade would
say "this button has expired". The role pre-filter must refuse with the very words the
services used to, and /start must register whoever sent it, as their platform names them.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.chat import Address, Sender
from bot.domain.audit import Origin
from bot.domain.lifecycle import DomainError, Role
from bot.domain.people import Person
from bot.i18n import t
from bot.registry import ACTIONS
from bot.runtime.dispatch import perform
from bot.runtime.work import Work, WorkEnv
from storage import people
from storage.db import open_database

AT = datetime(2031, 3, 4, 9, 30, tzinfo=UTC)
CHAT = Address("telegram", "7001")

# Every payload the office's buttons were made with before the registry (handlers/items.py,
# handlers/admin.py, handlers/start.py, handlers/stuck.py read exactly these keys).
STORED_PAYLOADS: dict[str, list[dict[str, object]]] = {
    "lang": [{"lang": "en"}, {}],
    "invite.role": [{"role": "inspector"}],
    "invite.unit": [{"role": "contact", "unit": "科技局"}],
    "invite.revoke": [{"invitation": 1}, {"code": "an old link's code"}, {}],
    "invite.accept": [{"invitation": 1}, {}],
    "invite.keep": [{"invitation": 1}, {}],
    "users.show": [{"person": 2}],
    "users.role": [{"person": 2, "role": "admin"}],
    "users.deactivate": [{"person": 2}],
    "users.handover": [{"person": 2}],
    "users.handover_to": [{"person": 2, "to": 3}],
    "users.link": [{"person": 2}],  # issue 16: a link invitation for a second platform
    "item.show": [{"item": 5}],
    "assign.menu": [{"item": 5, "page": 0, "new": True}, {"item": 5, "page": 1}],
    "assign.set": [
        {"item": 5, "person": 2, "on": True, "page": 0},
        {"item": 5, "person": 2, "on": False},
    ],
    "queue.item": [{"item": 5}],
    "queue.complete": [{"item": 5}],
    "queue.unit": [{"item": 5, "unit": "科技局"}],
    "queue.keep": [{"item": 5, "unit": "科技局"}],
    "queue.merge": [{"item": 5}],
    "queue.merge_into": [{"item": 5, "into": 6}],
    "queue.reject": [{"item": 5}],
    "queue.company": [{"company": 8}],
    "queue.company_ok": [{"company": 8}],
    "queue.company_town": [{"company": 8, "town": 1}],
    "queue.company_merge": [{"company": 8}],
    "queue.company_into": [{"company": 8, "into": 9}],
    "queue.company_reject": [{"company": 8}],
    "stuck.replay": [{"update": 41}],
}

# The office's administrator-only actions and the line each refusal has always said.
ADMIN_ONLY = {
    "invite": "admin.only",
    "users": "admin.only",
    "queue": "admin.only",
    "stuck": "admin.only",
}
ADMIN_ONLY_BUTTONS = {
    name: "verify.admin_only" if name.startswith("assign.") else "admin.only"
    for name in STORED_PAYLOADS
    if name.split(".")[0] in {"invite", "users", "assign", "queue", "stuck"}
    and name not in {"invite.accept", "invite.keep"}
}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "duban.sqlite")
    yield database
    database.close()


def work_for(db: sqlite_utils.Database, person: Person | None, sender: Sender) -> Work:
    env = WorkEnv(tz=ZoneInfo("Asia/Shanghai"), bot_username="duban_bot")
    return Work(db, env, AT, "zh", chat=sender.address, person=person, update_id=1, sender=sender)


def inspector() -> Person:
    return Person(
        id=1,
        platform="telegram",
        account="7001",
        name="王督查",
        role=Role.INSPECTOR,
        unit_id=None,
        unit=None,
        language="zh",
        active=True,
    )


def queued(db: sqlite_utils.Database) -> list[tuple[str, dict]]:
    rows = db.execute("SELECT method, payload FROM outbox ORDER BY id").fetchall()
    return [(method, json.loads(payload)) for method, payload in rows]


@pytest.mark.parametrize("name", sorted(STORED_PAYLOADS))
def test_buttons_already_in_chats_still_bind_to_their_functions(name: str) -> None:
    """Each payload a button was stored with before the registry fits its function now."""
    fn = ACTIONS.buttons[name].fn
    for payload in STORED_PAYLOADS[name]:
        inspect.signature(fn).bind(None, **payload)


def test_every_office_button_is_in_the_table() -> None:
    """A button of these modules left out of the table above would go unchecked."""
    office = {"registration", "admin_users", "item_card", "assignments", "review_queue", "stuck"}
    declared = {
        name
        for name, action in ACTIONS.buttons.items()
        if action.fn.__module__.rsplit(".", 1)[-1] in office and name != "item.attach"
    }
    assert declared == set(STORED_PAYLOADS)


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_admin_commands_refuse_others_in_the_old_words(
    db: sqlite_utils.Database, name: str
) -> None:
    work = work_for(db, inspector(), Sender(CHAT, "王督查"))
    with pytest.raises(DomainError) as refused:
        perform(work, ACTIONS.commands[name])
    assert refused.value.key == ADMIN_ONLY[name]
    assert "仅限管理员" in t("zh", refused.value.key)


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY_BUTTONS))
def test_admin_buttons_refuse_others_in_the_old_words(db: sqlite_utils.Database, name: str) -> None:
    work = work_for(db, inspector(), Sender(CHAT, "王督查"))
    with pytest.raises(DomainError) as refused:
        perform(work, ACTIONS.buttons[name], **STORED_PAYLOADS[name][0])
    assert refused.value.key == ADMIN_ONLY_BUTTONS[name]
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_start_registers_the_sender_and_sets_their_menu_from_the_registry(
    db: sqlite_utils.Database,
) -> None:
    """/start CODE from a stranger: the person is the sender (their platform's id), they are
    welcomed, and their chat's command menu is their role's menu in the registry."""
    invitation = people.create_invitation(
        db, role=Role.INSPECTOR, name="王督查", unit=None, days=7, origin=Origin.system(AT)
    )
    stranger = Sender(Address("telegram", "7002"), "Wang Wei", "wangwei")
    work = work_for(db, None, stranger)
    perform(work, ACTIONS.commands["start"], f"{invitation.code} trailing words")

    person = people.by_telegram_id(db, 7002)
    assert person is not None and person.role is Role.INSPECTOR and person.name == "王督查"
    calls = queued(db)
    menus = [payload for method, payload in calls if method == "setMyCommands"]
    assert [entry["command"] for entry in menus[0]["commands"]] == [
        action.name for action in ACTIONS.menu(Role.INSPECTOR)
    ]
    texts = [payload["text"] for method, payload in calls if method == "sendMessage"]
    assert any("王督查" in text for text in texts)


def test_start_is_offered_to_strangers_only() -> None:
    start = ACTIONS.commands["start"]
    assert start.allows(None) and start.takes_text
    assert [action.name for action in ACTIONS.menu(None)] == ["start"]
    for role in Role:
        assert "start" not in [action.name for action in ACTIONS.menu(role)]
