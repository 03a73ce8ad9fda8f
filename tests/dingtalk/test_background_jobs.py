"""A deployment on DingTalk alone runs everything that happens in the background: the
morning's reminders, reports with their chart pictures, and a sheet sent in the chat
checked and imported. These used to run on PTB's JobQueue, which exists only when Telegram
is configured; now they run on the bot's own scheduler (bot/jobs/schedule.py).

Each test drives DingTalk phones through the stand-in: what a person relies on is what
their phone shows (markdown, cards, pictures, files), and the files are the bytes the
bot uploaded.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.clock import FakeClock
from bot.domain.lifecycle import Role
from bot.jobs.schedule import PERIODIC_JOBS
from bot.platforms.media_files import media_path
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.dingtalk.state import Received
from sandbox.server import Sandbox
from tests.dingtalk.test_processor_scenarios import inspector_on_visit
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import DINGTALK_OFFICE, Duban, at, running, with_dingtalk
from tests.report_seed import seed
from tests.sheets import xlsx

OFFICE = DINGTALK_OFFICE  # the DINGTALK_ADMIN_IDS staff id
UNIT = "科技局"
WAIT = 20.0  # a build is picked up within a second; charts take a moment on a slow machine
PNG = b"\x89PNG\r\n\x1a\n"
XLSX_MAGIC = b"PK\x03\x04"


def dingtalk_only(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path, clock: FakeClock | None
) -> Duban:
    """Duban with no Telegram token: DingTalk is its only front-end."""
    return Duban(
        bot_sandbox, with_dingtalk(bot_sandbox, standin, tmp_path, TELEGRAM_BOT_TOKEN=""), clock
    )


@pytest.fixture
async def duban(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> AsyncIterator[Duban]:
    """On the real clock (reports and imports are about "this year")."""
    async with running(dingtalk_only(bot_sandbox, standin, tmp_path, None)) as bot:
        await wait_until(lambda: standin.connections() == 1)
        yield bot


@pytest.fixture
async def duban_clock(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> AsyncIterator[Duban]:
    """On a fake clock at Monday 3 June 2024, 08:00 in Shanghai: before the daily push."""
    clock = FakeClock(at(6, 3, 8))
    async with running(dingtalk_only(bot_sandbox, standin, tmp_path, clock)) as bot:
        await wait_until(lambda: standin.connections() == 1)
        yield bot


async def registered(
    duban: Duban,
    standin: DingTalkStandIn,
    staff_id: str,
    nick: str,
    role: Role,
    unit: str | None = None,
) -> DingTalkPhone:
    phone = standin.phone(staff_id, nick)
    await phone.send(f"绑定 {duban.invitation(role, nick, unit)}")
    await phone.expect("欢迎")
    return phone


async def office(standin: DingTalkStandIn) -> DingTalkPhone:
    """The administrator from DINGTALK_ADMIN_IDS, known to the bot once they have written."""
    phone = standin.phone(OFFICE, "办公室")
    await phone.send("/help")
    await phone.expect("可用命令")
    return phone


async def restarted(duban: Duban, standin: DingTalkStandIn) -> None:
    """Stop the bot and start it again, connected to DingTalk once more."""
    await duban.stop()
    await wait_until(lambda: standin.connections() == 0)
    await duban.start()
    await wait_until(lambda: standin.connections() == 1)


def uploaded(standin: DingTalkStandIn, received: Received) -> bytes:
    """The bytes behind a picture or file message: what the bot uploaded to DingTalk."""
    media_id = received.body.get("photoURL") or received.body.get("mediaId")
    media = standin.media.get(str(media_id))
    assert media is not None, received.body
    return media.data


def items_named(duban: Duban, *problems: str) -> list[tuple[str, str]]:
    db = duban.db()
    try:
        marks = ",".join("?" * len(problems))
        rows = db.execute(
            f"SELECT items.problem, units.name FROM items JOIN units ON units.id = items.unit_id "
            f"WHERE items.problem IN ({marks}) ORDER BY items.problem",
            list(problems),
        ).fetchall()
    finally:
        db.close()
    return [tuple(row) for row in rows]


async def test_the_scheduler_runs_on_dingtalk_alone_and_stops_with_the_bot(
    duban: Duban,
) -> None:
    """With no Telegram token the bot still schedules every job but Telegram's evidence
    downloads; stopping the bot shuts the scheduler down (no job runs after it)."""
    runtime = duban.runtime
    assert runtime is not None and runtime.application is None
    assert runtime.jobs is not None and runtime.jobs.running
    names = {job.name for job in runtime.jobs.scheduler.get_jobs()}
    assert "evidence.download.dingtalk" in names and "evidence.download" not in names
    assert {"reminders", "report-jobs", "visits.idle"} <= names
    scheduler = runtime.jobs.scheduler
    await duban.stop()
    assert not scheduler.running
    assert scheduler.get_jobs() == []


async def test_a_bot_on_both_front_ends_schedules_every_job(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> None:
    """Telegram and DingTalk side by side: both evidence downloads, one of every other job."""
    both = Duban(bot_sandbox, with_dingtalk(bot_sandbox, standin, tmp_path))
    async with running(both):
        assert both.runtime is not None and both.runtime.jobs is not None
        names = sorted(job.name for job in both.runtime.jobs.scheduler.get_jobs())
    assert names == sorted(job.name for job in PERIODIC_JOBS)


async def test_a_dingtalk_contact_gets_the_mornings_reminder(
    duban_clock: Duban, standin: DingTalkStandIn
) -> None:
    """An item new to a DingTalk contact's unit is pushed to them at the daily push, by the
    scheduler's own sweep (at start-up and then every minute), signed for on the card, and
    the ladder's next rung comes on its morning: nothing here runs the sweep by hand."""
    phone = await registered(duban_clock, standin, "contact0001", "赵联络", Role.CONTACT, UNIT)
    duban_clock.seed_task("高企培育后备库储备不足", UNIT, date(2024, 6, 14))
    await duban_clock.travel(at(6, 3))  # 09:00: the push is due
    await restarted(duban_clock, standin)  # the sweep runs half a second after start-up
    notice = await phone.expect("新交办，请签收", within=10)
    assert "高企培育后备库储备不足" in notice.text
    assert notice.via == "card"  # with its buttons, pushed though the contact had not written
    await phone.tap("✅ 签收新交办事项（1）")
    await phone.expect("已签收 1 项")
    await duban_clock.travel(at(6, 7))
    await restarted(duban_clock, standin)
    await phone.expect("还有 7 天到期", within=10)


async def test_a_dingtalk_inspectors_photo_is_fetched_by_the_scheduler(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    """A photo sent during a visit is committed with its downloadCode; DingTalk's
    downloader, woken by that commit, fetches it and keeps it under its hash."""
    phone, _ = await inspector_on_visit(duban, standin)
    photo = b"\xff\xd8\xff\xe0 the site's gate, photographed"
    await phone.send_picture(photo)

    def stored() -> list[tuple[str, str | None]]:
        db = duban.db()
        try:
            return db.execute("SELECT stored, sha256 FROM evidence").fetchall()
        finally:
            db.close()

    await wait_until(lambda: [row[0] for row in stored()] == ["stored"], within=15)
    sha = hashlib.sha256(photo).hexdigest()
    assert stored() == [("stored", sha)]
    assert media_path(duban.settings.media_dir, sha).read_bytes() == photo


async def test_a_dingtalk_admin_gets_the_report_with_its_chart_pictures(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    """/report on DingTalk: the period picked on the card, the summary built in the
    builder process, and the charts arriving as pictures (uploaded PNGs) on the phone."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    admin = await office(standin)
    await admin.send("/report")
    await admin.expect("督办报表")
    await admin.tap("本年")
    await admin.expect("期间：本年")
    await admin.tap("📊 生成报表")
    await admin.expect("正在生成报表")
    summary = await admin.expect("事项 6 项，已销号 2 项", within=WAIT)
    assert "逾期 3 项" in summary.text
    await duban.settle(WAIT)
    pictures = [item for item in admin.received() if item.kind == "sampleImageMsg"]
    assert len(pictures) >= 5  # close-out, overdue, areas, towns, trend (+ targets)
    assert all(uploaded(standin, picture).startswith(PNG) for picture in pictures)
    # Telegram is not configured: no chat action was tried anywhere.
    assert duban.sandbox.state.calls_to("sendChatAction") == []


async def test_a_dingtalk_admin_gets_the_exported_workbook_as_a_file(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    """/export on DingTalk: the town picked on the cards, the workbook built in the builder
    process and arriving as a file the office opens in Excel, its rows the town's items."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    admin = await office(standin)
    await admin.send("/export")
    await admin.expect("导出督办台账")
    await admin.tap("按镇区")
    await admin.expect("选择镇区")
    await admin.tap("磨头镇")
    await admin.expect("范围：**磨头镇**")  # markdown's bold
    await admin.tap("📗 Excel 表格")
    await admin.expect("已导出 2 项", within=WAIT)
    workbook = await admin.expect(re.compile(r"\[文件\] .*\.xlsx"), within=WAIT)
    book = openpyxl.load_workbook(io.BytesIO(uploaded(standin, workbook)))
    cells = [str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row]
    problems = sorted(set(cell for cell in cells if cell.endswith(" 问题")))
    assert problems == ["万达轴承：bearing 问题", "卓远半导体：chip 问题"]


async def test_a_sheet_sent_as_a_dingtalk_file_is_previewed_and_imported(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    """The administrator sends the supervision sheet as a file message: the bot fetches it
    by its downloadCode, shows the preview with a confirm button, and imports on the tap."""
    admin = await office(standin)
    sheet = xlsx(
        ["序号", "问题", "措施", "承办单位", "办理时限"],
        [
            [1, "研发投入强度偏低", "建设企业研发中心", "科技局", "2030-06-30"],
            [2, "规上企业培育不足", "建立培育库", "工信局", "2030-09-30"],
        ],
    )
    await admin.send_file("督办任务表.xlsx", sheet)
    await admin.expect("正在检查表格 督办任务表.xlsx")
    preview = await admin.expect("导入预览", within=WAIT)
    assert "新增 2 项" in preview.text
    await admin.tap("✅ 确认导入")
    await admin.expect("导入完成：新增 2 项", within=WAIT)
    assert items_named(duban, "研发投入强度偏低", "规上企业培育不足") == [
        ("研发投入强度偏低", "科技局"),
        ("规上企业培育不足", "工信局"),
    ]


async def test_a_faulty_sheet_comes_back_annotated_as_a_dingtalk_file(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    """A sheet with a bad row: the preview names the row, and the annotated copy arrives
    as a file the administrator can open, its faulty row explained in the last column."""
    admin = await office(standin)
    sheet = xlsx(
        ["序号", "问题", "措施", "承办单位", "办理时限"],
        [
            [1, "研发投入强度偏低", "建设企业研发中心", "科技局", "2030-06-30"],
            [2, "人才引进难", "落实人才政策", "人社局", "下个月吧"],
        ],
    )
    await admin.send_file("任务表.xlsx", sheet)
    preview = await admin.expect("导入预览", within=WAIT)
    assert '第 3 行「办理时限」：无法把"下个月吧"读作日期' in preview.text
    annotated = await admin.expect("[文件]", within=WAIT)
    data = uploaded(standin, annotated)
    assert data.startswith(XLSX_MAGIC)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.active.cell(row=1, column=6).value == "错误（督办机器人）"
    assert "下个月吧" in str(book.active.cell(row=3, column=6).value)
    assert items_named(duban, "研发投入强度偏低") == []  # nothing imported from a faulty sheet
