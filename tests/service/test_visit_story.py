"""The visit story (四不两直) told through the services, with no sandbox and no Telegram.

An inspector starts a visit at 卓远半导体, writes a finding, sends a photo, ties the finding
to the company's item, and ends the visit; the office and the contact of the item's lead
unit are told. Every step is a command, a text, a photo or a tap on a desk
(tests/recording.py), and every assertion is on the neutral messages a person is shown:
the same story as tests/scenarios/test_visits_flow.py, in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.chat import Text
from bot.domain.lifecycle import Role
from storage import people
from tests.recording import Desk, Recording
from tests.report_seed import Seeded, _person, seed


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording.open(tmp_path / "duban.sqlite", now=datetime.now(UTC))
    yield recording
    recording.close()


@pytest.fixture
def ledger(recording: Recording) -> Seeded:
    """tests/report_seed.py's ledger: 卓远半导体 (磨头镇) has one open item, led by 科技局
    and overdue by ten days; 力沛阀门's is 工信局's."""
    return seed(recording.db, recording.now)


def person(recording: Recording, name: str, role: Role, tg: int, unit: str | None = None) -> Desk:
    return recording.desk(_person(recording.db, name, role, unit, tg))


def test_a_visit_told_through_the_services(recording: Recording, ledger: Seeded) -> None:
    admin = person(recording, "办公室管理员", Role.ADMIN, 9000)
    contact = person(recording, "赵联络", Role.CONTACT, 6102, unit="科技局")
    other_contact = person(recording, "钱联络", Role.CONTACT, 6103, unit="工信局")
    inspector = person(recording, "王督查", Role.INSPECTOR, 6101)
    chip = ledger.codes["chip"]

    # The company is found by part of its name and picked with one tap.
    inspector.send("/visit 卓远")
    matches = inspector.expect("匹配的企业")
    assert "卓远半导体（磨头镇）" in [button.label for button in matches.buttons]
    inspector.tap("卓远半导体（磨头镇）")
    card = inspector.expect("走访中")
    assert chip in card.text and "逾期" in card.text  # the overdue item
    assert "🟡" in card.text or "🔴" in card.text  # in its colour
    where = inspector.expect("发送当前位置")
    assert isinstance(where.message, Text) and where.message.request_location

    # A finding, then a photo of it; one tap ties both to the item.
    inspector.send("企业反映研发费用加计扣除政策不清楚")
    question = inspector.expect("与哪个事项有关")
    assert any(chip in button.label for button in question.buttons)
    inspector.send_photo()
    inspector.expect("照片 1 张")
    inspector.tap(chip)
    inspector.expect(f"已关联：<code>{chip}</code>")

    # Ending the visit: the summary for the inspector, the office and the lead unit.
    inspector.send("/done")
    summary = inspector.expect("走访结束：卓远半导体")
    assert "发现 1 条" in summary.text and "照片 1 张" in summary.text
    assert any(
        isinstance(shown.message, Text) and shown.message.remove_keyboard
        for shown in inspector.shown
    ), "the location keyboard stays after the visit"
    admin.expect("走访结束：卓远半导体")
    notice = contact.expect("贵单位牵头")
    assert chip in notice.text
    other_contact.expect_nothing()

    db = recording.db
    findings = db.execute("SELECT id, item_id FROM findings").fetchall()
    assert [item_id for _, item_id in findings] == [ledger.ids["chip"]]
    evidence = db.execute("SELECT kind, item_id FROM evidence").fetchall()
    assert evidence == [("photo", ledger.ids["chip"])]
    status = db.execute("SELECT status FROM items WHERE id = ?", [ledger.ids["chip"]])
    assert status.fetchone()[0] == "in_progress"


def test_a_visit_in_english_left_untied(recording: Recording, ledger: Seeded) -> None:
    """An English-speaking inspector picks the company by town, leaves a finding untied
    ("Later"), and reads the whole visit in English; nobody else is told of it."""
    contact = person(recording, "赵联络", Role.CONTACT, 6102, unit="科技局")
    inspector = person(recording, "Inspector Wang", Role.INSPECTOR, 6111)
    people.set_language(recording.db, inspector.person_id, "en")

    inspector.send("/visit")
    inspector.expect("Choose the company")
    inspector.tap("By town")
    inspector.expect("Choose the town")
    inspector.tap("磨头镇")
    inspector.expect("Companies in 磨头镇")
    inspector.tap("卓远半导体")
    inspector.expect("visit open since")
    inspector.send("The workshop lacks ventilation")
    inspector.expect("Which item is this about?")
    inspector.tap("Later")
    inspector.expect("not tied for now")
    inspector.send("/done")
    summary = inspector.expect("Visit finished: 卓远半导体")
    assert "Findings: 1" in summary.text and "not tied to an item: 1" in summary.text
    assert all(shown.lang == "en" for shown in inspector.shown)
    contact.expect_nothing()
