"""What the office lists in the chat it lists at the desk (issue 14): /red, /acks and /users
on the phone name the same items and people as ``duban list red / acks / people``."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.clock import local_day
from bot.domain.lifecycle import Role
from tests.desk import at_the_desk
from tests.harness import Duban, office
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms


def _seed(duban: Duban) -> dict[str, str]:
    """The report ledger with two items long overdue (red) and one 签收 owed by 工信局."""
    db = duban.db()
    try:
        now = datetime.now(UTC)
        codes = seed(db, now).codes
        today = local_day(now, duban.settings.timezone)
        for label, days in (("fund", 90), ("valve", 70)):
            overdue = (today - timedelta(days=days)).isoformat()
            db.execute("UPDATE items SET deadline = ? WHERE code = ?", [overdue, codes[label]])
        item = db.execute("SELECT id, unit_id FROM items WHERE code = ?", [codes["valve"]])
        item_id, unit_id = item.fetchone()
        db["acks"].insert(
            {
                "item_id": item_id,
                "unit_id": unit_id,
                "kind": "assigned",
                "sent_on": today.isoformat(),
                "created_at": now.isoformat(),
            }
        )
        return codes
    finally:
        db.close()


def _desk(capsys, *arguments: str) -> list[dict]:
    capsys.readouterr()
    assert main(["list", *arguments, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


async def test_red_acks_and_users_list_alike_in_chat_and_at_the_desk(
    duban: Duban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    codes = _seed(duban)
    await duban.register(6301, "王督查", Role.INSPECTOR)
    await duban.register(6302, "钱联络", Role.CONTACT, unit="工信局")
    admin = await office(duban)
    settings = duban.settings
    at_the_desk(monkeypatch, tmp_path, settings.database_path, settings.media_dir)

    await admin.send("/red")
    red = await admin.expect("红色督办事项（2）")
    in_chat = re.findall(r"\d{4}-\d{3}", red.text)
    at_desk = [row["code"] for row in _desk(capsys, "red")]
    assert in_chat == at_desk == [codes["fund"], codes["valve"]]  # most overdue first

    await admin.send("/acks")
    owed = await admin.expect(codes["valve"])
    assert "工信局" in owed.text
    assert [(row["unit"], row["code"]) for row in _desk(capsys, "acks")] == [
        ("工信局", codes["valve"])
    ]

    await admin.send("/users")
    users = await admin.expect("位用户")
    listed = _desk(capsys, "people")
    assert f"共 {len(listed)} 位用户" in users.text
    assert {row["name"] for row in listed} >= {"王督查", "钱联络"}
    for row in listed:
        assert any(label.startswith(row["name"]) or row["name"] in label for label in users.buttons)


async def test_waiting_decisions_alike_in_chat_and_at_the_desk(
    duban: Duban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A close-out and an extension asked for by 钱联络: /waiting lists both with a button
    to each card, and ``duban list closeouts / extensions`` name the same requests."""
    codes = _seed(duban)
    await duban.register(6303, "钱联络", Role.CONTACT, unit="工信局")
    admin = await office(duban)
    await admin.send("/waiting")
    await admin.expect("没有待决定的销号申请或延期申请")
    person = duban.person_id(6303)
    db = duban.db()
    try:
        ids = {code: item_id for item_id, code in db.execute("SELECT id, code FROM items")}
        asked = {"requested_by": person, "created_at": datetime.now(UTC).isoformat()}
        db["closeout_requests"].insert(
            {**asked, "item_id": ids[codes["valve"]], "text": "已引进人才20名"}
        )
        db["extension_requests"].insert(
            {**asked, "item_id": ids[codes["ip"]], "new_deadline": "2027-06-30", "reason": "待审批"}
        )
    finally:
        db.close()
    settings = duban.settings
    at_the_desk(monkeypatch, tmp_path, settings.database_path, settings.media_dir)

    await admin.send("/waiting")
    shown = await admin.expect("待决定的申请")
    assert f"{codes['valve']}｜工信局｜钱联络" in shown.text and "已引进人才20名" in shown.text
    assert "申请延期至 2027-06-30：待审批" in shown.text
    assert [row["code"] for row in _desk(capsys, "closeouts")] == [codes["valve"]]
    assert [row["code"] for row in _desk(capsys, "extensions")] == [codes["ip"]]
    await admin.tap(codes["valve"])
    await admin.expect(re.compile(rf"{codes['valve']}[^\n]*\n状态"))
