"""The bot token is a password to the whole bot: it must never be written anywhere we keep."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram.ext import CommandHandler

from bot.domain.lifecycle import Role
from bot.logs import RedactTokens
from bot.registry import ACTIONS
from sandbox.images import make_jpeg
from tests.harness import TOKEN, Duban

SECRET = TOKEN.split(":", 1)[1]


@pytest.fixture
def bot_log() -> Iterator[io.StringIO]:
    """The production log handler (bot.logs) at DEBUG, httpx and httpcore included."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(TOKEN))
    root = logging.getLogger()
    noisy = [logging.getLogger(name) for name in ("httpx", "httpcore", "telegram", "apscheduler")]
    saved = (root.level, [logger.level for logger in noisy])
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for logger in noisy:
        logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for logger, level in zip(noisy, saved[1], strict=True):
            logger.setLevel(level)


def leaks(text: str) -> bool:
    return TOKEN in text or SECRET in text


def database_dump(duban: Duban) -> Iterator[tuple[str, str, object]]:
    """Every value of every column of every table."""
    db = duban.db()
    try:
        for table in db.table_names():
            for row in db.execute(f"SELECT * FROM [{table}]").fetchall():
                for column, value in zip(db[table].columns_dict, row, strict=True):
                    yield table, column, value
    finally:
        db.close()


def written_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


async def test_token_is_never_logged_stored_or_sent(duban: Duban, bot_log: io.StringIO) -> None:
    """Registration, a visit with a downloaded photo, a failing send and a failing handler:
    the token (or its secret half) is in no log line, no message, no database value and no
    file the bot wrote."""
    duban.seed_company("卓远半导体", "磨头镇")
    admin = duban.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    wang = await duban.register(8601, "王督查", Role.INSPECTOR)
    await wang.send("/visit 卓远")
    await wang.expect("匹配的企业")
    await wang.tap("卓远半导体（磨头镇）")
    await wang.expect("走访中")
    await wang.send_photo(make_jpeg(640, 480, 2), caption="洁净车间")
    await wang.expect("照片 1 张")
    await duban.settle()
    # A download that fails once (a 502 from Telegram), then succeeds.
    download_fault = duban.sandbox.faults.inject("getFile", status=502)
    await duban.runtime.run_job("evidence.download")
    assert download_fault.fired == 1
    db = duban.db()
    try:
        db.execute("UPDATE evidence SET next_download_at = NULL")  # retry now, not in 10 s
    finally:
        db.close()
    await duban.runtime.run_job("evidence.download")
    # A send that fails (500) and is retried.
    send_fault = duban.sandbox.faults.inject("sendMessage", status=500)
    await wang.send("/help")
    shown = await wang.expect("可用命令", within=10)
    # The inspector's commands as the registry declares them (/visit among them).
    assert all(f"/{a.name} — " in shown.text for a in ACTIONS.menu(Role.INSPECTOR))
    assert send_fault.fired == 1
    # A handler that fails with the token in its error (as a careless library might).
    services = duban.runtime.resources

    async def explode(update: object, context: object) -> None:
        raise RuntimeError(f"request to https://api.telegram.org/bot{TOKEN}/getMe failed")

    application = duban.runtime.application
    handler = CommandHandler("boom", explode)
    application.handlers[0].insert(0, handler)  # before the catch-all fallback
    try:
        await wang.send("/boom")
        await wang.expect("抱歉", within=60)  # after four attempts, 1 + 5 + 30 s apart
    finally:
        application.remove_handler(handler, group=0)
    await duban.settle(15)
    assert services.settings.token == TOKEN

    log_text = bot_log.getvalue()
    assert "handler failed" in log_text and "<token>" in log_text  # the scenario did log
    for line in log_text.splitlines():
        assert not leaks(line), f"token in log: {line[:200]}"
    for call in duban.sandbox.state.calls:
        assert not leaks(repr(call.get("params"))), f"token sent in {call['method']}"
    for table, column, value in database_dump(duban):
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        assert not leaks(text), f"token stored in {table}.{column}"
    files = written_files(duban.settings.media_dir)
    assert files, "the photo was downloaded"
    for path in files:
        data = path.read_bytes()
        assert TOKEN.encode() not in data and SECRET.encode() not in data, path
