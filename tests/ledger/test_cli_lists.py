"""``duban list``: at the desk, what the chat lists (issue 14, "chat and CLI alike") — items
by status, level, period, town, unit or company, the red list, visits, people, companies,
close-outs and extensions waiting for a decision, owed acknowledgements and the review
queue; a table in Chinese by default, JSON with stable codes for scripts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.cli.lists import level_code, status_code
from bot.cli.main import main
from bot.clock import local_day
from bot.config import load_settings
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.people import dingtalk_address
from storage import people
from storage.db import open_database
from tests.desk_world import desk_world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The desk world with something waiting in every list: 财政局's fund item 90 days
    overdue (red), a close-out and an extension asked for by 赵联络, an owed 签收, an
    item and a company added on the spot."""
    codes = desk_world(tmp_path, monkeypatch)
    db = open_database(tmp_path / "duban.sqlite")
    now = datetime.now(UTC)
    ids = {code: item_id for item_id, code in db.execute("SELECT id, code FROM items")}
    contact = db.execute("SELECT id FROM people WHERE name = '赵联络'").fetchone()[0]
    today = local_day(now, load_settings().timezone)  # the office's day, as the desk's
    long_ago = (today - timedelta(days=90)).isoformat()
    db.execute("UPDATE items SET deadline = ? WHERE id = ?", [long_ago, ids[codes["fund"]]])
    asked = {"requested_by": contact, "created_at": (now - timedelta(days=2)).isoformat()}
    db["closeout_requests"].insert({**asked, "item_id": ids[codes["valve"]], "text": "已引进20名"})
    db["extension_requests"].insert(
        {**asked, "item_id": ids[codes["ip"]], "new_deadline": "2027-06-30", "reason": "待审批"}
    )
    unit = db.execute("SELECT id FROM units WHERE name = '工信局'").fetchone()[0]
    db["acks"].insert(
        {
            "item_id": ids[codes["valve"]],
            "unit_id": unit,
            "kind": "assigned",
            "sent_on": "2026-03-02",
            "created_at": now.isoformat(),
        }
    )
    db.execute("UPDATE items SET needs_review = 1 WHERE id = ?", [ids[codes["old"]]])
    db.execute("UPDATE companies SET needs_review = 1 WHERE name = '力沛阀门'")
    db.close()
    return codes


def _json(capsys, *arguments: str) -> list[dict]:
    capsys.readouterr()
    assert main(["list", *arguments, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_items_by_level_status_and_place(world, capsys) -> None:
    """Levels and statuses are typed as codes or in Chinese; places narrow as in /export."""
    red = _json(capsys, "items", "--level", "红")
    assert [row["code"] for row in red] == [world["fund"]]
    assert red[0]["level"] == "red" and red[0]["status"] == "open"
    closed = _json(capsys, "items", "--status", "已销号")
    assert {row["code"] for row in closed} == {world["bearing"], world["machine"]}
    assert _json(capsys, "items", "--status", "closed") == closed
    wuyao = _json(capsys, "items", "--town", "吴窑镇", "--status", "待办理")
    assert [row["code"] for row in wuyao] == [world["valve"]]
    old = _json(capsys, "items", "--period", "2019", "--unit", "科技局")
    assert [row["code"] for row in old] == [world["old"]]


def test_table_is_in_chinese_by_default_and_english_on_request(world, capsys) -> None:
    """The table's headers and codes are words in the office's language."""
    capsys.readouterr()
    assert main(["list", "items", "--level", "red"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["督办编号", "状态", "督办等级"]
    assert "提级督办（红）" in table[1] and "待办理" in table[1]
    assert table[-1] == "（共 1 条）"
    assert main(["list", "items", "--level", "red", "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert english[0].split()[:3] == ["Code", "Status", "Level"]
    assert "Red" in english[1] and english[-1] == "(1 row)"


def test_bad_values_are_named_back(world, capsys) -> None:
    """An unknown level, status, town or person is one line on stderr and exit 1."""
    assert main(["list", "items", "--level", "紫"]) == 1
    assert "无法识别的督办等级「紫」" in capsys.readouterr().err
    assert main(["list", "items", "--status", "done"]) == 1
    assert "无法识别的状态「done」" in capsys.readouterr().err
    assert main(["list", "companies", "--town", "火星镇"]) == 1
    assert capsys.readouterr().err.strip() == "duban：没有名为「火星镇」的镇区"
    assert main(["list", "visits", "--inspector", "李督查"]) == 1
    assert capsys.readouterr().err.strip() == "duban：没有名为「李督查」的人员"


def test_red_list_is_the_chats_red_list(world, capsys) -> None:
    """Open red items, most overdue first, with the days overdue (what /red shows)."""
    red = _json(capsys, "red")
    assert [(row["code"], row["unit"], row["overdue_days"]) for row in red] == [
        (world["fund"], "财政局", 90)
    ]


def test_decisions_waiting_acks_and_the_queue(world, capsys) -> None:
    """Close-outs and extensions waiting, owed 签收, and what /queue holds."""
    closeouts = _json(capsys, "closeouts")
    assert [(r["code"], r["unit"], r["by"], r["claim"]) for r in closeouts] == [
        (world["valve"], "工信局", "赵联络", "已引进20名")
    ]
    extensions = _json(capsys, "extensions")
    assert [(r["code"], r["new_deadline"], r["reason"]) for r in extensions] == [
        (world["ip"], "2027-06-30", "待审批")
    ]
    acks = _json(capsys, "acks")
    assert [(r["unit"], r["code"], r["kind"], r["since"]) for r in acks] == [
        ("工信局", world["valve"], "assigned", "2026-03-02")
    ]
    queue = _json(capsys, "queue")
    assert [(r["kind"], r["name"]) for r in queue] == [
        ("item", world["old"]),
        ("company", "力沛阀门"),
    ]


def test_visits_people_and_companies(world, capsys) -> None:
    """Everyone's visits or one inspector's; people by role; companies by town."""
    visits = _json(capsys, "visits", "--inspector", "王督查")
    assert [(v["company"], v["inspectors"], v["findings"]) for v in visits] == [
        ("卓远半导体", "王督查", 1)
    ]
    assert _json(capsys, "visits") == visits
    assert _json(capsys, "visits", "--inspector", "赵联络") == []
    inspectors = _json(capsys, "people", "--role", "inspector")
    assert [(p["name"], p["role"], p["active"]) for p in inspectors] == [
        ("王督查", "inspector", True)
    ]
    assert _json(capsys, "people", "--role", "督查人员") == inspectors
    assert [p["name"] for p in _json(capsys, "people", "--role", "联络员")] == ["赵联络"]
    assert main(["list", "people", "--role", "局长"]) == 1
    assert "无法识别的角色「局长」" in capsys.readouterr().err
    companies = _json(capsys, "companies", "--town", "吴窑镇")
    assert [(c["name"], c["open_items"], c["to_review"]) for c in companies] == [
        ("力威机械", 0, False),
        ("力沛阀门", 1, True),
    ]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("红", "red"), ("黄色", "yellow"), ("Blue", "blue"), ("提级督办（红）", "red"), ("紫", None)],
)
def test_level_words(typed: str, code: str | None) -> None:
    assert level_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [("待办理", "open"), ("in_progress", "in_progress"), ("申请销号", "close_requested")],
)
def test_status_words(typed: str, code: str) -> None:
    assert status_code(typed) == code


def test_an_items_history_is_the_exports_history(world, tmp_path: Path, capsys) -> None:
    """``list history --code`` tells the item's story from the one assembler, oldest first:
    the same events, in the same words, as the export's 事项历史 sheet."""
    events = _json(capsys, "history", "--code", world["chip"])
    assert len(events) >= 5
    assert events == sorted(events, key=lambda event: event["when"])
    assert any("设备采购周期长" in event["detail"] for event in events)
    out = tmp_path / "history.xlsx"
    assert main(["export", str(out), "--company", "卓远半导体", "--history"]) == 0
    sheet = openpyxl.load_workbook(out)["事项历史"]
    in_sheet = [
        {"when": when, "who": who or "", "what": what or "", "detail": detail or ""}
        for _, when, who, what, detail in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert in_sheet == events
    assert main(["list", "history"]) == 1
    assert "请用 --code 指明事项" in capsys.readouterr().err
    assert main(["list", "history", "--code", "2031-999"]) == 1
    assert capsys.readouterr().err.strip() == "duban：没有编号为 2031-999 的事项"


def test_people_with_their_platforms_and_accounts(world, tmp_path: Path, capsys) -> None:
    """Each person's accounts as /users shows their platforms: 王督查, with a DingTalk
    account linked, is listed with both and reached on DingTalk, where they wrote last."""
    db = open_database(tmp_path / "duban.sqlite")
    inspector = db.execute("SELECT id FROM people WHERE name = '王督查'").fetchone()[0]
    at = datetime.now(UTC)
    link = people.create_invitation(
        db,
        role=Role.INSPECTOR,
        name="王督查",
        unit=None,
        days=7,
        origin=Origin.cli(at),
        links_person=inspector,
    )
    people.link_account(db, link, dingtalk_address("wang01"), Origin.cli(at))
    db.close()

    listed = {p["name"]: p for p in _json(capsys, "people")}
    assert listed["王督查"]["accounts"] == [
        {"platform": "telegram", "account": "1"},
        {"platform": "dingtalk", "account": "wang01"},
    ]
    assert listed["王督查"]["reached"] == "dingtalk"
    assert listed["赵联络"]["accounts"] == [{"platform": "telegram", "account": "2"}]
    assert listed["赵联络"]["reached"] == "telegram"

    capsys.readouterr()
    assert main(["list", "people"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "平台账号" in table[0] and "消息发往" in table[0]
    row = next(line for line in table if line.startswith("王督查"))
    assert "Telegram 1、钉钉 wang01" in row and row.rstrip().endswith("钉钉")
    assert main(["list", "people", "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert "Accounts" in english[0]
    assert "Telegram 1, DingTalk wang01" in next(line for line in english if "王督查" in line)
