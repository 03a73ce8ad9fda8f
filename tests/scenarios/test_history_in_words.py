"""An item's history reads as the office and its leaders speak, through the phones: the
demo's story — items imported from the office's sheet, an inspector assigned, a visit with
a finding tied to the item, progress toward the target, an extension, the level raised, a
close-out returned (and the return signed for) then approved — told by /history in Chinese
and in English, by the item's dossier PDF and by the export's 事项历史 sheet, one line per
happening, with no internal event name and no Python value (None, True, a list, an id)
anywhere."""

from __future__ import annotations

import re

import pytest

from bot.domain.audit import AuditAction
from bot.domain.lifecycle import Role
from sandbox.images import make_jpeg
from tests.harness import (
    AnyPhone,
    Duban,
    at,
    last_document,
    last_workbook,
    office,
    open_card,
    start_visit,
)
from tests.pdf_text import pdf_text
from tests.sheets import XLSX, xlsx

pytestmark = pytest.mark.both_platforms

WAIT = 30.0
UNIT = "科技局"
HEADERS = ["序号", "问题", "措施", "承办单位", "配合单位", "办理时限", "领域", "镇区", "企业"]
HEADERS += ["跟踪督办目标"]
FIRST = [1, "研发投入偏低", "建研发中心", UNIT, "人社局", "2030-06-30", "高企培育", "磨头镇"]
SECOND = [2, "人才引进难", "落实人才政策", "人社局", "", "2030-12-31", "人才引进", "吴窑镇"]
ROWS = [[*FIRST, "卓远半导体", "净增10家高企"], [*SECOND, "力威机械", ""]]
FINDING = "研发中心未建成，设备未到位"
RETURN_REASON = "缺少验收报告"
EXTENSION_REASON = "设备采购周期长"
_LINE = re.compile(r"^\d{2}:\d{2} (.+)$")
RAISE_REASON = "两次提醒未回复"
# What a reader must never see: an action's stored name, the assembler's own prefixes and
# codes, and Python's way of writing a value.
RAW_NAMES = [action.value for action in AuditAction] + ["audit.", "log_activity"]
PYTHON_LITERALS = ["None", "True", "False", "[", "]", "{", "}", "'"]
# The story in Chinese, each line once (who did it in brackets, as /history says it).
STORY_ZH = [
    "🆕 登记为督办事项（表格导入）",
    "👤 指派督查 王督查（办公室管理员）",
    f"🚶 走访 卓远半导体：{FINDING}（照片 2）（王督查）",
    "🔗 发现关联到本事项（王督查）",
    "📈 办理进展：已新增认定高企4家；数值 4/10，完成 40%（赵联络）",
    f"⏳ 申请延期至 2030-09-30：{EXTENSION_REASON}（赵联络）",
    "⏳ 批准延期：期限 2030-06-30 → 2030-09-30（办公室管理员）",
    f"🎚 手动调整督办等级：督办等级 — → 提级督办（红）；理由：{RAISE_REASON}（办公室管理员）",
    "📮 申请销号：研发中心已建成（赵联络）",
    f"↩️ 销号申请被退回：{RETURN_REASON}（王督查）",
    "✍️ 科技局 签收退回事项（赵联络）",
    "📮 申请销号：补充验收报告（赵联络）",
    "✅ 销号申请通过（王督查）",
]
STORY_EN = [
    "🆕 Registered as a list item (Sheet import)",
    "👤 Inspector assigned: 王督查 (办公室管理员)",
    f"🚶 Visit to 卓远半导体: {FINDING} (2 photos) (王督查)",
    "🔗 A finding was linked to this item (王督查)",
    "📈 Progress: 已新增认定高企4家; figure 4 of 10, 40% done (赵联络)",
    f"⏳ Extension to 2030-09-30 requested: {EXTENSION_REASON} (赵联络)",
    "⏳ Extension approved: deadline 2030-06-30 → 2030-09-30 (办公室管理员)",
    f"🎚 Level set by hand: Level — → Red; reason: {RAISE_REASON} (办公室管理员)",
    "📮 Close-out requested: 研发中心已建成 (赵联络)",
    f"↩️ Close-out request returned: {RETURN_REASON} (王督查)",
    "✍️ 科技局 signed for the returned item (赵联络)",
    "📮 Close-out requested: 补充验收报告 (赵联络)",
    "✅ Close-out approved (王督查)",
]


def _words_only(text: str, *, latin_names: bool) -> None:
    """No Python literal; in Chinese no stored action name at all, in English none of the
    names that can only be code (with an underscore or a dot)."""
    for literal in PYTHON_LITERALS:
        assert literal not in text, (literal, text)
    for name in RAW_NAMES:
        if latin_names or "_" in name or "." in name:
            assert name not in text, (name, text)


async def _import_sheet(admin: AnyPhone) -> None:
    await admin.send_document(xlsx(HEADERS, ROWS), "督查推进任务表.xlsx", XLSX)
    await admin.expect("新增 2 项，修改 0 项", within=WAIT)
    await admin.tap("✅ 确认导入")
    await admin.expect("导入完成：新增 2 项", within=WAIT)


async def _request_close_out(contact: AnyPhone, code: str, text: str) -> None:
    await open_card(contact, code)
    await contact.tap("✅ 申请销号")
    await contact.expect("申请")
    await contact.send(text)
    await contact.send_photo()
    await contact.expect("文件 1 个")
    await contact.tap("提交")
    await contact.expect("销号申请已提交")


async def _play_the_story(duban: Duban, code: str) -> None:
    """Every step a person takes on a phone, in the demo's order."""
    admin = duban.admin()
    wang = await duban.register(8102, "王督查", Role.INSPECTOR)
    contact = await duban.register(8103, "赵联络", Role.CONTACT, unit=UNIT)

    await duban.travel(at(6, 3, 10, 5))
    await open_card(admin, code)
    await admin.tap("👤 指派督查")
    await admin.expect("指派督查（第 1/1 页）")
    await admin.tap("王督查")
    await admin.expect("已指派 王督查 督查")

    await duban.travel(at(6, 3, 10, 10))
    await start_visit(wang, "卓远", "卓远半导体（磨头镇）")
    await wang.send(FINDING)
    await wang.send_photo(make_jpeg(320, 240, 1))
    await wang.expect("照片 1 张")
    await wang.send_photo(make_jpeg(320, 240, 2))  # two: no line hangs on a plural
    await wang.expect("照片 2 张")
    await duban.travel(at(6, 3, 10, 12))
    await wang.tap(code)
    await wang.expect(f"已关联：{code}")
    await wang.send("/done")
    await wang.expect("走访结束")

    await duban.travel(at(6, 3, 10, 20))
    await open_card(contact, code)
    await contact.tap("📝 报告进展")
    await contact.expect("目标 10")
    await contact.send("已新增认定高企4家")
    await contact.expect("文字 1 段")
    await contact.send("4")
    await contact.expect("完成数 4")
    await contact.tap("提交")
    await contact.expect("进展已记录")

    await duban.travel(at(6, 3, 10, 30))
    await open_card(contact, code)
    await contact.tap("⏳ 申请延期")
    await contact.expect("请输入新的完成日期")
    await contact.send("2030-09-30")
    await contact.expect("请说明延期理由")
    await contact.send(EXTENSION_REASON)
    await contact.expect("等待办公室审批")
    await admin.expect("延期申请")
    await duban.travel(at(6, 3, 10, 35))
    await admin.tap("同意")
    await admin.expect("已同意")

    await duban.travel(at(6, 3, 10, 40))
    await open_card(admin, code)
    await admin.tap("🎚 调整督办等级")
    await admin.expect("请选择手动等级")
    await admin.tap("🔴 红色")
    await admin.expect("请输入理由")
    await admin.send(RAISE_REASON)
    await admin.expect("已手动设为🔴 红色")

    await duban.travel(at(6, 3, 10, 50))
    await _request_close_out(contact, code, "研发中心已建成")
    await wang.expect("销号核验")
    await duban.travel(at(6, 3, 10, 55))
    await wang.tap("↩️ 退办")
    await wang.expect("请输入退办")
    await wang.send(RETURN_REASON)
    await wang.expect("已退回承办单位")
    await contact.expect("被退回")
    await duban.travel(at(6, 3, 11, 0))
    await contact.tap("签收")
    await contact.expect("已签收 1 项")

    await duban.travel(at(6, 3, 11, 10))
    await _request_close_out(contact, code, "补充验收报告")
    await wang.expect("补充验收报告")
    await duban.travel(at(6, 3, 11, 15))
    await wang.tap("✅ 销号")
    await wang.expect(f"{code} 已销号")


async def _history_lines(phone: AnyPhone, code: str) -> list[str]:
    """The event lines of /history, as the phone shows them (the clock left off)."""
    await phone.send(f"/history {code}")
    title = await phone.expect(re.compile(rf"^{code} .*\n(承办：|Unit: )", re.MULTILINE))
    await phone.expect_silence(0.3)  # a long history may come as more than one message
    first = next(n for n, m in enumerate(phone.bot_messages) if m.text == title.text)
    shown = "\n".join(m.text for m in phone.bot_messages[first:])
    return [found.group(1) for line in shown.split("\n") if (found := _LINE.match(line))]


def _sheet_rows(phone: AnyPhone, sheet_name: str, code: str) -> list[tuple]:
    history = last_workbook(phone)[sheet_name]
    return [row for row in history.iter_rows(min_row=2, values_only=True) if row[0] == code]


async def _export(phone: AnyPhone, *labels: str) -> None:
    """/export of every item as an Excel workbook, in the phone's language: the menu's
    title, its scope, the format asked for, the format, and the answer when done."""
    menu, everything, formats, excel, done = labels
    await phone.send("/export")
    await phone.expect(menu)
    await phone.tap(everything)
    await phone.expect(formats)
    await phone.tap(excel)
    await phone.expect(done, within=WAIT)


def _code(duban: Duban) -> str:
    db = duban.db()
    try:
        return db.execute("SELECT code FROM items WHERE problem = '研发投入偏低'").fetchone()[0]
    finally:
        db.close()


async def test_history_and_history_sheet_tell_the_story_in_words(duban_clock: Duban) -> None:
    duban = duban_clock
    await duban.travel(at(6, 3, 10, 0))  # office hours: nothing is held back
    admin = await office(duban)
    leader = await duban.register(8101, "陈主任", Role.LEADER, language="en")
    await _import_sheet(admin)
    code = _code(duban)
    await _play_the_story(duban, code)

    chinese = await _history_lines(admin, code)
    assert chinese == STORY_ZH  # each happening once, in order, in words
    for line in chinese:
        _words_only(line, latin_names=True)

    await admin.tap("📄 档案 PDF")
    await admin.expect("档案已生成", within=WAIT)
    await duban.settle(WAIT)
    dossier = pdf_text(admin.download(last_document(admin)["file_id"]))
    _words_only(dossier, latin_names=False)
    for once in (
        "指派督查",
        "批准延期：期限",
        "手动调整督办等级",
        "销号申请被退回",
        "销号申请通过",
        "签收",
    ):
        assert dossier.count(once) == 1, once

    english = await _history_lines(leader, code)
    assert english == STORY_EN
    for line in english:
        _words_only(line, latin_names=False)

    await _export(admin, "导出督办台账", "全部事项", "请选择格式", "📗 Excel 表格", "已导出")
    await duban.settle(WAIT)
    rows = _sheet_rows(admin, "事项历史", code)
    assert len(rows) == len(STORY_ZH)
    for _, _, who, what, detail in rows:
        _words_only(f"{who} {what} {detail or ''}", latin_names=True)
    registered = rows[0]
    assert registered[2:4] == ("表格导入", "🆕 登记为督办事项")
    assert registered[4] == (
        "序号：1；领域：高企培育；镇区：磨头镇；企业：卓远半导体；问题：研发投入偏低；"
        "措施：建研发中心；承办单位：科技局；配合单位：人社局；办理时限：2030-06-30；"
        "跟踪督办目标：净增10家高企"
    )
    events = [what for _, _, _, what, _ in rows]
    assert events.count("⏳ 批准延期：期限 2030-06-30 → 2030-09-30") == 1
    assert events.count("↩️ 销号申请被退回") == 1
    assert events.count("✅ 销号申请通过") == 1
    raised = ("🎚 手动调整督办等级", f"督办等级 — → 提级督办（红）；理由：{RAISE_REASON}")
    assert raised in [row[3:] for row in rows]

    await _export(
        leader, "Export the ledger", "All items", "Choose a format", "📗 Excel workbook", "Exported"
    )
    await duban.settle(WAIT)
    rows = _sheet_rows(leader, "Item history", code)
    assert len(rows) == len(STORY_EN)
    for _, _, who, what, detail in rows:
        _words_only(f"{who} {what} {detail or ''}", latin_names=False)
    assert rows[0][4].startswith("No.: 1; Area: 高企培育; Town: 磨头镇; Company: 卓远半导体")
