"""An update that failed every attempt is set aside, shown to the office and replayed:
by the 🔁 button under ``/stuck`` and by ``duban inbox retry ID``.

Before, a set-aside update stayed in the inbox with no way to run it again.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.domain.lifecycle import Role
from bot.registry import ACTIONS
from sandbox.phones import Phone
from tests.desk import at_the_desk
from tests.harness import TOKEN, Duban, office


async def help_set_aside(duban: Duban, phone: Phone) -> int:
    """The phone sends /help (which fails), and the clock moves past every pause until the
    update is set aside; returns its update_id."""
    assert duban.clock is not None
    await phone.send("/help")
    db = duban.db()
    try:
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            row = db.execute(
                "SELECT max(update_id) FROM inbox WHERE raw LIKE '%/help%' AND raw LIKE ?",
                [f'%"id": {phone.user_id}%'],
            ).fetchone()
            if row[0] is not None and duban.inbox_row(row[0])[0] != "done":
                update_id = row[0]
                break
            assert asyncio.get_running_loop().time() < deadline, "the /help never arrived"
            await asyncio.sleep(0.05)
    finally:
        db.close()
    for attempts in (1, 2, 3):
        await duban.until_inbox_row(update_id, ("pending", attempts))
        duban.clock.advance(timedelta(seconds=30))
    await duban.until_inbox_row(update_id, ("set_aside", 4))
    return update_id


@pytest.fixture
def broken_help(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """/help fails (with the bot token in its error text) while ``broken`` is true."""
    state = {"broken": False}
    declared = ACTIONS.commands["help"]
    real_help = declared.fn

    def help_or_fail(work) -> None:
        if state["broken"]:
            raise RuntimeError(f"help failed calling https://api.example/bot{TOKEN}/getMe")
        real_help(work)

    monkeypatch.setitem(ACTIONS.commands, "help", replace(declared, fn=help_or_fail))
    return state


async def test_set_aside_update_is_listed_and_replayed_by_the_button(
    clocked_duban: Duban, broken_help: dict[str, bool]
) -> None:
    """The office is told, /stuck shows who sent what, when and why (token redacted), the
    🔁 button replays it once the cause is fixed, and a second tap says it is done."""
    duban = clocked_duban
    admin = await office(duban)
    assert any("/stuck — " in m.text for m in admin.bot_messages), "in the admin's /help"
    inspector = await duban.register(7401, "王督查", Role.INSPECTOR)
    await duban.settle()
    broken_help["broken"] = True
    update_id = await help_set_aside(duban, inspector)

    await inspector.expect("抱歉，处理您的消息时出错了")
    notice = await admin.expect(f"#{update_id}")
    assert "王督查" in notice.text and "命令" in notice.text and "4 次" in notice.text
    assert "/stuck" in notice.text

    await inspector.send("/stuck")
    await inspector.expect("仅限管理员")

    await admin.send("/stuck")
    listing = await admin.expect("已搁置")
    assert f"#{update_id}" in listing.text and "王督查" in listing.text
    assert "命令：/help" in listing.text and "失败 4 次" in listing.text
    assert "RuntimeError" in listing.text and "<token>" in listing.text
    assert TOKEN.partition(":")[2] not in listing.text

    broken_help["broken"] = False
    await admin.tap(f"🔁 重新处理 #{update_id}")
    await admin.expect(f"已将 #{update_id} 放回处理队列")
    await inspector.expect("可用命令", within=10)
    await duban.until_inbox_row(update_id, ("done", 0))
    await duban.settle()
    assert sum(m.text.startswith("可用命令") for m in inspector.bot_messages) == 1

    await admin.tap(f"🔁 重新处理 #{update_id}")  # the old list's button, tapped again
    await admin.expect(f"#{update_id} 已处理完毕")
    await duban.settle()
    assert sum(m.text.startswith("可用命令") for m in inspector.bot_messages) == 1
    await admin.send("/stuck")
    await admin.expect("目前没有搁置的消息")
    db = duban.db()
    try:
        replays = db.execute(
            "SELECT count(*) FROM audit_events WHERE entity = 'inbox' AND action = 'replay' "
            "AND entity_id = ?",
            [update_id],
        ).fetchone()[0]
    finally:
        db.close()
    assert replays == 1


async def test_set_aside_update_is_replayed_from_the_command_line(
    clocked_duban: Duban,
    broken_help: dict[str, bool],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``duban inbox list`` shows the set-aside update; ``duban inbox retry ID`` puts it
    back and the running bot answers it; an unknown or finished ID is refused with exit 1."""
    duban = clocked_duban
    inspector = await duban.register(7402, "李督查", Role.INSPECTOR)
    await duban.settle()
    broken_help["broken"] = True
    update_id = await help_set_aside(duban, inspector)
    at_the_desk(monkeypatch, tmp_path, duban.settings.database_path)

    assert main(["inbox", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"#{update_id}" in listed and "李督查" in listed and "命令 '/help'" in listed
    assert "失败 4 次" in listed and TOKEN not in listed

    broken_help["broken"] = False
    assert main(["inbox", "retry", str(update_id)]) == 0
    assert "已重新排队" in capsys.readouterr().out
    await inspector.expect("可用命令", within=15)
    await duban.until_inbox_row(update_id, ("done", 0))

    assert main(["--lang", "en", "inbox", "retry", str(update_id)]) == 1
    assert "processed already" in capsys.readouterr().err
    assert main(["--lang", "en", "inbox", "retry", "99999999"]) == 1
    assert "no such update" in capsys.readouterr().err
    assert main(["--lang", "en", "inbox", "list"]) == 0
    assert "no update is set aside" in capsys.readouterr().out


def test_every_faults_message_is_in_both_languages_with_the_same_blanks() -> None:
    """Each /stuck text has a Chinese and an English form that fill in the same values, so
    an English-speaking administrator never gets a broken or Chinese-only line."""
    from bot.i18n import placeholders
    from bot.i18n.messages_faults import MESSAGES

    for key, (zh, en) in MESSAGES.items():
        assert zh and en, key
        assert placeholders(zh) == placeholders(en), key
