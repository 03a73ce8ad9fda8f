"""Bare python-telegram-bot applications run unchanged against the sandbox."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from sandbox.images import make_jpeg
from sandbox.server import Sandbox
from sandbox.testing import make_application, polling


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the user's text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def test_echo_bot_replies_through_polling(sandbox: Sandbox) -> None:
    """A plain echo bot started like run_polling answers a user's text."""
    app = make_application(sandbox)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    phone = sandbox.phone(user_id=1001, name="王督查", language="zh")
    async with polling(app):
        await phone.send("你好")
        reply = await phone.expect("你好")
    assert reply.from_bot
    assert reply["chat"]["id"] == 1001
    assert [m.text for m in phone.messages] == ["你好", "你好"]
    assert [m.message_id for m in phone.messages] == [1, 2]


async def test_photo_handler_downloads_the_photo(sandbox: Sandbox) -> None:
    """A bot receives a PhotoSize ladder and downloads the largest photo's exact bytes."""
    received: dict[str, Any] = {}

    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        sizes = update.message.photo
        received["sizes"] = [(p.width, p.height) for p in sizes]
        file = await sizes[-1].get_file()
        received["bytes"] = bytes(await file.download_as_bytearray())
        small = await sizes[0].get_file()
        received["small"] = bytes(await small.download_as_bytearray())
        await update.message.reply_text(f"收到 {len(received['bytes'])} 字节")

    app = make_application(sandbox)
    app.add_handler(MessageHandler(filters.PHOTO, on_photo))
    phone = sandbox.phone(user_id=1002, name="李工", language="zh")
    jpeg = make_jpeg(1000, 750, 3)
    async with polling(app):
        await phone.send_photo(jpeg, caption="门口")
        await phone.expect("收到")
    assert received["bytes"] == jpeg
    assert received["sizes"] == [(90, 68), (320, 240), (800, 600), (1000, 750)]
    assert received["small"][:2] == b"\xff\xd8"


async def test_inline_button_reaches_callback_query_handler(sandbox: Sandbox) -> None:
    """Tapping an inline button produces a callback query the bot answers and edits on."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("卓远半导体", callback_data="company:7")]]
        )
        await update.message.reply_text("选择企业", reply_markup=keyboard)

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("已选择")
        await query.edit_message_text(f"已选择 {query.data}")

    app = make_application(sandbox)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(chosen))
    phone = sandbox.phone(user_id=1003, name="张三", language="zh")
    async with polling(app):
        await phone.send("/start")
        menu = await phone.expect("选择企业")
        assert menu.buttons == ["卓远半导体"]
        answer = await phone.tap("卓远半导体")
        edited = await phone.expect("已选择 company:7")
    assert answer is not None and answer.text == "已选择"
    assert edited.message_id == menu.message_id
    assert "edit_date" in edited.data
    assert edited.buttons == []


ASK_NAME, ASK_AGE = range(2)


async def test_two_step_conversation(sandbox: Sandbox) -> None:
    """A two-step ConversationHandler keeps per-user state across messages."""

    async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None
        await update.message.reply_text("企业名称?")
        return ASK_NAME

    async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and context.user_data is not None
        context.user_data["name"] = update.message.text
        await update.message.reply_text("人数?")
        return ASK_AGE

    async def got_count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and context.user_data is not None
        await update.message.reply_text(f"{context.user_data['name']}: {update.message.text} 人")
        return ConversationHandler.END

    app = make_application(sandbox)
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("visit", begin)],
            states={
                ASK_NAME: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_name)],
                ASK_AGE: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_count)],
            },
            fallbacks=[],
        )
    )
    first = sandbox.phone(user_id=2001, name="甲", language="zh")
    second = sandbox.phone(user_id=2002, name="乙", language="en")
    async with polling(app):
        await first.send("/visit")
        await second.send("/visit")
        await first.expect("企业名称")
        await second.expect("企业名称")
        await first.send("卓远")
        await second.send("星河")
        await first.expect("人数")
        await second.expect("人数")
        await first.send("12")
        await second.send("30")
        await first.expect("卓远: 12 人")
        await second.expect("星河: 30 人")
