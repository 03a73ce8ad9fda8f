"""The baseline: a plain python-telegram-bot bot, written the way the PTB examples teach.

It records each text or photo it receives in SQLite and replies. It uses ``run_polling``,
whose Updater confirms a batch to Telegram as soon as it is fetched — so a crash loses what
was still queued in memory. The crash tests run it beside Duban to show the difference.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_URL=http://127.0.0.1:8081 \\
        python -m bench.bare_bot /tmp/bare.sqlite
"""

from __future__ import annotations

import os
import sqlite3
import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


def main(db_path: str) -> None:
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS received (update_id INTEGER, chat_id INTEGER, text TEXT)"
    )

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message.photo:  # keep the evidence, as a real bot must
            photo = await message.photo[-1].get_file()
            await photo.download_as_bytearray()
        db.execute(
            "INSERT INTO received VALUES (?, ?, ?)",
            [update.update_id, message.chat_id, message.text or message.caption or "photo"],
        )
        await message.reply_text(f"saved {update.update_id}")

    api = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .concurrent_updates(False)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT | filters.PHOTO, record))
    application.run_polling(poll_interval=0.0, timeout=1)


if __name__ == "__main__":
    main(sys.argv[1])
