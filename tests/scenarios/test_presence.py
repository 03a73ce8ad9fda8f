"""Proof of presence as a meeting reads it: a location 3 km from the company is flagged
位置不符 in the summary, the item card, /visits, the export and the dossier; a near one is not;
a company without coordinates gets them from its first located visit once the office agrees.

Run on both platforms, the inspector who sends a location is on Telegram either way (a
DingTalk robot receives none: a DingTalk inspector's visit reads 位置：钉钉未提供, see
test_visits_flow); in the DingTalk run the office is on DingTalk and reads the same verdicts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.builders.visits_sheet import dossier_lines
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.presence import Point
from storage import presence
from tests.dingtalk.scenario_phone import DingTalkScenarioPhone
from tests.harness import (
    AnyPhone,
    Duban,
    export_menu_for_town,
    last_document,
    last_workbook,
    office,
    register_on_telegram,
    start_visit,
)
from tests.sheets import XLSX, xlsx

pytestmark = pytest.mark.both_platforms

WAIT = 30.0
LIWEI = Point(32.3700, 120.5600)
FAR = (32.3700, 120.5930)  # about 3.1 km east: the other company down the road
NEAR = (32.3704, 120.5603)  # about 50 m: the works' gate


def _liwei(duban: Duban, *, placed: bool = True):
    """力威机械 in 磨头镇 with one open item; with its coordinates unless ``placed`` is False."""
    item = duban.seed_item(
        "高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局",
        deadline=datetime.now(UTC).date() + timedelta(days=5),
    )  # fmt: skip
    if placed:
        db = duban.db()
        try:
            company_id = db.execute("SELECT id FROM companies WHERE name = '力威机械'").fetchone()
            with db.atomic():
                presence.set_company_point(
                    db, company_id[0], LIWEI, "sheet", Origin.cli(datetime.now(UTC))
                )
        finally:
            db.close()
    return item


def _map_links(message) -> list[str]:
    return [e["url"] for e in message.get("entities", []) if e["type"] == "text_link"]


def _card_links(phone: AnyPhone, card) -> list[str]:
    """A message's map links: Telegram's text links, or the links of DingTalk's markdown
    (the phone shows their words; the card keeps the markdown)."""
    if not isinstance(phone, DingTalkScenarioPhone):
        return _map_links(card)
    shown = phone.standin.cards.get(card.message_id)
    markdown = shown.markdown if shown else phone.received()[int(card.message_id)].text
    return re.findall(r"\]\((https://uri\.amap\.com[^)]*)\)", markdown)


async def _visit_with_finding(duban: Duban, wang, item, location: tuple[float, float]):
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    await wang.send_location(*location)
    saved = await wang.expect("已记录到场位置")
    await wang.send("企业反映高企申报材料无人指导")
    await wang.expect("发现 1")
    await wang.tap(item.code)
    await wang.expect("已关联")
    await wang.send("/done")
    summary = await wang.expect("走访结束：力威机械")
    return saved, summary


async def test_far_location_is_flagged_everywhere_a_meeting_looks(duban: Duban) -> None:
    """3.1 km off: the inspector is told at once (and nothing is refused); the summary, the
    item card, /visits, the export's visits sheet and the dossier all say 位置不符（约 3.1 km）
    with the raw coordinates, the server's arrival time and a map link."""
    item = _liwei(duban)
    admin = await office(duban)
    wang = await register_on_telegram(duban, 6801, "王督查", Role.INSPECTOR)
    saved, summary = await _visit_with_finding(duban, wang, item, FAR)

    assert "约 3.1 km" in saved.text and "位置不符" in saved.text
    assert "位置：⚠️ 位置不符（约 3.1 km） · 32.37000N 120.59300E · 到场" in summary.text
    link = _map_links(summary)
    assert link and link[0].startswith("https://uri.amap.com/marker?position=120.593000,32.370000")
    office_summary = await admin.expect("走访结束：力威机械")
    assert "位置不符（约 3.1 km）" in office_summary.text

    await wang.send(f"/item {item.code}")
    card = await wang.expect("走访记录")
    assert "力威机械 王督查：⚠️ 位置不符（约 3.1 km） · 32.37000N 120.59300E" in card.text
    await wang.send("/visits")
    listing = await wang.expect("最近的走访")
    assert "位置不符（约 3.1 km）" in listing.text and _map_links(listing)

    await export_menu_for_town(admin, "磨头镇")
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 1 项（磨头镇）", within=WAIT)
    await duban.settle(WAIT)
    book = last_workbook(admin)
    sheet = book["走访记录"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:5] == ["企业", "镇区", "督查人员", "开始", "结束"]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert row["企业"] == "力威机械" and row["督查人员"] == "王督查"
    assert row["到场核对"] == "位置不符（约 3.1 km）"
    assert (row["纬度（WGS-84）"], row["经度（WGS-84）"]) == (32.37, 120.593)
    assert 3000 < row["距企业（米）"] < 3200
    assert (row["发现"], row["照片"], row["关联事项"]) == (1, 0, item.code)
    assert row["到场时间（服务器）"] and row["结束"]
    assert sheet.cell(row=2, column=len(headers)).hyperlink.target.startswith(
        "https://uri.amap.com/marker?position=120.593000,32.370000"
    )

    await admin.send(f"/history {item.code}")
    await admin.expect(item.code)
    await admin.tap("📄 档案 PDF")
    await admin.expect("档案已生成", within=WAIT)
    await duban.settle(WAIT)
    assert admin.download(last_document(admin)["file_id"]).startswith(b"%PDF")
    db = duban.db()
    try:  # the PDF's text is CID-encoded; these are the lines it is written from
        lines = dossier_lines(db, item.id, duban.settings.timezone, "zh")
    finally:
        db.close()
    assert len(lines) == 1
    assert "力威机械 · 王督查 · 位置不符（约 3.1 km） · 32.37000N 120.59300E（WGS-84）" in lines[0]


@pytest.mark.telegram_only(
    "a DingTalk robot receives no location, so a DingTalk inspector's visit is not measured "
    "against the company's place: it reads 位置：钉钉未提供 with the confirmed arrival time"
)
async def test_near_location_is_not_flagged(duban: Duban) -> None:
    """50 m from the company's place is within the 500 m threshold: no 位置不符 anywhere."""
    item = _liwei(duban)
    wang = await duban.register(6811, "王督查", Role.INSPECTOR)
    saved, summary = await _visit_with_finding(duban, wang, item, NEAR)
    assert "距企业约" in saved.text and "位置不符" not in saved.text
    assert "✅ 距企业约 " in summary.text and "位置不符" not in summary.text
    await wang.send("/visits")
    listing = await wang.expect("最近的走访")
    assert "位置不符" not in listing.text and "✅ 距企业约" in listing.text


async def test_threshold_is_the_offices_setting(duban: Duban) -> None:
    """An administrator widens the threshold to 5 km in /settings; a 3.1 km visit then
    reads as near. (Recorded distances stay; only the flag's threshold moves.)"""
    item = _liwei(duban)
    admin = await office(duban)
    await admin.send("/settings")
    await admin.expect("到场位置核对距离（米）：500")
    await admin.tap("到场位置核对距离（米）")
    await admin.expect("请输入新的值")
    await admin.send("5000米")
    await admin.expect("已改为 5000")
    wang = await register_on_telegram(duban, 6821, "王督查", Role.INSPECTOR)
    saved, summary = await _visit_with_finding(duban, wang, item, FAR)
    assert "位置不符" not in saved.text and "✅ 距企业约 3.1 km" in summary.text


async def test_first_located_visit_proposes_coordinates_and_the_office_confirms(
    duban: Duban,
) -> None:
    """A company without coordinates: the visit is recorded unchecked, the office is asked,
    confirms with one tap (a second tap is answered), and the visit is measured (0 m)."""
    item = _liwei(duban, placed=False)
    admin = await office(duban)
    wang = await register_on_telegram(duban, 6831, "王督查", Role.INSPECTOR)
    saved, summary = await _visit_with_finding(duban, wang, item, FAR)
    assert "尚无坐标" in saved.text
    assert "企业暂无坐标，未核对距离" in summary.text

    notice = await admin.expect("企业坐标待确认：力威机械")
    assert "王督查" in notice.text and "32.37000N 120.59300E" in notice.text
    _, kept = admin.find_button("✅ 确认为企业坐标")  # the card loses it once decided
    await admin.tap("✅ 确认为企业坐标")
    confirmed = await admin.expect("已确认 力威机械 的坐标")
    assert "已为 1 次走访补算距离" in confirmed.text
    await duban.forge_tap(admin, kept)
    await admin.expect("已处理过了")

    db = duban.db()
    try:
        lat, lng, source = db.execute(
            "SELECT latitude, longitude, coordinates_source FROM companies WHERE name = '力威机械'"
        ).fetchone()
        assert (lat, lng, source) == (32.37, 120.593, "visit")
        assert db.execute("SELECT distance_m FROM visits").fetchone()[0] == 0
        actions = {r[0] for r in db.execute("SELECT action FROM audit_events")}
        assert {"coordinates_proposed", "coordinates_set", "located"} <= actions
    finally:
        db.close()
    await wang.send("/visits")
    listing = await wang.expect("最近的走访")
    assert "✅ 距企业约 0 m" in listing.text


async def test_rejected_proposal_leaves_the_company_without_coordinates(duban: Duban) -> None:
    """✖️ 不采用 keeps the company unplaced; the next located visit may propose again."""
    _liwei(duban, placed=False)
    admin = await office(duban)
    wang = await register_on_telegram(duban, 6841, "王督查", Role.INSPECTOR)
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    await wang.send_location(*FAR)
    await admin.expect("企业坐标待确认")
    await admin.tap("✖️ 不采用")
    await admin.expect("已不采用该位置")
    await wang.send("/done")
    await wang.expect("走访结束")
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    await wang.send_location(*NEAR)
    await wang.expect("尚无坐标")
    await admin.expect("32.37040N 120.56030E")


async def test_admin_sets_coordinates_with_company_command(duban: Duban) -> None:
    """/company finds the company; 📍 设置坐标 takes typed coordinates (a bad one is
    explained and the question still waits) or a location; the card then shows them."""
    _liwei(duban, placed=False)
    admin = await office(duban)
    await admin.send("/company 力威")
    card = await admin.expect("力威机械")
    assert "坐标：未设置" in card.text
    await admin.tap("📍 设置坐标")
    await admin.expect(_asked_place(duban))
    await admin.send("32.37, 60.1")
    await admin.expect("无法识别这个坐标")
    await admin.send("120.56,32.37")
    await admin.expect("已设置 力威机械 的坐标：32.37000N 120.56000E")
    await admin.send("/company 力威机械")
    card = await admin.expect("管理员设置")
    assert "32.37000N 120.56000E" in card.text and _card_links(admin, card)

    if duban.platform == "telegram":  # a DingTalk robot receives no location: typed only
        await admin.tap("📍 设置坐标")
        await admin.expect("请发送 力威机械 的位置")
        await admin.send_location(32.3710, 120.5610)
        await admin.expect("已设置 力威机械 的坐标：32.37100N 120.56100E")

    inspector = await duban.register(6851, "王督查", Role.INSPECTOR)
    await inspector.send("/company 力威")
    await inspector.expect("管理员")  # refused: admin.only


async def test_bad_typed_coordinate_explained_in_readers_language(duban: Duban) -> None:
    """A coordinate typed for 📍 设置坐标 that cannot be read is explained in the admin's own
    language (the parser's English reason is for the sheet import), and the question waits."""
    _liwei(duban, placed=False)
    admin = await office(duban)
    await admin.send("/company 力威")
    await admin.expect("力威机械")
    await admin.tap("📍 设置坐标")
    await admin.expect(_asked_place(duban))
    await admin.send("32.37, 60.1")
    reply = await admin.expect("无法识别这个坐标")
    assert "分不清哪个是纬度、哪个是经度" in reply.text
    assert ("或发送位置" in reply.text) == (duban.platform == "telegram")  # DingTalk: typed only
    assert "cannot" not in reply.text and "latitude" not in reply.text
    await admin.send("32.37N 120.56N")
    reply = await admin.expect("无法识别这个坐标")
    assert "须标明一个纬度" in reply.text and "must" not in reply.text
    await admin.send("北纬95 东经120.56")
    reply = await admin.expect("无法识别这个坐标")
    assert "纬度 95.0 不在 -90 到 90 之间" in reply.text

    english = await duban.register(6852, "Ann Admin", Role.ADMIN, language="en")
    await english.send("/company 力威")
    await english.expect("力威机械")
    await english.tap("📍 Set coordinates")
    await english.expect(_asked_place(duban, "en"))
    await english.send("32.37, 60.1")
    reply = await english.expect("Cannot read that coordinate")
    assert "latitude cannot be told from longitude" in reply.text
    await english.send("32.37N, 120.56E")
    await english.expect("力威机械's coordinates set: 32.37000N 120.56000E")


def _asked_place(duban: Duban, lang: str = "zh") -> str:
    """📍 设置坐标's question: a location or typed coordinates, or on DingTalk, whose robot
    receives no location, typed coordinates only."""
    if duban.platform == "dingtalk":
        return "请输入 力威机械 的坐标" if lang == "zh" else "Type 力威机械's coordinates"
    return "请发送 力威机械 的位置" if lang == "zh" else "Send 力威机械's location"


def _sheet_with_places(rows: list[list[object]]) -> bytes:
    return xlsx(["序号", "问题", "承办单位", "镇区", "企业", "纬度", "经度"], rows)


async def test_sheet_columns_set_coordinates_by_chat_import(duban: Duban) -> None:
    """纬度/经度 columns: a bad cell comes back as a row error with row and column; the fixed
    sheet's preview counts the companies placed, and after import a visit 3 km off is
    flagged against the sheet's place."""
    admin = await office(duban)
    bad = [1, "高企申报材料不全", "科技局", "磨头镇", "力威机械", "三十二度", 120.56]
    await admin.send_document(_sheet_with_places([bad]), "任务表.xlsx", XLSX)
    preview = await admin.expect("导入预览", within=WAIT)
    assert "第 2 行「纬度」：「三十二度」不是以度为单位的数（如 32.37）" in preview.text
    assert not preview.buttons

    good = [1, "高企申报材料不全", "科技局", "磨头镇", "力威机械", 32.37, 120.56]
    await admin.send_document(_sheet_with_places([good]), "任务表.xlsx", XLSX)
    preview = await admin.expect("企业坐标：设置或更新 1 家企业", within=WAIT)
    await admin.tap("✅ 确认导入")
    await admin.expect("导入完成：新增 1 项", within=WAIT)

    wang = await register_on_telegram(duban, 6861, "王督查", Role.INSPECTOR)
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    await wang.send_location(*FAR)
    saved = await wang.expect("已记录到场位置")
    assert "约 3.1 km" in saved.text and "位置不符" in saved.text


async def test_a_visit_without_a_location_is_never_flagged(duban: Duban) -> None:
    """An inspector who sends no location is never flagged 位置不符: the summary, the item
    card, /visits, the export and the dossier say why there is no distance. On DingTalk,
    whose robot receives no location, that is 钉钉未提供 with the arrival the inspector
    confirmed (✅ 已到现场); on Telegram, 未发送位置."""
    item = _liwei(duban)
    admin = await office(duban)
    wang = await duban.register(6871, "王督查", Role.INSPECTOR)
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    on_dingtalk = duban.platform == "dingtalk"
    if on_dingtalk:  # the one way a DingTalk inspector records the arrival
        await wang.tap("✅ 已到现场")
        await wang.expect("已登记到场（力威机械）")
    why = "钉钉未提供" if on_dingtalk else "未发送位置"
    await wang.send("企业反映高企申报材料无人指导")
    await wang.expect("发现 1")
    await wang.tap(item.code)
    await wang.expect("已关联")
    await wang.send("/done")
    summary = await wang.expect("走访结束：力威机械")
    assert f"位置：{why}" in summary.text and "不符" not in summary.text
    assert ("确认到场" in summary.text) == on_dingtalk
    office_summary = await admin.expect("走访结束：力威机械")
    assert f"位置：{why}" in office_summary.text and "不符" not in office_summary.text

    await wang.send(f"/item {item.code}")
    card = await wang.expect("走访记录")
    line = next(line for line in card.text.split("\n") if "力威机械 王督查：" in line)
    assert why in line and "不符" not in card.text
    await wang.send("/visits")
    listing = await wang.expect("最近的走访")
    assert why in listing.text and "不符" not in listing.text

    await export_menu_for_town(admin, "磨头镇")
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 1 项（磨头镇）", within=WAIT)
    await duban.settle(WAIT)
    sheet = last_workbook(admin)["走访记录"]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert why in row["到场核对"] and row["距企业（米）"] is None
    assert bool(row["到场时间（服务器）"]) == on_dingtalk  # the confirmed arrival's time
    db = duban.db()
    try:
        lines = dossier_lines(db, item.id, duban.settings.timezone, "zh")
    finally:
        db.close()
    assert len(lines) == 1 and why in lines[0] and "不符" not in lines[0]
