"""A visit's presence reads as the platform it was started from allows, wherever its
inspector writes next (issue 16; migration 0025_visit_platform).

王督查 has a Telegram and a DingTalk account. A visit he starts on DingTalk, whose robot
receives no location, is proved by ✅ 已到现场 and reads 位置：钉钉未提供 · 确认到场 — in the
summary, his /visits, the office's export and the dossier — even once he writes from
Telegram. A visit he starts on Telegram reads as Telegram's (its location's distance, or
未发送位置 when he sent none) once he writes from DingTalk. Before each visit recorded its
platform, it was read from the person's, the platform they LAST wrote from: the DingTalk visit
read 未发送位置, the unlocated Telegram visit 位置：钉钉未提供.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.builders.visits_sheet import dossier_lines
from bot.domain.audit import Origin
from bot.domain.items import Item
from bot.domain.lifecycle import Role
from bot.domain.presence import Point
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.server import DingTalkStandIn
from storage import presence
from tests.dingtalk.test_people_both_platforms import duban  # noqa: F401
from tests.harness import (
    AnyPhone,
    Duban,
    export_menu_for_town,
    last_document,
    last_workbook,
    office,
)

WAIT = 30.0
INSPECTOR = 5321  # 王督查's Telegram id
STAFF_ID = "wang5321"  # and his DingTalk staff id, linked from /users
COMPANY, TOWN, PICK = "万达轴承", "吴窑镇", "万达轴承（吴窑镇）"
WANDA = Point(32.3700, 120.5600)
NEAR = (32.3704, 120.5603)  # about 50 m: the works' gate
DINGTALK_ARRIVAL = "位置：钉钉未提供 · 确认到场"


def _wanda_item(bot: Duban, *, placed: bool) -> Item:
    """万达轴承 in 吴窑镇 with one open item; with its coordinates if ``placed``."""
    item = bot.seed_item(
        "研发费用归集口径不清", company=COMPANY, town=TOWN, unit="科技局",
        deadline=datetime.now(UTC).date() + timedelta(days=5),
    )  # fmt: skip
    if placed:
        db = bot.db()
        try:
            (company_id,) = db.execute(
                "SELECT id FROM companies WHERE name = ?", [COMPANY]
            ).fetchone()
            with db.atomic():
                presence.set_company_point(
                    db, company_id, WANDA, "sheet", Origin.cli(datetime.now(UTC))
                )
        finally:
            db.close()
    return item


async def _linked_inspector(
    bot: Duban, standin: DingTalkStandIn, admin: AnyPhone
) -> tuple[AnyPhone, DingTalkPhone]:
    """王督查 registered on Telegram, his DingTalk account linked by the office from /users:
    one person, two phones."""
    inspector = await bot.register(INSPECTOR, "王督查", Role.INSPECTOR)
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("王督查 · 督查人员 · Telegram")
    await admin.expect("平台：Telegram")
    await admin.tap("🔗 连接钉钉账号")
    invite = await admin.expect("连接钉钉账号的邀请")
    code = invite.text.split("绑定 ", 1)[1].split("」", 1)[0]
    phone = standin.phone(STAFF_ID, "王督查")
    await phone.send(f"绑定 {code}")
    await phone.expect("已连接")
    return inspector, phone


async def _finding_on(phone: AnyPhone | DingTalkPhone, item: Item, text: str) -> None:
    """A typed finding, tied to the item (so the export and the dossier carry the visit)."""
    await phone.send(text)
    await phone.expect("发现 1")
    if isinstance(phone, DingTalkPhone):  # a card's button reads 「CODE 事项」 in full
        (label,) = [label for label in phone.buttons() if item.code in label]
        await phone.tap(label)
    else:
        await phone.tap(item.code)
    tied = await phone.expect("已关联")
    assert item.code in tied.text


async def _export_rows(bot: Duban, admin: AnyPhone) -> list[dict]:
    """The office's Excel export for 吴窑镇: its 走访记录 rows, oldest first."""
    await export_menu_for_town(admin, TOWN)
    await admin.tap("📗 Excel 表格")
    await admin.expect(f"已导出 1 项（{TOWN}）", within=WAIT)
    await bot.settle(WAIT)
    sheet = last_workbook(admin)["走访记录"]
    headers = [cell.value for cell in sheet[1]]
    return [
        dict(zip(headers, [cell.value for cell in row], strict=True))
        for row in sheet.iter_rows(min_row=2)
    ]


async def _dossier(bot: Duban, admin: AnyPhone, item: Item) -> list[str]:
    """The office makes the item's dossier; the visits lines the PDF is written from."""
    await admin.send(f"/history {item.code}")
    await admin.expect(item.code)
    await admin.tap("📄 档案 PDF")
    await admin.expect("档案已生成", within=WAIT)
    await bot.settle(WAIT)
    assert admin.download(last_document(admin)["file_id"]).startswith(b"%PDF")
    db = bot.db()
    try:  # the PDF's text is CID-encoded; these are the lines it is written from
        return dossier_lines(db, item.id, bot.settings.timezone, "zh")
    finally:
        db.close()


async def test_a_dingtalk_visit_still_reads_dingtalk_after_its_inspector_writes_on_telegram(
    duban: Duban,  # noqa: F811
    standin: DingTalkStandIn,
) -> None:
    item = _wanda_item(duban, placed=True)
    admin = await office(duban)
    inspector, phone = await _linked_inspector(duban, standin, admin)

    await phone.send("/visit 万达")
    await phone.expect("匹配的企业")
    await phone.tap(PICK)
    await phone.expect("走访中")
    await phone.expect("钉钉机器人收不到位置")
    await phone.tap("✅ 已到现场")
    await phone.expect(f"已登记到场（{COMPANY}）")
    await _finding_on(phone, item, "企业反映研发费用归集口径不清")

    # He ends the visit from Telegram: the bot writes to him there from now on.
    await inspector.send("/done")
    summary = await inspector.expect(f"走访结束：{COMPANY}")
    assert f"\n{DINGTALK_ARRIVAL} " in summary.text
    assert "未发送位置" not in summary.text and "不符" not in summary.text
    office_summary = await admin.expect(f"走访结束：{COMPANY}")
    assert DINGTALK_ARRIVAL in office_summary.text

    await inspector.send("/visits")
    listing = await inspector.expect("最近的走访")
    assert DINGTALK_ARRIVAL in listing.text and "未发送位置" not in listing.text

    (row,) = await _export_rows(duban, admin)
    assert (row["企业"], row["督查人员"]) == (COMPANY, "王督查")
    assert row["到场核对"] == "位置：钉钉未提供"
    assert row["到场时间（服务器）"]  # the tap's server time
    assert row["纬度（WGS-84）"] is None

    (line,) = await _dossier(duban, admin, item)
    assert f"{COMPANY} · 王督查 · {DINGTALK_ARRIVAL}" in line


async def test_a_telegram_visit_still_reads_telegram_after_its_inspector_writes_on_dingtalk(
    duban: Duban,  # noqa: F811
    standin: DingTalkStandIn,
) -> None:
    """The first visit sent its location 50 m from the works; the second sent none. Both
    were started on Telegram: from DingTalk they read 约 50 m and 未发送位置, never
    位置：钉钉未提供 — a Telegram visit could have sent a location."""
    item = _wanda_item(duban, placed=True)
    admin = await office(duban)
    inspector, phone = await _linked_inspector(duban, standin, admin)

    await inspector.send("/visit 万达")
    await inspector.expect("匹配的企业")
    await inspector.tap(PICK)
    await inspector.expect("走访中")
    await inspector.expect("发送当前位置")
    await inspector.send_location(*NEAR)
    await inspector.expect("已记录到场位置")
    await _finding_on(inspector, item, "企业反映高企申报材料无人指导")
    await phone.send("/done")  # ended from DingTalk
    located = await phone.expect(f"走访结束：{COMPANY}")
    assert "距企业约" in located.text and "钉钉未提供" not in located.text

    await inspector.send("/visit 万达")
    await inspector.expect("匹配的企业")
    await inspector.tap(PICK)
    await inspector.expect("走访中")
    await _finding_on(inspector, item, "企业反映专利补助未兑现")
    await phone.send("/done")
    unlocated = await phone.expect(f"走访结束：{COMPANY}")
    assert "未发送位置" in unlocated.text and "钉钉未提供" not in unlocated.text

    await phone.send("/visits")
    listing = await phone.expect("最近的走访")
    assert "未发送位置" in listing.text and "距企业约" in listing.text
    assert "钉钉未提供" not in listing.text

    first, second = await _export_rows(duban, admin)
    assert first["到场核对"].startswith("约 ") and first["纬度（WGS-84）"] == NEAR[0]
    assert second["到场核对"] == "未发送位置"

    located_line, unlocated_line = await _dossier(duban, admin, item)  # oldest first
    assert "32.37040N 120.56030E" in located_line
    assert f"{COMPANY} · 王督查 · 未发送位置" in unlocated_line
    assert "钉钉未提供" not in located_line + unlocated_line
