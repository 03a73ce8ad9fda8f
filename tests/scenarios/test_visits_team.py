"""Visits under pressure: colleagues joining, mistakes corrected, forged taps, restarts."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

from bot.domain.lifecycle import Role
from sandbox.phones import Phone
from storage.evidence import STORED_ACTION
from tests.harness import Duban


def _seed(duban: Duban) -> tuple:
    today = datetime.now(UTC).date()
    first = duban.seed_item(
        "研发投入不足", company="卓远半导体", town="高新区", unit="科技局",
        deadline=today - timedelta(days=3),
    )  # fmt: skip
    second = duban.seed_item(
        "厂房扩建审批进度慢", company="卓远半导体", town="高新区", unit="工信局",
        deadline=today + timedelta(days=30),
    )  # fmt: skip
    elsewhere = duban.seed_item("高企申报材料不全", company="力威机械", town="磨头镇")
    return first, second, elsewhere


async def _start_visit(phone: Phone) -> None:
    await phone.send("/visit 卓远")
    await phone.expect("匹配的企业")
    await phone.tap("卓远半导体（高新区）")
    await phone.expect("走访中")


def _audit_actions(duban: Duban, entity: str) -> list[str]:
    db = duban.db()
    try:
        rows = db.execute(
            "SELECT action FROM audit_events WHERE entity = ? ORDER BY id", [entity]
        ).fetchall()
        return [row[0] for row in rows]
    finally:
        db.close()


async def test_team_visit_members_see_each_others_findings(duban: Duban) -> None:
    """A colleague joins an open visit from /visit; each gets a notice of the other's
    findings, and both get the summary naming the team."""
    _seed(duban)
    wang = await duban.register(6201, "王督查", Role.INSPECTOR)
    li = await duban.register(6202, "李督查", Role.INSPECTOR)
    await _start_visit(wang)

    await li.send("/visit")
    await li.expect("选择企业")
    await li.tap("加入 王督查 在 卓远半导体 的走访")
    await li.expect("走访中")
    await wang.expect("李督查 加入了本次走访")

    await li.send("仓库消防通道堵塞")
    await wang.expect("👥 李督查：仓库消防通道堵塞")
    await wang.send("企业说人才公寓还没落实")
    await li.expect("👥 王督查：企业说人才公寓还没落实")

    await li.send("/done")
    summary = await wang.expect("走访结束：卓远半导体")
    assert "王督查、李督查" in summary.text and "发现 2 条" in summary.text
    await li.expect("走访结束：卓远半导体")


async def test_finding_moved_photo_moved_and_finding_withdrawn(duban: Duban) -> None:
    """Mistakes are fixed with buttons: a finding moves to another item, a single photo
    moves on its own, a finding is withdrawn — all kept and audited, nothing deleted."""
    first, second, _ = _seed(duban)
    wang = await duban.register(6211, "王督查", Role.INSPECTOR)
    await _start_visit(wang)

    await wang.send("研发费用归集不规范")
    await wang.send_photo()
    await wang.expect("照片 1 张")
    await wang.tap(first.code)
    await wang.expect(f"已关联：{first.code}")
    await wang.tap("移到其他事项")
    await wang.expect("移到哪个事项")
    await wang.tap(second.code)
    await wang.expect(f"已关联：{second.code}")

    await wang.tap("逐个整理")
    await wang.expect("点一个文件")
    await wang.tap("📷 1")
    shown = await wang.expect_message()
    assert shown.photo is not None
    await wang.tap("移到其他事项")
    await wang.expect("移到哪个事项")
    await wang.tap(first.code)
    await wang.expect(f"已将这个文件移到 {first.code}")

    await wang.send("这条记错了")
    await wang.expect("发现 2")
    await wang.tap("撤回")
    await wang.expect("已撤回这条发现")

    db = duban.db()
    try:
        rows = db.execute("SELECT text, item_id, withdrawn FROM findings ORDER BY id").fetchall()
        assert rows == [("研发费用归集不规范", second.id, 0), ("这条记错了", None, 1)]
        assert db.execute("SELECT item_id FROM evidence").fetchone()[0] == first.id
    finally:
        db.close()
    assert _audit_actions(duban, "finding") == ["tied", "moved", "withdrawn"]
    # The download job also chains the photo's sha256 (file_stored), whenever it has run.
    people_did = [a for a in _audit_actions(duban, "evidence") if a != STORED_ACTION]
    assert people_did == ["moved"]

    await wang.send("/done")
    summary = await wang.expect("走访结束")
    assert "发现 1 条" in summary.text


async def test_forged_and_foreign_callbacks_are_refused(duban: Duban) -> None:
    """A callback carrying another person's token, or a token whose payload names another
    company's item, changes nothing."""
    first, _, elsewhere = _seed(duban)
    wang = await duban.register(6221, "王督查", Role.INSPECTOR)
    li = await duban.register(6222, "李督查", Role.INSPECTOR)
    await _start_visit(wang)
    await wang.send("设备老化")
    await wang.expect("发现 1")

    # A button the server made for 王, tapped from 李's client.
    token = wang.latest.inline_keyboard[0][0]["callback_data"]
    await li.send("/visits")
    await li.expect("还没有走访记录")
    assert "不属于您" in (await duban.forged_tap(li, token)).text

    # A token for 王 whose payload names 力威机械's item (as a tampered server row would).
    db = duban.db()
    try:
        finding_id = db.execute("SELECT id FROM findings").fetchone()[0]
        person_id = db.execute("SELECT id FROM people WHERE name = '王督查'").fetchone()[0]
        forged = secrets.token_urlsafe(12)
        now = datetime.now(UTC)
        db["buttons"].insert(
            {
                "token": forged,
                "person_id": person_id,
                "action": "finding.tie",
                "payload": json.dumps({"finding": finding_id, "item": elsewhere.id}),
                "created_at": now.isoformat(),
                "expires_at": (now + timedelta(days=1)).isoformat(),
            }
        )
    finally:
        db.close()
    await duban.forge_tap(wang, forged)
    await wang.expect("不属于本次走访的企业")
    db = duban.db()
    try:
        assert db.execute("SELECT item_id FROM findings").fetchone()[0] is None
        status = db.execute("SELECT status FROM items WHERE id = ?", [elsewhere.id]).fetchone()
        assert status[0] == "open"
    finally:
        db.close()
    assert first.code  # the visit's own items are still offered
    await wang.tap(first.code)
    await wang.expect(f"已关联：{first.code}")


async def test_restart_mid_visit_continues_without_asking_again(duban: Duban) -> None:
    """After a restart the inspector's visit is still open: the next photo joins the
    finding typed before, and nothing is asked twice."""
    _seed(duban)
    wang = await duban.register(6231, "王督查", Role.INSPECTOR)
    await _start_visit(wang)
    await wang.send("污水处理设施未运行")
    await wang.expect("发现 1")

    await duban.restart()
    await wang.send_photo()
    confirmation = await wang.expect("照片 1 张")
    assert "发现 1" in confirmation.text
    await wang.send("/visit")
    await wang.expect("走访中")
    asked = [m for m in wang.bot_messages if "发送当前位置" in m.text]
    chose = [m for m in wang.bot_messages if "选择企业" in m.text]
    assert len(asked) == 1 and not chose


async def test_replayed_update_makes_one_finding(duban: Duban) -> None:
    """The same update delivered twice is stored and applied once."""
    _seed(duban)
    wang = await duban.register(6241, "王督查", Role.INSPECTOR)
    await _start_visit(wang)
    await wang.send("门卫登记制度缺失")
    await wang.expect("发现 1")
    await duban.settle()
    db = duban.db()
    try:
        update_id = db.execute("SELECT update_id FROM findings").fetchone()[0]
        sent = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    finally:
        db.close()
    assert await duban.replay(update_id) == 0
    await duban.settle()
    db = duban.db()
    try:
        assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == sent
    finally:
        db.close()


async def test_team_summary_lists_the_team_as_each_reader_writes_a_list(duban: Duban) -> None:
    """An English-speaking colleague's summary names the team "王督查, Smith" (a Chinese
    enumeration comma would be a stray mark in English); the Chinese one keeps 、. A
    correction after /done (a finding withdrawn) keeps each reader's way too."""
    _seed(duban)
    wang = await duban.register(6211, "王督查", Role.INSPECTOR)
    smith = await duban.register(6212, "Smith", Role.INSPECTOR, language="en")
    await _start_visit(wang)
    await smith.send("/visit")
    await smith.expect("Choose")
    await smith.tap("👥 Join 王督查 at 卓远半导体")
    await wang.expect("Smith 加入了本次走访")
    await wang.send("这条记错了")
    await wang.expect("发现 1")

    await smith.send("/done")
    assert "Inspectors: 王督查, Smith" in (await smith.expect("Visit finished")).text
    assert "督查：王督查、Smith" in (await wang.expect("走访结束")).text
    await duban.settle()

    await wang.tap("撤回")
    await wang.expect("已撤回这条发现")
    corrected = await smith.expect("Corrected")
    assert "Inspectors: 王督查, Smith" in corrected.text


async def test_item_card_lists_a_team_visit_in_the_readers_way(duban: Duban) -> None:
    """The item card's visits block names a team as the reader writes a list: "王督查, Smith"
    for an English reader, 王督查、Smith for a Chinese one."""
    first, _, _ = _seed(duban)
    wang = await duban.register(6221, "王督查", Role.INSPECTOR)
    smith = await duban.register(6222, "Smith", Role.INSPECTOR, language="en")
    await _start_visit(wang)
    await smith.send("/visit")
    await smith.expect("Choose")
    await smith.tap("👥 Join 王督查 at 卓远半导体")
    await wang.expect("Smith 加入了本次走访")
    await wang.send("设备老化严重")
    await wang.expect("发现 1")
    await wang.tap(first.code)
    await wang.expect(f"已关联：{first.code}")
    await wang.send("/done")
    await smith.expect("Visit finished")

    await smith.send(f"/item {first.code}")
    assert "卓远半导体 王督查, Smith:" in (await smith.expect("Visits")).text
    await wang.send(f"/item {first.code}")
    assert "卓远半导体 王督查、Smith：" in (await wang.expect("走访记录")).text
