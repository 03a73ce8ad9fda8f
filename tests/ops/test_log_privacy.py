"""Logs at INFO never carry what people typed, their captions or where they stood.

The log of a county office's server is read by its IT staff and often shipped to a
collector; the findings and locations of unannounced visits belong to the office's ledger,
not there. The bot runs in-process against the sandbox, so caplog sees every record its
loggers (and python-telegram-bot's, aiohttp's, sqlite's) write; the sandbox's own records
are left out: it plays Telegram, which does see the texts.
"""

from __future__ import annotations

import logging

import pytest

from bot.domain.lifecycle import Role
from tests.harness import Duban, start_visit

FINDING = "企业反映研发费用加计扣除政策不清楚"
CAPTION = "车间西侧消防通道被原料堵塞"
ALBUM_CAPTION = "实验室设备闲置未用"
STRANGER_TEXT = "请问督办室电话是多少"
NAME_TYPED = "卓远"
LATITUDE, LONGITUDE = 32.391234, 120.571234


def _duban_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each record at INFO or above from anything but the sandbox, with its traceback."""
    lines = []
    for record in caplog.records:
        if record.name.startswith("sandbox") or record.levelno < logging.INFO:
            continue
        lines.append(f"{record.name}: {record.getMessage()} {record.exc_text or ''}")
    return lines


async def test_visit_texts_captions_and_location_stay_out_of_the_log(
    duban: Duban, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole visit (typed search, location, text, captioned photo and album) and a
    stranger's question leave no trace of their content in the log."""
    caplog.set_level(logging.DEBUG)  # recorded from DEBUG up; judged from INFO up
    duban.seed_research_item()
    inspector = await duban.register(6301, "王督查", Role.INSPECTOR)
    await start_visit(inspector, company=NAME_TYPED)
    await inspector.expect("发送当前位置")
    await inspector.send_location(LATITUDE, LONGITUDE)
    await inspector.expect("已记录到场位置")
    await inspector.send(FINDING)
    await inspector.send_photo(caption=CAPTION)
    await inspector.send_album([None, None], caption=ALBUM_CAPTION)
    await inspector.expect("照片 2 张")
    stranger = duban.phone(6399, "路人")
    await stranger.send(STRANGER_TEXT)
    await stranger.expect_message()
    await duban.all_processed()

    heard = {record.name.split(".")[0] for record in caplog.records}
    assert "telegram" in heard, "caplog heard nothing from the bot: the test would prove nothing"
    log = "\n".join(_duban_records(caplog))
    for secret in (FINDING, CAPTION, ALBUM_CAPTION, STRANGER_TEXT, "32.39", "120.57"):
        assert secret not in log, f"{secret!r} reached the log"
