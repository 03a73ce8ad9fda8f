"""Sending, editing, deleting, keyboards, callbacks, commands and files as on Telegram."""

from __future__ import annotations

import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden

from sandbox.images import make_jpeg
from sandbox.phones import ExpectationFailed
from sandbox.server import Sandbox
from sandbox.testing import make_application, raw_call

USER = 5001


async def test_message_ids_increase_per_chat(sandbox: Sandbox) -> None:
    """Each chat numbers its messages 1, 2, 3… across both sides."""
    first = sandbox.phone(user_id=USER, name="甲")
    second = sandbox.phone(user_id=USER + 1, name="乙")
    await first.send("hi")
    await second.send("hi")
    async with make_application(sandbox) as app:
        reply = await app.bot.send_message(USER, "one")
        other = await app.bot.send_message(USER + 1, "one")
    assert (reply.message_id, other.message_id) == (2, 2)
    assert reply.from_user is not None and reply.from_user.is_bot


async def test_edit_semantics(sandbox: Sandbox) -> None:
    """Edits change the message; identical edits and unknown messages are refused."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    sandbox.rate_limiter.enabled = False
    async with make_application(sandbox) as app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
        sent = await app.bot.send_message(USER, "草稿", reply_markup=keyboard)
        edited = await app.bot.edit_message_text(
            "定稿", USER, sent.message_id, reply_markup=keyboard
        )
        assert edited.text == "定稿" and edited.edit_date is not None
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await app.bot.edit_message_text("定稿", USER, sent.message_id, reply_markup=keyboard)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await app.bot.edit_message_text("x", USER, 999)
        await app.bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
            await app.bot.edit_message_text("x", USER, 1)  # the user's own message
        photo = await app.bot.send_photo(USER, make_jpeg(32, 32), caption="旧")
        await app.bot.edit_message_caption(USER, photo.message_id, caption="新")
        assert await app.bot.delete_message(USER, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await app.bot.delete_message(USER, sent.message_id)
    assert [m.text for m in phone.messages] == ["/start", "新"]
    kinds = [e["kind"] for e in phone.events if e["sender"] == "bot"]
    assert kinds == ["message", "edit", "edit", "message", "edit", "delete"]


async def test_callback_queries_are_answered_once(sandbox: Sandbox) -> None:
    """A query is answered once; again (or after 15 minutes) it is 'query is too old'."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    async with make_application(sandbox) as app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="yes")]])
        await app.bot.send_message(USER, "确认吗?", reply_markup=keyboard)
        await phone.tap("确认", wait_answer=False)
        updates = await app.bot.get_updates(offset=-1)
        query = updates[0].callback_query
        assert query is not None and query.data == "yes" and query.message is not None
        with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
            await query.answer("长" * 201)
        await query.answer("好的", show_alert=True)
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer()
    answers = [e for e in phone.events if e["kind"] == "answer"]
    assert answers[0]["text"] == "好的" and answers[0]["show_alert"] is True


async def test_tap_without_answer_fails_clearly(sandbox: Sandbox) -> None:
    """A phone tapping a button the bot never answers reports the missing answer."""
    phone = sandbox.phone(user_id=USER, name="甲", language="zh")
    await phone.send("/start")
    async with make_application(sandbox) as app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("卓远半导体", callback_data="c")]])
        await app.bot.send_message(USER, "选择企业", reply_markup=keyboard)
    with pytest.raises(ExpectationFailed, match="answerCallbackQuery"):
        await phone.tap("卓远", within=0.2)
    with pytest.raises(ExpectationFailed, match="选择企业"):
        await phone.expect("不存在的文字", within=0.1)


async def test_reply_keyboard_press_and_remove(sandbox: Sandbox) -> None:
    """A reply keyboard is shown until removed; pressing sends the button's text."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    async with make_application(sandbox) as app:
        keyboard = ReplyKeyboardMarkup([[KeyboardButton("取消"), "继续"]], resize_keyboard=True)
        await app.bot.send_message(USER, "请选择", reply_markup=keyboard)
        assert phone.reply_keyboard == [["取消", "继续"]]
        pressed = await phone.press("取消")
        assert pressed.text == "取消"
        await app.bot.send_message(USER, "已取消", reply_markup=ReplyKeyboardRemove())
    assert phone.reply_keyboard is None
    with pytest.raises(ExpectationFailed, match="no reply keyboard"):
        await phone.press("取消")


async def test_commands_by_scope_and_language(sandbox: Sandbox) -> None:
    """getMyCommands returns what was set for exactly that scope and language."""
    async with make_application(sandbox) as app:
        bot = app.bot
        await bot.set_my_commands([BotCommand("visit", "开始督办")], language_code="zh")
        await bot.set_my_commands([BotCommand("visit", "Start a visit")], language_code="en")
        scope = BotCommandScopeChat(USER)
        await bot.set_my_commands([BotCommand("admin", "管理")], scope=scope)
        assert [c.description for c in await bot.get_my_commands(language_code="zh")] == [
            "开始督办"
        ]
        assert [c.description for c in await bot.get_my_commands(language_code="en")] == [
            "Start a visit"
        ]
        assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["admin"]
        assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Visit!", "x")])
        await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        assert (await bot.get_chat_menu_button()).type == "commands"


async def test_files_round_trip_and_resend_by_file_id(sandbox: Sandbox) -> None:
    """The bot's uploads are stored; re-sending by file_id reuses them; getFile downloads."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    pdf = "%PDF-1.4 督办报告".encode()
    sandbox.rate_limiter.enabled = False
    async with make_application(sandbox) as app:
        sent = await app.bot.send_document(USER, pdf, filename="报告.pdf")
        assert sent.document is not None and sent.document.file_name == "报告.pdf"
        again = await app.bot.send_document(USER, sent.document.file_id)
        assert again.document is not None
        assert again.document.file_unique_id == sent.document.file_unique_id
        photo = await app.bot.send_photo(USER, make_jpeg(400, 300))
        resent = await app.bot.send_photo(USER, photo.photo[0].file_id)
        assert [p.file_id for p in resent.photo] == [p.file_id for p in photo.photo]
        with pytest.raises(BadRequest, match=r"(?i)can't use file of type Document as Photo"):
            await app.bot.send_photo(USER, sent.document.file_id)
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await app.bot.send_document(USER, "no-such-file-id")
        file = await app.bot.get_file(sent.document.file_id)
        assert bytes(await file.download_as_bytearray()) == pdf
    assert phone.download(sent.document.file_id) == pdf


async def test_blocked_user_is_403(sandbox: Sandbox) -> None:
    """After a user blocks the bot, sends fail with 403 until they unblock."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send("/start")
    phone.block_bot()
    async with make_application(sandbox) as app:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(USER, "在吗")
        updates = await app.bot.get_updates()
        member = updates[-1].my_chat_member
        assert member is not None and member.new_chat_member.status == "kicked"
        phone.unblock()
        await app.bot.send_message(USER, "在吗")
    assert (await phone.expect("在吗")).from_bot


async def test_location_chat_action_and_html(sandbox: Sandbox) -> None:
    """Locations, chat actions and HTML entities reach the phone as Telegram shows them."""
    phone = sandbox.phone(user_id=USER, name="甲")
    await phone.send_location(31.23, 121.47)
    sandbox.rate_limiter.enabled = False
    async with make_application(sandbox) as app:
        await app.bot.send_chat_action(USER, "typing")
        await app.bot.send_location(USER, 31.2, 121.5)
        sent = await app.bot.send_message(USER, "<b>督办</b> &amp; 跟进", parse_mode="HTML")
    assert sent.text == "督办 & 跟进"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 2
    assert phone.events[1]["action"] == "typing"
    assert phone.messages[1]["location"] == {"latitude": 31.2, "longitude": 121.5}
    status, _ = await raw_call(sandbox, "sendChatAction", {"chat_id": USER, "action": "dance"})
    assert status == 400
