"""Audited changes the demo's story does not reach, as the one history assembler
(bot/builders/timeline.py) words them for /history and the 事项历史 sheet: a re-imported
row (its fields by their column names, values as the sheet writes them), a period rolled,
an inspector's load handed over, a merge, and a stored action no release wrote — each a
phrase, one line per happening, no id, no Python value, no internal name."""

from __future__ import annotations

import dataclasses
import html
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.builders import changes, timeline
from bot.domain.audit import ActorKind, AuditAction, Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Role
from storage import ledger, people, review
from storage.db import open_database
from tests.report_seed import _person, seed

NOW = datetime(2026, 6, 3, 1, 0, tzinfo=UTC)
RAW = [action.value for action in AuditAction if "_" in action.value]
RAW += ["audit.", "None", "True", "False", "[", "{", "'", "person_id", "period_id"]


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_database(tmp_path / "duban.sqlite")


def _told(db: sqlite_utils.Database, item_id: int, lang: str) -> list[tuple[str, str, str]]:
    """(chat line, sheet 事件, sheet 内容) for each event of the item, oldest first."""
    item = ledger.get_item(db, item_id)
    return [
        (html.unescape(timeline.describe(lang, event)), *timeline.sheet_cells(lang, event))
        for event in timeline.events(db, item)
    ]


def _no_code(told: list[tuple[str, str, str]]) -> None:
    for cells in told:
        for text in cells:
            for raw in RAW:
                assert raw not in text, (raw, text)


def _origin(days: int) -> Origin:
    return Origin(ActorKind.IMPORT, "sha-of-sheet", NOW + timedelta(days=days))


def test_a_reimported_row_is_one_line_with_its_columns_changed(db) -> None:
    """The sheet moved the deadline and added a co-unit: one 台账更新 line naming 配合单位
    and 办理时限 with their values as written — not a second 办理时限 line from the kept
    deadline, not co_units: ['人社局']."""
    item_id = seed(db, NOW).ids["chip"]
    item = ledger.get_item(db, item_id)
    fields = ItemFields(
        **{
            **{f.name: getattr(item, f.name) for f in dataclasses.fields(ItemFields)},
            "co_units": ("人社局", "教育局"),
            "deadline": date(2026, 9, 30),
            "deadline_text": "2026-09-30",
        }
    )
    ledger.update_sheet_fields(db, item_id, fields, _origin(1))
    old = (NOW - timedelta(days=10)).date().isoformat()

    told = _told(db, item_id, "zh")
    _no_code(told)
    assert [line for line, _, _ in told] == [
        "🆕 登记为督办事项（表格导入）",
        f"📝 台账更新：配合单位 人社局 → 人社局、教育局；办理时限 {old} → 2026-09-30（表格导入）",
    ]
    assert told[1][1:] == (
        "📝 台账更新",
        f"配合单位 人社局 → 人社局、教育局；办理时限 {old} → 2026-09-30",
    )
    english = _told(db, item_id, "en")
    _no_code(english)
    assert english[1][2] == f"Co-units 人社局 → 人社局, 教育局; Deadline {old} → 2026-09-30"


def test_an_ongoing_item_and_an_emptied_cell_read_as_the_sheet_writes_them(db) -> None:
    item_id = seed(db, NOW).ids["ip"]
    item = ledger.get_item(db, item_id)
    kept = {f.name: getattr(item, f.name) for f in dataclasses.fields(ItemFields)}
    ongoing = {"deadline": None, "deadline_text": "", "ongoing": True, "area": None}
    ledger.update_sheet_fields(db, item_id, ItemFields(**(kept | ongoing)), _origin(1))
    (_, _, detail) = _told(db, item_id, "zh")[-1]
    assert detail.startswith("领域 知识产权保护 → —；")
    assert detail.endswith("→ 长期坚持")


def test_a_new_wording_of_the_same_date_reads_as_its_own_column() -> None:
    before = {"deadline": "2026-06-30", "deadline_text": "6月底前"}
    after = {"deadline": "2026-06-30", "deadline_text": "6月30日前"}
    assert changes.change_text("zh", before, after) == "时限原文 6月底前 → 6月30日前"
    assert changes.change_text("en", before, after) == "Deadline as written 6月底前 → 6月30日前"


def test_roll_over_hand_over_and_merge_name_periods_people_and_codes(db) -> None:
    seeded = seed(db, NOW)
    chip, valve = seeded.ids["chip"], seeded.ids["valve"]
    wang = _person(db, "王督查", Role.INSPECTOR, None, 101)
    li = _person(db, "李督查", Role.INSPECTOR, None, 102)
    office = Origin.cli(NOW + timedelta(days=1))
    ledger.assign_inspector(db, chip, wang, office)
    people.hand_over(db, wang, li, Origin.cli(NOW + timedelta(days=2)))
    ledger.roll_over(db, "2027年度", 2027, Origin.cli(NOW + timedelta(days=3)))
    review.merge_items(db, valve, chip, Origin.cli(NOW + timedelta(days=4)))

    told = _told(db, chip, "zh")
    _no_code(told)
    lines = [line for line, _, _ in told]
    assert "👤 指派督查 王督查（办公室（命令行））" in lines
    assert "🔀 督查交接：王督查 → 李督查（办公室（命令行））" in lines
    assert "📆 滚动转入新一期 2027年度（办公室（命令行））" in lines
    assert f"🔗 {seeded.codes['valve']} 并入本事项（移入发现 0 条）（办公室（命令行））" in lines
    merged = _told(db, valve, "en")
    _no_code(merged)
    assert f"🔗 Merged into {seeded.codes['chip']} (Office (command line))" in [
        m[0] for m in merged
    ]


def test_an_action_no_release_wrote_is_said_without_its_name(db) -> None:
    """A row written outside the enumeration (by hand, or by a newer release) is shown as
    a recorded change, never by its stored string."""
    item_id = seed(db, NOW).ids["fund"]
    db.execute(
        "INSERT INTO audit_events (item_id, entity, entity_id, action, actor_kind, actor, at) "
        "VALUES (?, 'item', ?, 'future_thing', 'cli', 'clerk', ?)",
        [item_id, item_id, (NOW + timedelta(days=1)).isoformat()],
    )
    told = _told(db, item_id, "zh")
    assert told[-1] == ("📌 记录了一项变更（办公室（命令行））", "📌 记录了一项变更", "")
    assert "future_thing" not in " ".join(_told(db, item_id, "en")[-1])
