"""The README's four demo stories, told once and run for a person on Telegram and on DingTalk
(issue 16, "Done when"): the bot runs both front-ends over one ledger, DingTalk through its
stand-in with the real dingtalk-stream SDK as the client.

What differs on purpose is asserted where it shows: DingTalk takes no location, so the visit
asks for ✅ 已到现场 and its summary says 位置：钉钉未提供 · 确认到场.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain.lifecycle import Role
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.images import make_jpeg
from sandbox.server import Sandbox
from tests.conftest import CLOCK_START
from tests.dingtalk.either import (
    PLATFORMS,
    EitherPhone,
    Platform,
    Shown,
    World,
    both_front_ends,
)
from tests.harness import at


@pytest.fixture(params=PLATFORMS)
def platform(request: pytest.FixtureRequest) -> Platform:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
async def world(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> AsyncIterator[World]:
    """Both front-ends, on a clock set to a working Monday morning (reminders go out)."""
    async with both_front_ends(bot_sandbox, standin, tmp_path, FakeClock(CLOCK_START)) as built:
        yield built


async def arrive(inspector: EitherPhone) -> None:
    """Proof of presence as each platform allows: the location on Telegram, a tap on
    ✅ 已到现场 on DingTalk (whose robots receive no location)."""
    if inspector.platform == "telegram":
        assert inspector.telegram is not None
        await inspector.expect("发送当前位置")
        await inspector.telegram.send_location(32.39, 120.57)
        await inspector.expect("已记录到场位置")
        return
    asked = await inspector.expect("钉钉机器人收不到位置")
    assert asked.buttons == ["✅ 已到现场"]
    await inspector.tap("✅ 已到现场")
    await inspector.expect("已登记到场（卓远半导体）：08:")


async def test_an_inspectors_visit(world: World, platform: Platform) -> None:
    """王督查 visits 卓远半导体, proves he is there, records a finding with a photo, ties it to
    an item and ends the visit: the office and the unit's contact hear of it."""
    duban = world.duban
    item = duban.seed_item(
        "相关镇区孵化器建设速度不快", company="卓远半导体", town="高新区", unit="科技局",
        deadline=CLOCK_START.date() - timedelta(days=40),
    )  # fmt: skip
    office = await world.office(platform)
    contact = await world.person(platform, "赵联络", Role.CONTACT, unit="科技局")
    inspector = await world.person(platform, "王督查", Role.INSPECTOR)

    await inspector.send("/visit")
    await inspector.expect("选择企业")
    await inspector.send("卓远")
    await inspector.expect("匹配的企业")
    await inspector.tap("卓远半导体（高新区）")
    card = await inspector.expect("走访中")
    assert item.code in card.text and "🔴" in card.text
    await arrive(inspector)

    await inspector.send("企业反映：研发费用归集口径不清，高企申报材料需要专人指导")
    await inspector.send_photo(make_jpeg(640, 480, 1))
    asked = await inspector.expect("照片 1 张")
    assert any(item.code in label for label in asked.buttons)
    await inspector.tap(item.code)
    await inspector.expect(f"已关联：{item.code}")

    await inspector.send("/done")
    summary = await inspector.expect("走访结束：卓远半导体")
    assert "发现 1 条" in summary.text and "照片 1 张" in summary.text
    if platform == "dingtalk":
        assert "\n位置：钉钉未提供 · 确认到场 06-03 08:" in summary.text
        assert "未发送位置" not in summary.text and "不符" not in summary.text
    await office.expect("走访结束：卓远半导体")
    notice = await contact.expect("贵单位牵头")
    assert item.code in notice.text
    db = duban.db()
    try:
        kinds = [row["kind"] for row in db["evidence"].rows]
        assert kinds == ["photo"]
        (visit,) = db.execute("SELECT latitude, confirmed_at FROM visits").fetchall()
    finally:
        db.close()
    if platform == "dingtalk":
        assert visit[0] is None and visit[1] is not None  # the tap's server time
    else:
        assert visit[0] == 32.39


async def open_card(phone: EitherPhone, code: str) -> Shown:
    """/item CODE, and the card it shows (not another message that names the code)."""
    await phone.send(f"/item {code}")
    return await phone.expect(re.compile(rf"{code}[^\n]*\n状态"))


async def test_a_contacts_reminder_progress_and_close_out(world: World, platform: Platform) -> None:
    """赵联络 gets the morning reminder and acknowledges it (签收) — the reminder is edited and
    its button goes —, reports progress with a photo and a figure, and asks to close; the
    office approves and 赵联络 is told."""
    duban = world.duban
    office = await world.office(platform)
    contact = await world.person(platform, "赵联络", Role.CONTACT, unit="科技局")
    item = duban.seed_task(
        "高新技术企业净增", "科技局", date(2024, 12, 31), target="净增142家", target_number=142
    )
    await duban.sweep(at(6, 3))
    reminder = await contact.expect("督办提醒")
    assert "新交办，请签收" in reminder.text
    await contact.tap("签收新交办事项")
    await contact.expect(f"已签收 1 项：{item.code}")
    edited = await contact.expect("✅ 已签收（赵联络 09:00）")  # the reminder, edited in place
    assert "督办提醒" in edited.text and not any("签收" in b for b in edited.buttons)

    await contact.tap(item.code)
    await contact.expect("净增142家")
    await contact.tap("📝 报告进展")
    await contact.expect("目标 142")
    await contact.send("已新增认定 98 家")
    await contact.expect("文字 1 段")
    await contact.send_photo(make_jpeg(640, 480, 2))
    await contact.expect("文件 1 个")
    await contact.send("98")
    await contact.expect("完成数 98")
    await contact.tap("提交")
    await contact.expect("进展已记录（附件 1 个）")

    await open_card(contact, item.code)
    await contact.tap("✅ 申请销号")
    await contact.expect("申请")
    await contact.send("已净增 150 家，认定名单附后")
    await contact.send_photo(make_jpeg(640, 480, 3))
    await contact.expect("文件 1 个")
    await contact.tap("提交")
    await contact.expect("核验人员审核")
    await world.evidence_kept()
    request = await office.expect("销号核验")
    assert request.buttons == ["✅ 销号", "↩️ 退办"]
    await office.tap("✅ 销号")
    await office.expect(f"{item.code} 已销号")
    await contact.expect("已通过核验并销号")
    await office.tap("✅ 销号")  # the request's card, tapped again: decided once only
    await office.expect("已经处理过了")
    db = duban.db()
    try:
        report = db.execute("SELECT text, figure FROM progress_reports").fetchone()
        status = db.execute("SELECT status FROM items WHERE id = ?", [item.id]).fetchone()
        kinds = [row["kind"] for row in db["evidence"].rows]
    finally:
        db.close()
    assert tuple(report) == ("已新增认定 98 家", 98.0)
    assert status == ("closed",) and kinds == ["photo", "photo"]
