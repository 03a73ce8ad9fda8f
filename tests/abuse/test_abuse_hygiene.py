"""Input hygiene: pasted control characters, and error texts that could carry the token.

Text typed into a chat ends up in workbooks; a NUL or an escape in it must not make a later
export fail, and a message of nothing but such characters gets a polite word, not a finding.
Error texts are kept in the outbox and the report jobs; like the inbox's, they never hold
the bot token.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.chat import Address
from bot.domain.hygiene import without_controls
from bot.domain.lifecycle import Role
from storage import outbox, report_jobs
from storage.db import open_database
from tests.harness import TOKEN, Duban, start_visit

SECRET = TOKEN.split(":", 1)[1]
URL = f"https://api.telegram.org/file/bot{TOKEN}/documents/file_7.xlsx"


async def test_control_characters_typed_in_a_chat_are_dropped(duban: Duban) -> None:
    """A finding pasted with a NUL, a bell and an escape sequence is saved without them;
    a message of control characters only is answered politely and saves nothing."""
    duban.seed_item("研发投入不足", company="卓远半导体", town="高新区", unit="科技局")
    wang = await duban.register(6901, "王督查", Role.INSPECTOR)
    await start_visit(wang)

    await wang.send("设备\x00老化\x07严重\x1b[31m")
    await wang.expect("发现 1")
    await wang.send("\x01\x02\x1f")
    await wang.expect("只有无法显示的控制字符")
    await wang.send_photo(caption="门口\x0b照片")
    await wang.expect("发现 2")
    await duban.settle()

    db = duban.db()
    try:
        texts = [row[0] for row in db.execute("SELECT text FROM findings ORDER BY id")]
        captions = [row[0] for row in db.execute("SELECT caption FROM evidence")]
    finally:
        db.close()
    assert texts == ["设备老化严重[31m", "门口照片"]
    assert captions == ["门口照片"]


def test_without_controls_keeps_ordinary_text() -> None:
    """Tabs, newlines, Chinese and emoji stay; C0 controls and lone surrogates go."""
    assert without_controls("第一行\n\t第二行 🚧") == "第一行\n\t第二行 🚧"
    assert without_controls("a\x00b\x08c\x0bd\x0ce\x1ff\ud800g\ufffe") == "abcdefg"


def test_outbox_and_report_job_errors_are_redacted(tmp_path) -> None:
    """A send that failed on a URL holding the token, retried then dead, and a report job
    that failed the same way keep their reasons without the token."""
    db = open_database(tmp_path / "duban.sqlite")
    now = datetime.now(UTC)
    for key in ("a", "b"):
        outbox.enqueue(
            db, key=key, to=Address("telegram", "1"), method="sendMessage", payload={}, at=now
        )
    rows = [row[0] for row in db.execute("SELECT id FROM outbox ORDER BY id")]
    outbox.mark_retry(db, rows[0], f"ConnectError: {URL}", now)
    outbox.mark_dead(db, rows[1], f"BadRequest at {URL}")
    db["people"].insert({"id": 1, "name": "办公室", "role": "admin", "created_at": now.isoformat()})
    job = report_jobs.create(
        db,
        kind="export",
        person_id=1,
        chat=Address("telegram", "1"),
        language="zh",
        params={},
        at=now,
        update_id=None,
    )
    report_jobs.record_error(db, job, f"NetworkError('{URL}')")

    kept = [row[0] for row in db.execute("SELECT last_error FROM outbox ORDER BY id")]
    kept.append(db.execute("SELECT last_error FROM report_jobs").fetchone()[0])
    assert all("<token>" in text for text in kept), kept
    assert not any(SECRET in text or TOKEN in text for text in kept)
