"""The office at its desk assigns inspectors: ``duban assign`` and the sheet's 督查人员 column."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.cli.main import main
from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from storage.audit import item_events
from storage.db import open_database
from storage.ledger import create_item, ensure_period, get_item, list_items
from tests.desk import at_the_desk

T = "2024-05-01T08:00:00+00:00"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with one item (2024-001) and two registered inspectors, 王督查 and 李代表."""
    path = at_the_desk(monkeypatch, tmp_path)
    db = open_database(path)
    origin = Origin.cli(datetime(2024, 5, 1, tzinfo=UTC))
    ensure_period(db, "2024", 2024, origin)
    create_item(db, ItemFields("孵化器入驻率不足", seq="1", unit="科技局"), "2024", origin)
    db.execute(
        "INSERT INTO people (account, name, role, language, created_at) VALUES "
        f"(9101, '王督查', 'inspector', 'zh', '{T}'), (9102, 'Li Daibiao', 'inspector', 'en', "
        f"'{T}'), (9103, '赵联络', 'contact', 'zh', '{T}')"
    )
    db.conn.commit()
    db.close()
    return path


def _told(path: Path, chat_id: int) -> list[str]:
    db = open_database(path)
    try:
        rows = db.execute("SELECT payload FROM outbox WHERE chat = ?", [str(chat_id)]).fetchall()
        return [json.loads(row[0])["text"] for row in rows]
    finally:
        db.close()


def _assigned(path: Path) -> set[str]:
    db = open_database(path)
    try:
        item = list_items(db)[0]
        return {
            db.execute("SELECT name FROM people WHERE id = ?", [pid]).fetchone()[0]
            for pid in item.inspector_ids
        }
    finally:
        db.close()


def test_assign_and_remove_by_cli_is_audited_and_the_inspector_told(db_path: Path, capsys):
    """`duban assign` assigns, says so, records who did it and queues the inspector's notice;
    --remove undoes it the same way; repeating either changes nothing and says so."""
    code = "2024-001"
    assert main(["--lang", "en", "assign", code, "--inspector", "王督查"]) == 0
    assert f"assigned 王督查 to {code}" in capsys.readouterr().out
    assert _assigned(db_path) == {"王督查"}
    assert any("办公室指派您督查" in text and code in text for text in _told(db_path, 9101))

    assert main(["--lang", "en", "assign", code, "--inspector", "王督查"]) == 0
    assert "already assigned" in capsys.readouterr().out
    assert len(_told(db_path, 9101)) == 1

    assert (
        main(["--lang", "en", "assign", code, "--inspector", "li daibiao"]) == 0
    )  # case and spaces folded
    assert any("The office assigned you" in text for text in _told(db_path, 9102))
    assert main(["--lang", "en", "assign", code, "--inspector", "王督查", "--remove"]) == 0
    assert "no longer assigned" in capsys.readouterr().out
    assert _assigned(db_path) == {"Li Daibiao"}
    assert any("取消您对" in text for text in _told(db_path, 9101))

    db = open_database(db_path)
    try:
        events = item_events(db, get_item(db, code).id)
        actions = [(e["action"], e["actor_kind"]) for e in events if "inspector" in e["action"]]
    finally:
        db.close()
    assert actions == [
        ("inspector_assigned", "cli"),
        ("inspector_assigned", "cli"),
        ("inspector_unassigned", "cli"),
    ]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["assign", "2024-999", "--inspector", "王督查"], 'no item has the code "2024-999"'),
        (["assign", "2024-001", "--inspector", "张三"], 'no active inspector is named "张三"'),
        (["assign", "2024-001", "--inspector", "赵联络"], "no active inspector is named"),
    ],
)
def test_assign_refuses_unknown_items_and_people(db_path: Path, capsys, args, reason):
    """An unknown code, an unknown name or a contact's name: exit 1, the reason, no change."""
    assert main(["--lang", "en", *args]) == 1
    assert reason in capsys.readouterr().err
    assert _assigned(db_path) == set()


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "存在问题", "责任单位", "办理时限", "包挂督查"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_sheet_column_assigns_registered_inspectors(db_path: Path, tmp_path: Path, capsys):
    """包挂督查 names inspectors, several in one cell; existing and new items get them, and
    each inspector is told once per item."""
    rows = [
        [1, "孵化器入驻率不足", "科技局", "2024-06-30", "王督查、Li Daibiao"],
        [2, "技改项目推进慢", "工信局", "2024-09-30", "王督查；"],
    ]
    assert (
        main(["--lang", "en", "import", str(_sheet(tmp_path / "a.xlsx", rows)), "--period", "2024"])
        == 0
    )
    assert "3 inspector assignments" in capsys.readouterr().out
    db = open_database(db_path)
    try:
        names = {
            item.code: {
                db.execute("SELECT name FROM people WHERE id = ?", [p]).fetchone()[0]
                for p in item.inspector_ids
            }
            for item in list_items(db)
        }
    finally:
        db.close()
    assert names == {"2024-001": {"王督查", "Li Daibiao"}, "2024-002": {"王督查"}}
    assert len(_told(db_path, 9101)) == 2

    assert (
        main(["--lang", "en", "import", str(_sheet(tmp_path / "b.xlsx", rows)), "--period", "2024"])
        == 0
    )
    assert len(_told(db_path, 9101)) == 2  # imported again: nothing new, nobody told again


def test_unknown_inspector_in_the_sheet_is_a_row_error(db_path: Path, tmp_path: Path, capsys):
    """A name nobody registered is reported with its row and column; nothing is imported."""
    rows = [
        [1, "孵化器入驻率不足", "科技局", "2024-06-30", "王督查"],
        [2, "技改项目推进慢", "工信局", "2024-09-30", "王督查，张三"],
    ]
    assert (
        main(["--lang", "en", "import", str(_sheet(tmp_path / "a.xlsx", rows)), "--period", "2024"])
        == 1
    )
    err = capsys.readouterr().err
    assert 'Row 3, column "Inspectors": no registered inspector is named "张三"' in err
    assert _assigned(db_path) == set()
    assert _told(db_path, 9101) == []
