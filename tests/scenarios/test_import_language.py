"""A faulty sheet sent in the chat is explained in the sender's language: the preview, the
annotated workbook's error column and its cell comments (issue 14)."""

from __future__ import annotations

import pytest

from tests.harness import Duban, admin_speaking, last_workbook
from tests.sheets import XLSX, xlsx

pytestmark = pytest.mark.both_platforms

WAIT = 20.0
HEADER = ["序号", "问题", "措施", "承办单位", "办理时限", "领域", "督办等级"]
ROWS = [
    [1, "研发投入偏低", "建研发中心", "科技局", "2030-06-30", "高企培育", "一般督办"],
    [2, "人才引进难", "落实人才政策", "人社局", "下个月吧", "", "紫色"],
    [3, "", "措施", "工信局", "2030-12-31", "", ""],
    [4, "企业融资难", "对接银行", "财政局", "2030-09-30", "科创", ""],
]
ERROR_COLUMN = len(HEADER) + 1


async def test_a_chinese_admin_reads_import_errors_in_chinese(duban: Duban) -> None:
    """Every error names its row and column as the sheet heads them and quotes the cell;
    no English reaches a Chinese reader."""
    admin = duban.admin("zh")
    await admin.send_document(xlsx(HEADER, ROWS), "任务表.xlsx", XLSX)
    preview = await admin.expect("导入预览", within=WAIT)
    for line in (
        '第 3 行「办理时限」：无法把"下个月吧"读作日期',
        '第 3 行「督办等级」：无法把"紫色"读作督办等级（请写一般督办、重点督办或提级督办）',
        '第 5 行「领域」：无法识别的领域"科创"（应为 1+8 领域之一）',
        "第 4 行「问题」：没有填写问题",
    ):
        assert line in preview.text, line
    assert "row " not in preview.text and "cannot" not in preview.text
    await duban.settle(WAIT)
    sheet = last_workbook(admin).active
    assert sheet.cell(row=1, column=ERROR_COLUMN).value == "错误（督办机器人）"
    assert sheet.cell(row=4, column=ERROR_COLUMN).value == "「问题」：没有填写问题"
    area_comment = sheet.cell(row=5, column=6).comment
    assert area_comment is not None and area_comment.text.startswith('无法识别的领域"科创"')


async def test_an_english_admin_reads_the_same_errors_in_english(duban: Duban) -> None:
    """The same sheet from an admin who reads English (their Telegram says so; on DingTalk
    they chose it with /lang): the columns by their English names, the cells quoted as
    written."""
    admin = await admin_speaking(duban, "en")
    await admin.send_document(xlsx(HEADER, ROWS), "tasks.xlsx", XLSX)
    preview = await admin.expect("Import preview", within=WAIT)
    for line in (
        'Row 3, column "Deadline": cannot read "下个月吧" as a date',
        'Row 3, column "Level": cannot read "紫色" as a level',
        'Row 5, column "Area": unknown area "科创" (one of the 1+8 areas)',
        'Row 4, column "Problem": no problem text',
    ):
        assert line in preview.text, line
    assert "第 " not in preview.text
    await duban.settle(WAIT)
    sheet = last_workbook(admin).active
    assert sheet.cell(row=1, column=ERROR_COLUMN).value == "Errors (Duban)"
    assert sheet.cell(row=4, column=ERROR_COLUMN).value == '"Problem": no problem text'
    deadline_comment = sheet.cell(row=3, column=5).comment
    assert deadline_comment is not None
    assert deadline_comment.text.startswith('cannot read "下个月吧" as a date')


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh", "无法读取 任务表.xlsx：任务表.xlsx 不是 .xlsx 工作簿（它不是压缩包）"),
        ("en", "Cannot read 任务表.xlsx: 任务表.xlsx is not an .xlsx workbook"),
    ],
)
async def test_a_refused_file_is_explained_in_the_senders_language(
    duban: Duban, language: str, expected: str
) -> None:
    """A file that is no workbook at all: one polite line, in the sender's language."""
    admin = await admin_speaking(duban, language)
    await admin.send_document(b"not a workbook", "任务表.xlsx", XLSX)
    said = await admin.expect(expected, within=WAIT)
    assert said.text.count("\n") == 0
