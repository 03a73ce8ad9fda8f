"""分管 (issue 14): the office assigns each leader the units they oversee, from the chat and
the command line; a leader hears of their units' items turning red, and one with no units
hears of all, as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.domain.lifecycle import Role
from storage.rows import fetch_all
from tests.desk import at_the_desk
from tests.harness import AnyPhone, Duban, answered, at, office

pytestmark = pytest.mark.both_platforms

SCIENCE, INDUSTRY = "科技局", "工信局"


async def test_red_items_reach_the_leaders_of_their_unit(duban_clock: Duban) -> None:
    """The office gives 陈主任 科技局 in /leaders; when a 科技局 item and a 工信局 item turn
    red, 陈主任 hears of the first only, and 李主任 (no units) of both. A leader cannot
    change 分管, and the change is in the audit trail."""
    admin = await office(duban_clock)
    chen = await duban_clock.register(7301, "陈主任", Role.LEADER)
    li = await duban_clock.register(7302, "李主任", Role.LEADER)
    ours = duban_clock.seed_task("高企培育后备库入库企业偏少", SCIENCE, date(2024, 5, 3))
    theirs = duban_clock.seed_task("技改项目推进缓慢", INDUSTRY, date(2024, 5, 3))

    await chen.send("/leaders")
    await chen.expect("仅限管理员")

    await admin.send("/leaders")
    await admin.expect("分管领导（2）")
    await admin.tap("陈主任 · 未设（收到全部）")
    await admin.expect("陈主任 的分管单位：未设")
    answer = await admin.tap(SCIENCE)
    await answered(admin, answer, "陈主任 分管 科技局")
    card = await admin.expect("陈主任 的分管单位：科技局")
    assert "✓ 科技局" in card.buttons and INDUSTRY in card.buttons
    await admin.tap("↩️ 领导列表")
    listed = await admin.expect("分管领导（2）")
    assert "陈主任 · 科技局" in listed.buttons

    db = duban_clock.db()
    try:
        events = fetch_all(db, "SELECT action, after FROM audit_events WHERE entity = 'person'")
    finally:
        db.close()
    assert ("leader_unit_added", '{"unit": "科技局"}') in [tuple(e) for e in events]

    await duban_clock.sweep(at(5, 31))  # 28 days overdue: yellow
    await duban_clock.sweep(at(6, 3))  # 31 days: red
    red = await chen.expect("红色督办")
    assert ours.code in red.text
    await li.expect(f"红色督办 {theirs.code}")
    await admin.expect(f"红色督办 {theirs.code}")
    await duban_clock.sweep(at(6, 3, 10))
    assert _red_notices(chen) == [ours.code]
    assert sorted(_red_notices(li)) == sorted([ours.code, theirs.code])


async def test_leader_without_units_hears_of_every_red_item(duban_clock: Duban) -> None:
    """With no 分管 set, a leader hears of every unit's items turning red, as before."""
    await office(duban_clock)
    leader = await duban_clock.register(7311, "李主任", Role.LEADER)
    first = duban_clock.seed_task("高企培育后备库入库企业偏少", SCIENCE, date(2024, 5, 3))
    second = duban_clock.seed_task("技改项目推进缓慢", INDUSTRY, date(2024, 5, 3))
    await duban_clock.sweep(at(5, 31))
    await duban_clock.sweep(at(6, 3))
    await leader.expect(f"红色督办 {second.code}")
    assert sorted(_red_notices(leader)) == sorted([first.code, second.code])


async def test_removing_a_unit_from_the_chat(duban_clock: Duban) -> None:
    """A second tap on a unit takes it away again; the card says so."""
    admin = await office(duban_clock)
    await duban_clock.register(7321, "陈主任", Role.LEADER)
    duban_clock.seed_task("高企培育后备库入库企业偏少", SCIENCE, date(2024, 9, 30))
    await admin.send("/leaders")
    await admin.expect("分管领导（1）")
    await admin.tap("陈主任 · 未设（收到全部）")
    await admin.expect("陈主任 的分管单位：未设")
    await admin.tap(SCIENCE)
    await admin.expect("陈主任 的分管单位：科技局")
    answer = await admin.tap("✓ 科技局")
    await answered(admin, answer, "不再分管")
    await admin.expect("陈主任 的分管单位：未设")


def _red_notices(phone: AnyPhone) -> list[str]:
    """The codes of the red-item notices (🔴 红色督办 CODE …) a phone received."""
    return [m.text.split()[2] for m in phone.bot_messages if m.text.startswith("🔴 红色督办 ")]


def _duban(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``duban ARGS`` at the office's desk: exit status, what it printed, what it complained."""
    status = main(list(args))
    said = capsys.readouterr()
    return status, said.out, said.err


async def test_leader_units_from_the_command_line(
    duban_clock: Duban,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`duban leader-units` lists, adds and removes 分管 (audited, in Chinese by default);
    an unknown leader or unit changes nothing and exits 1. The running bot follows it: the
    leader then hears of his unit's red item only."""
    await office(duban_clock)
    chen = await duban_clock.register(7331, "陈主任", Role.LEADER)
    ours = duban_clock.seed_task("高企培育后备库入库企业偏少", SCIENCE, date(2024, 5, 3))
    duban_clock.seed_task("技改项目推进缓慢", INDUSTRY, date(2024, 5, 3))
    settings = duban_clock.settings
    at_the_desk(monkeypatch, tmp_path, settings.database_path, settings.media_dir)

    status, out, _ = _duban(capsys, "leader-units")
    assert status == 0 and "陈主任：未设（收到全部）" in out
    status, _, err = _duban(capsys, "leader-units", "陈主任", "--add", "宇宙局")
    assert status == 1 and "没有名为「宇宙局」的单位" in err
    status, _, err = _duban(capsys, "leader-units", "王主任", "--add", SCIENCE)
    assert status == 1 and "没有名为「王主任」的在职分管领导" in err
    status, out, err = _duban(capsys, "leader-units", "陈主任", "--add", SCIENCE, "--add", INDUSTRY)
    assert status == 0, err
    assert "陈主任 分管 科技局" in out and "陈主任：科技局、工信局" in out
    status, out, _ = _duban(capsys, "leader-units", "陈主任", "--remove", INDUSTRY, "--lang", "en")
    assert status == 0 and "陈主任 no longer oversees 工信局" in out

    db = duban_clock.db()
    try:
        actions = [
            row["action"]
            for row in fetch_all(db, "SELECT action FROM audit_events WHERE entity = 'person'")
        ]
    finally:
        db.close()
    assert actions.count("leader_unit_added") == 2 and actions.count("leader_unit_removed") == 1

    await duban_clock.sweep(at(5, 31))
    await duban_clock.sweep(at(6, 3))
    await chen.expect(f"红色督办 {ours.code}")
    await duban_clock.sweep(at(6, 3, 10))
    assert _red_notices(chen) == [ours.code]


async def test_a_kept_card_of_someone_no_longer_a_leader_changes_nothing(
    duban_clock: Duban,
) -> None:
    """The office taps a unit on a leader's card after that person became an inspector:
    it is told why, and no 分管 is written."""
    admin = await office(duban_clock)
    await duban_clock.register(7341, "陈主任", Role.LEADER)
    duban_clock.seed_task("高企培育后备库入库企业偏少", SCIENCE, date(2024, 9, 30))
    await admin.send("/leaders")
    await admin.expect("分管领导（1）")
    await admin.tap("陈主任 · 未设（收到全部）")
    await admin.expect("陈主任 的分管单位：未设")
    db = duban_clock.db()
    try:
        db.execute(
            "UPDATE people SET role = 'inspector' WHERE id = ?", [duban_clock.person_id(7341)]
        )
    finally:
        db.close()
    await admin.tap(SCIENCE)
    await admin.expect("此人已不是在职的分管领导")
    db = duban_clock.db()
    try:
        assert db.execute("SELECT COUNT(*) FROM leader_units").fetchone()[0] == 0
    finally:
        db.close()
