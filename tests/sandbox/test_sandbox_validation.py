"""Requests Telegram refuses are refused the same way, with Telegram's wording."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.error import BadRequest

from sandbox.images import make_jpeg
from sandbox.server import Sandbox
from sandbox.testing import make_application, raw_call

USER = 3001


async def started(sandbox: Sandbox) -> None:
    """The user has opened the chat, so the bot may write to them."""
    await sandbox.phone(user_id=USER, name="测试员").send("/start")


async def test_unknown_method_is_404(sandbox: Sandbox) -> None:
    """A method Telegram does not have answers 404 Not Found."""
    status, body = await raw_call(sandbox, "sendTelepathy", {"chat_id": USER})
    assert (status, body["description"]) == (404, "Not Found")


async def test_malformed_token_is_404(sandbox: Sandbox) -> None:
    """A token that is not ``digits:secret`` answers 404 as Telegram does."""
    status, _ = await raw_call(sandbox, "getMe", token="not-a-token")
    assert status == 404


async def test_method_names_are_case_insensitive(sandbox: Sandbox) -> None:
    """``GETME`` works like ``getMe``, as on Telegram."""
    status, body = await raw_call(sandbox, "GETME")
    assert status == 200 and body["result"]["username"] == "duban_7000000001_bot"


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "x"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": USER}, "Bad Request: message text is empty"),
        ("sendMediaGroup", {"chat_id": USER}, 'Bad Request: parameter "media" is required'),
        ("answerCallbackQuery", {}, 'Bad Request: parameter "callback_query_id" is required'),
    ],
)
async def test_missing_required_parameter(
    sandbox: Sandbox, method: str, params: dict[str, object], description: str
) -> None:
    """A missing required parameter is a 400 naming it."""
    await started(sandbox)
    status, body = await raw_call(sandbox, method, params)
    assert (status, body["description"]) == (400, description)


async def test_wrong_type_is_400(sandbox: Sandbox) -> None:
    """A value of the wrong type (a boolean that is not one, a broken keyboard) is a 400."""
    await started(sandbox)
    status, body = await raw_call(
        sandbox, "sendMessage", {"chat_id": USER, "text": "x", "disable_notification": "maybe"}
    )
    assert status == 400 and "disable_notification" in body["description"]
    status, body = await raw_call(
        sandbox, "sendMessage", {"chat_id": USER, "text": "x", "reply_markup": {"rows": []}}
    )
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


async def test_unknown_parameter_only_refused_in_strict_mode(sandbox: Sandbox) -> None:
    """Strict mode refuses unknown parameters; Telegram's default is to ignore them."""
    await started(sandbox)
    params = {"chat_id": USER, "text": "x", "colour": "red"}
    status, body = await raw_call(sandbox, "sendMessage", params)
    assert (status, body["description"]) == (400, 'Bad Request: unknown parameter "colour"')
    sandbox.strict = False
    status, _ = await raw_call(sandbox, "sendMessage", params)
    assert status == 200


async def test_text_length_counts_after_entity_parsing(sandbox: Sandbox) -> None:
    """4096 characters pass even wrapped in tags; 4097 are 'message is too long'."""
    await started(sandbox)
    sandbox.rate_limiter.enabled = False
    ok = {"chat_id": USER, "text": "<b>" + "字" * 4096 + "</b>", "parse_mode": "HTML"}
    status, body = await raw_call(sandbox, "sendMessage", ok)
    assert status == 200 and body["result"]["entities"][0]["length"] == 4096
    status, body = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "字" * 4097})
    assert body["description"] == "Bad Request: message is too long"


async def test_malformed_html_cannot_be_parsed(sandbox: Sandbox) -> None:
    """Unclosed or unknown tags fail with Telegram's can't-parse-entities message."""
    await started(sandbox)
    status, body = await raw_call(
        sandbox, "sendMessage", {"chat_id": USER, "text": "<b>粗体", "parse_mode": "HTML"}
    )
    assert status == 400
    assert body["description"] == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )


async def test_caption_callback_data_and_album_limits(sandbox: Sandbox) -> None:
    """Captions over 1024, callback_data over 64 bytes, albums of 1 or 11 are refused."""
    await started(sandbox)
    sandbox.rate_limiter.enabled = False
    jpeg = make_jpeg(64, 48)
    async with make_application(sandbox) as app:
        with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
            await app.bot.send_photo(USER, jpeg, caption="长" * 1025)
        button = InlineKeyboardButton("x", callback_data="d" * 65)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await app.bot.send_message(USER, "x", reply_markup=InlineKeyboardMarkup([[button]]))
        with pytest.raises(BadRequest, match="2-10"):
            await app.bot.send_media_group(USER, [InputMediaPhoto(jpeg)])
        with pytest.raises(BadRequest, match=r"(?i)too many messages to send as an album"):
            await app.bot.send_media_group(USER, [InputMediaPhoto(jpeg)] * 11)
        album = await app.bot.send_media_group(USER, [InputMediaPhoto(jpeg)] * 3, caption="三张")
    assert len({m.media_group_id for m in album}) == 1
    assert [m.caption for m in album] == ["三张", None, None]


async def test_big_files_cannot_be_downloaded(sandbox: Sandbox) -> None:
    """getFile on a file over 20 MB answers 'file is too big'."""
    phone = sandbox.phone(user_id=USER, name="测试员")
    sent = await phone.send_document(b"\0" * (20 * 1024 * 1024 + 1), "scan.pdf", "application/pdf")
    async with make_application(sandbox) as app:
        with pytest.raises(BadRequest, match=r"(?i)file is too big"):
            await app.bot.get_file(sent["document"]["file_id"])


async def test_uploads_over_50_mb_are_413(sandbox: Sandbox) -> None:
    """A bot upload over 50 MB is refused with 413 Request Entity Too Large."""
    await started(sandbox)
    big = ("big.bin", b"\0" * (50 * 1024 * 1024 + 1), "application/octet-stream")
    status, body = await raw_call(
        sandbox, "sendDocument", {"chat_id": USER}, files={"document": big}
    )
    assert (status, body["description"]) == (413, "Request Entity Too Large")


async def test_unknown_chat_and_unstarted_user(sandbox: Sandbox) -> None:
    """Unknown chats are 'chat not found'; a known user who never wrote is 403."""
    sandbox.phone(user_id=USER, name="测试员")
    _, body = await raw_call(sandbox, "sendMessage", {"chat_id": 999, "text": "x"})
    assert body["description"] == "Bad Request: chat not found"
    status, body = await raw_call(sandbox, "sendMessage", {"chat_id": USER, "text": "x"})
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
