"""The README's four demo stories, told once and run for a person on Telegram and on DingTalk
(issue 16, "Done when"): the bot runs both front-ends over one ledger, DingTalk through its
stand-in with the real dingtalk-stream SDK as the client.

What differs on purpose is asserted where it shows: DingTalk takes no location, so the visit
asks for ✅ 已到现场 and its summary says 位置：钉钉未提供 · 确认到场.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest

from bot.domain.audit import Origin
from bot.domain.items import Item
from bot.domain.lifecycle import Role
from sandbox.images import make_jpeg
from sandbox.phones import Phone
from storage import leader_units
from tests.conftest import CLOCK_START
from tests.dingtalk.scenario_phone import DingTalkScenarioPhone, as_read
from tests.harness import (
    ON_BOTH_FRONT_ENDS,
    AnyPhone,
    Duban,
    at,
    button_token,
    expect_document,
    expect_pictures,
    last_document,
    office,
    open_card,
    register_on_telegram,
    start_visit,
    telegram_office,
)
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms


async def arrive(inspector: AnyPhone) -> None:
    """Proof of presence as each platform allows: the location on Telegram, a tap on
    ✅ 已到现场 on DingTalk (whose robots receive no location)."""
    if isinstance(inspector, Phone):
        await inspector.expect("发送当前位置")
        await inspector.send_location(32.39, 120.57)
        await inspector.expect("已记录到场位置")
        return
    asked = await inspector.expect("钉钉机器人收不到位置")
    assert asked.buttons == ["✅ 已到现场"]
    await inspector.tap("✅ 已到现场")
    await inspector.expect("已登记到场（卓远半导体）：08:")


async def test_an_inspectors_visit(duban_clock: Duban) -> None:
    """王督查 visits 卓远半导体, proves he is there, records a finding with a photo, ties it to
    an item and ends the visit: the office and the unit's contact hear of it."""
    duban = duban_clock
    item = duban.seed_item(
        "相关镇区孵化器建设速度不快", company="卓远半导体", town="高新区", unit="科技局",
        deadline=CLOCK_START.date() - timedelta(days=40),
    )  # fmt: skip
    admin = await office(duban)
    contact = await duban.register(7101, "赵联络", Role.CONTACT, unit="科技局")
    inspector = await duban.register(7102, "王督查", Role.INSPECTOR)

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
    if duban.platform == "dingtalk":
        assert "\n位置：钉钉未提供 · 确认到场 06-03 08:" in summary.text
        assert "未发送位置" not in summary.text and "不符" not in summary.text
    await admin.expect("走访结束：卓远半导体")
    notice = await contact.expect("贵单位牵头")
    assert item.code in notice.text
    db = duban.db()
    try:
        kinds = [row["kind"] for row in db["evidence"].rows]
        assert kinds == ["photo"]
        (visit,) = db.execute("SELECT latitude, confirmed_at FROM visits").fetchall()
    finally:
        db.close()
    if duban.platform == "dingtalk":
        assert visit[0] is None and visit[1] is not None  # the tap's server time
    else:
        assert visit[0] == 32.39


async def test_a_contacts_reminder_progress_and_close_out(duban_clock: Duban) -> None:
    """赵联络 gets the morning reminder and acknowledges it (签收) — the reminder is edited and
    its button goes —, reports progress with a photo and a figure, and asks to close; the
    office approves and 赵联络 is told."""
    duban = duban_clock
    admin = await office(duban)
    contact = await duban.register(7101, "赵联络", Role.CONTACT, unit="科技局")
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
    request = await admin.expect("销号核验")
    assert request.buttons == ["✅ 销号", "↩️ 退办"]
    kept = button_token(admin, request, "✅ 销号")  # the card loses it once decided
    await admin.tap("✅ 销号")
    await admin.expect(f"{item.code} 已销号")
    await contact.expect("已通过核验并销号")
    await duban.forge_tap(admin, kept)  # the request's button, tapped again: decided once only
    await admin.expect("已经处理过了")
    db = duban.db()
    try:
        report = db.execute("SELECT text, figure FROM progress_reports").fetchone()
        status = db.execute("SELECT status FROM items WHERE id = ?", [item.id]).fetchone()
        kinds = [row["kind"] for row in db["evidence"].rows]
    finally:
        db.close()
    assert tuple(report) == ("已新增认定 98 家", 98.0)
    assert status == ("closed",) and kinds == ["photo", "photo"]


@ON_BOTH_FRONT_ENDS
async def test_a_telegram_inspector_and_a_dingtalk_contact_work_one_item(
    duban_clock: Duban,
) -> None:
    """One deployment, one ledger: 王督查 on Telegram logs a finding with a photo on an item;
    赵联络 on DingTalk gets the reminder card, taps 签收 (the card is updated), hears of the
    finding, reports progress and asks to close with a picture; the office on Telegram sees
    that picture, approves, and 赵联络 is told on DingTalk."""
    duban = duban_clock
    item = duban.seed_item(
        "相关镇区孵化器建设速度不快", company="卓远半导体", town="高新区", unit="科技局",
        deadline=CLOCK_START.date() + timedelta(days=20),
    )  # fmt: skip
    admin = await telegram_office(duban)
    contact = await duban.register(7101, "赵联络", Role.CONTACT, unit="科技局")  # DingTalk
    inspector = await register_on_telegram(duban, 7102, "王督查", Role.INSPECTOR)

    await duban.sweep(at(6, 3))
    await contact.expect("新交办，请签收")
    await contact.tap("签收新交办事项")
    edited = await contact.expect("✅ 已签收（赵联络 09:00）")
    assert not any("签收" in label for label in edited.buttons)

    await start_visit(inspector)
    await arrive(inspector)
    await inspector.send("孵化器二期主体完工，招商进度慢")
    await inspector.send_photo(make_jpeg(640, 480, 4))
    await inspector.expect("照片 1 张")
    await inspector.tap(item.code)
    await inspector.expect(f"已关联：{item.code}")
    await inspector.send("/done")
    await inspector.expect("走访结束：卓远半导体")
    notice = await contact.expect("贵单位牵头")
    assert item.code in notice.text and notice.buttons == [f"📂 查看 {item.code}"]

    await contact.tap(f"📂 查看 {item.code}")
    await contact.expect("状态：推进中")
    await contact.tap("📝 报告进展")
    await contact.send("二期已入驻 12 家企业")
    await contact.expect("文字 1 段")
    await contact.tap("提交")
    await contact.expect("进展已记录")
    await open_card(contact, item.code)
    await contact.tap("✅ 申请销号")
    await contact.send("孵化器二期已投用，入驻率 85%")
    await contact.send_photo(make_jpeg(640, 480, 5))
    await contact.expect("文件 1 个")
    await contact.tap("提交")
    await contact.expect("核验人员审核")
    request = await admin.expect("销号核验", within=20)
    assert "孵化器二期已投用" in request.text
    await expect_pictures(admin, 1)  # the DingTalk picture, shown on Telegram
    await admin.tap("✅ 销号")
    await admin.expect(f"{item.code} 已销号")
    await contact.expect("已通过核验并销号")
    db = duban.db()
    try:
        status = db.execute("SELECT status FROM items WHERE id = ?", [item.id]).fetchone()
        platforms = db.execute(
            "SELECT p.platform FROM evidence AS e JOIN people AS p ON p.id = e.person_id "
            "ORDER BY e.id"
        ).fetchall()
    finally:
        db.close()
    assert status == ("closed",)
    assert platforms == [("telegram",), ("dingtalk",)]  # both photos on the one item


async def test_the_administrators_invite(duban_clock: Duban) -> None:
    """办公室 invites a contact of 财政局 with /invite; the newcomer redeems it on the same
    platform (/start CODE on Telegram, 绑定 CODE in DingTalk), is registered with the unit,
    and the office is told who used it; /users lists them."""
    duban = duban_clock
    duban.seed_item("财政专项资金拨付滞后", unit="财政局")
    admin = await office(duban)
    await admin.send("/invite")
    await admin.expect("邀请哪类用户")
    await admin.tap("承办单位联络员")
    await admin.expect("联络员属于哪个承办单位")
    await admin.tap("财政局")
    await admin.expect("请输入被邀请人的姓名")
    await admin.send("钱联络")
    made = await admin.expect("生成邀请链接")
    found = re.search(r"start=([\w-]+)", made.text)
    assert found is not None, made.text
    code = found.group(1)

    newcomer = duban.phone(7301, "钱联络")
    await newcomer.send(f"/start {code}" if duban.platform == "telegram" else f"绑定 {code}")
    welcome = await newcomer.expect("欢迎，钱联络")
    assert "承办单位联络员" in welcome.text and "财政局" in welcome.text
    await admin.expect("邀请已被使用：钱联络")
    await admin.send("/users")
    listing = await admin.expect("位用户")
    assert any("钱联络" in label for label in listing.buttons)
    await newcomer.send("/mine")
    mine = await newcomer.expect("财政局的督办事项（1）")
    assert any("财政专项资金拨付滞后" in label for label in mine.buttons)


async def test_a_leaders_report(duban: Duban) -> None:
    """陈主任, who oversees 工信局, asks for this year's report: the summary, one tall picture
    (督办一览) first, then the detailed charts; /red lists the red items."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    leader = await duban.register(7401, "陈主任", Role.LEADER)
    db = duban.db()
    try:
        unit = db.execute("SELECT id FROM units WHERE name = '工信局'").fetchone()[0]
        leader_units.add(db, duban.person_id(7401), unit, Origin.cli(datetime.now(UTC)))
    finally:
        db.close()

    await leader.send("/report")
    await leader.expect("督办报表")
    await leader.tap("本年")
    await leader.expect("期间：本年")
    await leader.tap("📊 生成报表")
    await leader.expect("事项 6 项，已销号 2 项", within=40)
    await leader.expect("督办一览", within=40)  # the tall picture's caption
    await expect_pictures(leader, 6, within=40)  # the picture, then at least five charts
    await leader.send("/red")
    await leader.expect("红色")


@ON_BOTH_FRONT_ENDS
async def test_the_weekly_digest_reaches_leaders_on_both_platforms(duban_clock: Duban) -> None:
    """Monday's digest: a leader on DingTalk gets the week's picture then the words with
    📄 完整周报, as the one on Telegram does — a DingTalk leader's digest job once failed
    the whole sweep (its staff id taken for a Telegram chat number), so nobody got one."""
    duban = duban_clock
    duban.seed_task("技改项目推进缓慢", "工信局", date(2024, 4, 1))
    admin = await telegram_office(duban)
    leaders = [
        await duban.register(7401, "陈主任", Role.LEADER),  # DingTalk
        await register_on_telegram(duban, 7402, "李主任", Role.LEADER),
    ]
    await duban.sweep(at(5, 31))
    await duban.sweep(at(6, 3))
    for leader in leaders:
        words = await leader.expect("督办周报", within=40)
        assert "📄 完整周报" in words.buttons
        await expect_pictures(leader, 1)
        assert "本周一览" in "\n".join(m.text for m in leader.bot_messages)  # its caption
    await admin.expect("督办周报")
    assert not any(m.photo for m in admin.bot_messages)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def exported(duban: Duban) -> tuple[AnyPhone, Item, bytes]:
    """The office on the test's platform exports 磨头镇 (one item) with /export; returns its
    phone, the item and the workbook's bytes as the phone saved them."""
    item = duban.seed_item(
        "高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局",
        deadline=datetime.now(UTC).date() + timedelta(days=5),
    )  # fmt: skip
    admin = await office(duban)
    await duban.register(7501, "李督查", Role.INSPECTOR)
    await admin.send("/export")
    await admin.expect("导出督办台账")
    await admin.tap("按镇区")
    await admin.expect("选择镇区")
    await admin.tap("磨头镇")
    await admin.expect("范围：磨头镇")
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 1 项（磨头镇）", within=40)
    await expect_document(admin, ".xlsx")
    workbook = admin.download(last_document(admin)["file_id"])
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["全部事项"]
    headers = [cell.value for cell in sheet[2]]
    assert sheet.cell(row=3, column=headers.index("督办编号") + 1).value == item.code
    return admin, item, workbook


async def test_the_office_exports_the_ledger_as_a_workbook(duban: Duban) -> None:
    """/export → 按镇区 → 磨头镇 → 📗 Excel 表格: the workbook arrives as a file."""
    admin, _, _ = await exported(duban)
    await expect_document(admin, "督办台账_磨头镇_")


async def test_an_exported_sheet_sent_back_and_edited_imports_once_confirmed(
    duban: Duban,
) -> None:
    """The workbook sent back unchanged changes nothing; with 李督查 added to 督查人员 the
    preview offers one assignment, made once confirmed."""
    admin, item, exported_book = await exported(duban)
    book = openpyxl.load_workbook(io.BytesIO(exported_book))
    sheet = book["全部事项"]
    headers = [cell.value for cell in sheet[2]]
    await admin.send_document(exported_book, "台账.xlsx")
    unchanged = await admin.expect("表格与台账一致，无需导入", within=40)
    assert "新增 0 项，修改 0 项，未变 1 项" in unchanged.text
    sheet.cell(row=3, column=headers.index("督查人员") + 1).value = "李督查"
    edited = io.BytesIO()
    book.save(edited)
    await admin.send_document(edited.getvalue(), "台账.xlsx")
    await admin.expect("将新增 1 项督查指派", within=40)
    await admin.tap("✅ 确认导入")
    await admin.expect("导入完成：新增 0 项，修改 0 项", within=40)
    db = duban.db()
    try:
        assigned = db.execute(
            "SELECT p.name FROM item_inspectors AS i JOIN people AS p ON p.id = i.person_id "
            "WHERE i.item_id = ?",
            [item.id],
        ).fetchall()
    finally:
        db.close()
    assert assigned == [("李督查",)]


async def test_an_extension_is_asked_for_and_approved(duban_clock: Duban) -> None:
    """⏳ 申请延期 from the item's card: a date the bot cannot read is asked again, then the
    reason; the office approves and the contact hears the new deadline."""
    duban = duban_clock
    admin = await office(duban)
    contact = await duban.register(7101, "赵联络", Role.CONTACT, unit="科技局")
    item = duban.seed_task("研发投入占比偏低", "科技局", date(2024, 6, 14))
    await open_card(contact, item.code)
    await contact.tap("⏳ 申请延期")
    await contact.expect("请输入新的完成日期")
    await contact.send("下个月吧")
    await contact.expect("无法识别这个日期")
    await contact.send("2024-06-28")
    await contact.expect("请说明延期理由")
    await contact.send("等待省级认定结果")
    await contact.expect("等待办公室审批")
    request = await admin.expect("延期申请")
    assert "等待省级认定结果" in request.text
    await admin.tap("同意")
    await admin.expect("已同意")
    await contact.expect("新时限 2024-06-28")


@ON_BOTH_FRONT_ENDS
async def test_history_shows_a_telegram_photo_to_a_dingtalk_contact(duban_clock: Duban) -> None:
    """/history CODE on DingTalk shows the item's story in words, and 🖼 照片 the photo a
    Telegram inspector took there (sent from MEDIA_DIR once it is downloaded)."""
    duban = duban_clock
    item = duban.seed_item(
        "研发投入不足", company="卓远半导体", town="高新区", unit="科技局",
        deadline=CLOCK_START.date() + timedelta(days=20),
    )  # fmt: skip
    inspector = await register_on_telegram(duban, 7102, "王督查", Role.INSPECTOR)
    contact = await duban.register(7101, "赵联络", Role.CONTACT, unit="科技局")  # DingTalk
    await start_visit(inspector)
    await inspector.send("研发中心尚未挂牌")
    await inspector.send_photo(make_jpeg(640, 480, 6))
    await inspector.expect("照片 1 张")
    await inspector.tap(item.code)
    await inspector.expect(f"已关联：{item.code}")
    await contact.send(f"/history {item.code}")
    story = await contact.expect("研发中心尚未挂牌", within=30)
    assert "王督查" in story.text
    await contact.tap("🖼 照片（1）")
    await expect_pictures(contact, 1)


@ON_BOTH_FRONT_ENDS
async def test_on_dingtalk_the_arrival_is_confirmed_once_and_pictures_come_as_rich_text(
    duban_clock: Duban,
) -> None:
    """DingTalk's visit never waits for a location: ✅ 已到现场 records the arrival once (a
    second tap keeps the first time), and a message of words with two pictures — DingTalk's
    rich text, its nearest thing to an album — is one finding with both photos."""
    duban = duban_clock
    duban.seed_research_item()
    inspector = await duban.register(7102, "王督查", Role.INSPECTOR)  # DingTalk
    await start_visit(inspector)
    assert isinstance(inspector, DingTalkScenarioPhone)
    assert not any("发送当前位置" in as_read(said.text) for said in inspector.received())
    await inspector.expect("钉钉机器人收不到位置")
    await inspector.tap("✅ 已到现场")
    await inspector.expect("已登记到场（卓远半导体）：08:00")
    await duban.travel(CLOCK_START + timedelta(minutes=20))
    await inspector.tap("✅ 已到现场")
    await inspector.expect("到场时间已登记过，以第一次为准")
    await inspector.send_album(
        [make_jpeg(640, 480, 7), make_jpeg(640, 480, 8)], caption="厂房二期未验收"
    )
    await inspector.expect("照片 2 张")
    await inspector.send("/done")
    summary = await inspector.expect("走访结束：卓远半导体")
    assert "\n位置：钉钉未提供 · 确认到场 06-03 08:00" in summary.text
    assert "发现 1 条 · 照片 2 张" in summary.text
