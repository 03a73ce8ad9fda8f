"""An imported sheet fetched from the chat that sent it, to MEDIA_DIR/in/<job>/.

A Telegram administrator's document is fetched with the Bot API (getFile, then its
bytes); a DingTalk administrator's file message carries a downloadCode instead, which the
bot's DingTalk OpenAPI client turns into the file (``/v1.0/robot/messageFiles/download``).
Either way the bytes go to a ``.part`` file renamed into place, so a retried job finds a
whole sheet or none; the sheet is then read in the builder process
(bot/builders/import_preview.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram.error import TelegramError

from bot.builders.build import BuildContext
from bot.builders.import_preview import DownloadFailed, sheet_path
from bot.domain.people import DINGTALK
from bot.platforms.dingtalk.openapi import DingTalkError, FileTooLarge
from bot.runtime.context import Resources
from bot.sheets.safety import MAX_FILE_BYTES
from storage.report_jobs import ReportJob


async def download(services: Resources, context: BuildContext, job: ReportJob) -> Path:
    """Fetch the document to disk once (a retried job finds it there)."""
    path = sheet_path(context, job.id, job.params["file_name"])
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".part")
    if job.chat.platform == DINGTALK:
        await _from_dingtalk(services, job.params["file_id"], temp)
    else:
        await _from_telegram(services, job.params["file_id"], temp)
    temp.replace(path)
    return path


async def _from_telegram(services: Resources, file_id: str, temp: Path) -> None:
    if services.telegram_bot is None:
        raise DownloadFailed("Telegram is not configured")
    try:
        telegram_file = await services.telegram_bot.get_file(file_id)
        await telegram_file.download_to_drive(temp)
    except TelegramError as error:
        raise DownloadFailed(str(error)) from error


async def _from_dingtalk(services: Resources, download_code: str, temp: Path) -> None:
    """The bytes are written off the event loop (a sheet may be megabytes)."""
    if services.dingtalk_api is None:
        raise DownloadFailed("DingTalk is not configured")
    try:
        data = await services.dingtalk_api.download_file(download_code, MAX_FILE_BYTES)
    except (DingTalkError, FileTooLarge) as error:
        raise DownloadFailed(str(error)) from error
    await asyncio.to_thread(temp.write_bytes, data)
