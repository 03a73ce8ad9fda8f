"""Logs at INFO carry no text DingTalk people typed, on the bot's side or the SDK's
(issue 17): the same rule as tests/ops/test_log_privacy.py for Telegram, through the
stand-in and the real SDK, whose loggers the bot keeps at WARNING (bot/platforms/dingtalk/
stream.py: its INFO lines quote whole frames). The stand-in's own records are left out: it
plays DingTalk. That caplog hears the in-process bot is shown by the Telegram test."""

from __future__ import annotations

import logging

import pytest

from sandbox.dingtalk.server import DingTalkStandIn
from tests.dingtalk.test_processor_scenarios import (  # noqa: F401
    duban,
    inspector_on_visit,
    said,
)
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import Duban

FINDING = "厂房审批慢，企业反映三个月未办结"
STRANGER_TEXT = "你好，我想看看督办事项"


async def test_dingtalk_texts_stay_out_of_the_log(
    duban: Duban,  # noqa: F811
    standin: DingTalkStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A registered inspector's words during a visit and a stranger's question."""
    caplog.set_level(logging.DEBUG)  # recorded from DEBUG up; judged from INFO up
    phone, _ = await inspector_on_visit(duban, standin)
    await phone.send_rich_text(FINDING, b"jpeg-1")
    await standin.phone("stranger01", "陌生人").send(STRANGER_TEXT)
    await said(duban, "stranger01", "邀请")

    def finding_kept() -> bool:
        db = duban.db()
        try:
            return bool(db.execute("SELECT 1 FROM findings").fetchone())
        finally:
            db.close()

    await wait_until(finding_kept)
    log = "\n".join(
        f"{record.name}: {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if record.levelno >= logging.INFO and not record.name.startswith("sandbox")
    )
    for secret in (FINDING, STRANGER_TEXT, "三个月未办结"):
        assert secret not in log, f"{secret!r} reached the log"
