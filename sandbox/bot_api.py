"""What each Bot API method does in the sandbox, once its parameters have been checked.

Implemented with Telegram's semantics: getMe, getUpdates (long polling, offsets,
allowed_updates), setWebhook/deleteWebhook/getWebhookInfo (updates are then posted to the
webhook: sandbox.webhooks),
sendMessage, sendPhoto, sendDocument, sendVideo, sendVoice, sendAudio, sendAnimation,
sendMediaGroup, sendLocation, sendChatAction, copyMessage, forwardMessage,
editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage,
deleteMessages, getFile, answerCallbackQuery, setMyCommands/getMyCommands/
deleteMyCommands, setChatMenuButton/getChatMenuButton, getChat, setMyName/getMyName,
setMyDescription/getMyDescription, setMyShortDescription/getMyShortDescription.

Accepted and answered ``true`` without further effect: setMessageReaction,
pinChatMessage, unpinChatMessage, unpinAllChatMessages, setMyDefaultAdministratorRights,
logOut, close.

Every other method of the spec is answered 400 ``method not supported by the sandbox``.
Inline messages (``inline_message_id``) and business connections are not supported.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox import limits
from sandbox.errors import UNSUPPORTED, ApiError, bad_request, forbidden
from sandbox.files import StoredFile, kind_title, photo_sizes_json
from sandbox.formatting import apply_parse_mode, utf16_len
from sandbox.images import image_size
from sandbox.spec import Upload
from sandbox.state import BotRecord, ChatRecord, SandboxState
from sandbox.webhooks import WebhookDelivery

Params = dict[str, Any]
Handler = Callable[[BotRecord, Params, dict[str, Upload]], Awaitable[Any]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_ALBUM_KINDS = frozenset({"photo", "video", "document", "audio"})
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_ACCEPTED_NOOPS = (
    "setMessageReaction",
    "pinChatMessage",
    "unpinChatMessage",
    "unpinAllChatMessages",
    "setMyDefaultAdministratorRights",
    "logOut",
    "close",
)


class BotApi:
    """Dispatches checked calls to the method implementations below."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.closing = False
        self._pollers: dict[int, int] = {}  # bot id → generation of the current getUpdates
        self.webhooks = WebhookDelivery(state)
        self._handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendVideo": self.send_video,
            "sendVoice": self.send_voice,
            "sendAudio": self.send_audio,
            "sendAnimation": self.send_animation,
            "sendMediaGroup": self.send_media_group,
            "sendLocation": self.send_location,
            "sendChatAction": self.send_chat_action,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "getFile": self.get_file,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "getChat": self.get_chat,
            "setMyName": self.set_my_text,
            "setMyDescription": self.set_my_text,
            "setMyShortDescription": self.set_my_text,
            "getMyName": self.get_my_name,
            "getMyDescription": self.get_my_description,
            "getMyShortDescription": self.get_my_short_description,
        }
        for name in _ACCEPTED_NOOPS:
            self._handlers[name] = self.accept

    def supports(self, method: str) -> bool:
        return method in self._handlers

    async def call(
        self, bot: BotRecord, method: str, params: Params, uploads: dict[str, Upload]
    ) -> Any:
        handler = self._handlers.get(method)
        if handler is None:
            raise bad_request(UNSUPPORTED)
        return await handler(bot, params, uploads)

    # ----- identity and updates -------------------------------------------------------

    async def get_me(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return {
            **bot.as_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def accept(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return True

    async def get_updates(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        if bot.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        limit = min(max(p.get("limit", limits.GET_UPDATES_LIMIT_MAX), 1), 100)
        timeout = max(p.get("timeout", 0), 0)
        if "allowed_updates" in p:
            bot.allowed_updates = list(p["allowed_updates"])
        self.state.confirm_updates(bot, p.get("offset"))
        # Only one getUpdates may wait at a time; a newer one ends the older with 409.
        generation = self._pollers.get(bot.id, 0) + 1
        self._pollers[bot.id] = generation
        self.state.wake_pollers(bot.id)
        deadline = self.state.now() + timeout
        while True:
            if self._pollers.get(bot.id) != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            updates = self.state.pending_updates(bot, limit)
            remaining = deadline - self.state.now()
            if updates or remaining <= 0 or self.closing:
                return updates
            await self.state.wait_for_update(bot.id, remaining)

    async def set_webhook(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        """Telegram's checks, then every pending update is posted to the URL (an empty URL
        removes the webhook, as deleteWebhook does). Plain http is accepted: the sandbox
        runs beside the bot, with no certificate (Telegram requires https)."""
        url = p["url"]
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token", "")
        if "secret_token" in p and not _SECRET_TOKEN.match(secret):
            raise bad_request("secret token contains unallowed characters")
        connections = p.get("max_connections", 40)
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if "allowed_updates" in p:
            bot.allowed_updates = list(p["allowed_updates"])
        if p.get("drop_pending_updates"):
            bot.updates.clear()
        if url != bot.webhook_url:
            bot.webhook_last_error_date = None
            bot.webhook_last_error_message = ""
        bot.webhook_url = url
        bot.webhook_secret = secret
        bot.webhook_max_connections = connections
        if url:
            self.webhooks.ensure(bot)
        return True

    async def delete_webhook(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        bot.webhook_url = ""
        bot.webhook_secret = ""
        if p.get("drop_pending_updates"):
            bot.updates.clear()
        self.state.wake_pollers(bot.id)  # the delivery task sees the webhook gone
        return True

    async def get_webhook_info(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        self.state.confirm_updates(bot, None)
        info: Params = {
            "url": bot.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(bot.updates),
        }
        if bot.webhook_url:
            info["max_connections"] = bot.webhook_max_connections
            if bot.allowed_updates:
                info["allowed_updates"] = list(bot.allowed_updates)
            if bot.webhook_last_error_date is not None:
                info["last_error_date"] = bot.webhook_last_error_date
                info["last_error_message"] = bot.webhook_last_error_message
        return info

    # ----- sending --------------------------------------------------------------------

    def target_chat(self, bot: BotRecord, chat_id: Any, *, sending: bool = True) -> ChatRecord:
        """The chat a call addresses, refused the way Telegram refuses it."""
        chat = bot.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if isinstance(chat_id, int) and chat_id in self.state.users:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if sending and chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    async def send_message(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        text, entities = _formatted(p["text"], p.get("parse_mode"), p.get("entities"))
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > limits.TEXT_MAX:
            raise bad_request("message is too long")
        chat = self.target_chat(bot, p["chat_id"])
        content: Params = {"text": text}
        if entities:
            content["entities"] = entities
        return self._deliver(bot, chat, p, content)

    def _deliver(self, bot: BotRecord, chat: ChatRecord, p: Params, content: Params) -> Params:
        """Store a bot message with its keyboard and reply, and tell the chat's watchers."""
        inline, keyboard_change = _markup(p.get("reply_markup"))
        content = {**_reply_to(chat, p.get("reply_parameters")), **content}
        if inline is not None:
            content["reply_markup"] = inline
        message = self.state.add_message(bot, chat, bot.as_user(), content)
        if keyboard_change is not None:
            chat.reply_keyboard = keyboard_change or None
        self.state.emit(
            bot,
            chat,
            "message",
            sender="bot",
            message=message,
            reply_markup=p.get("reply_markup"),
            keyboard=chat.reply_keyboard,
        )
        return message

    async def send_photo(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return self._send_media(bot, p, uploads, "photo")

    async def send_document(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return self._send_media(bot, p, uploads, "document")

    async def send_video(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return self._send_media(bot, p, uploads, "video")

    async def send_voice(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return self._send_media(bot, p, uploads, "voice")

    async def send_audio(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return self._send_media(bot, p, uploads, "audio")

    async def send_animation(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return self._send_media(bot, p, uploads, "animation")

    def _send_media(self, bot: BotRecord, p: Params, uploads: dict[str, Upload], kind: str) -> Any:
        caption = _caption(p)
        chat = self.target_chat(bot, p["chat_id"])
        content = self._media_content(kind, p[kind], uploads, p)
        content.update(caption)
        return self._deliver(bot, chat, p, content)

    def _media_content(
        self, kind: str, value: Any, uploads: dict[str, Upload], p: Params
    ) -> Params:
        """The message field (``photo``, ``document``…) for an upload or a known file_id."""
        files = self.state.files
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("can't parse InputMedia: media not found")
            value = upload
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                size = image_size(value.data)
                if size is None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                return {"photo": photo_sizes_json(files.add_photo(value.data, *size))}
            mime = value.content_type
            if mime in ("", "application/octet-stream"):
                mime = _default_mime(kind, value.filename)
            record = files.add(kind, value.data, file_name=value.filename, mime_type=mime)
            return {kind: file_json(record, p)}
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        record = files.get(value)
        if record is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if record.kind != kind:
            raise bad_request(
                f"can't use file of type {kind_title(record.kind)} as {kind_title(kind)}"
            )
        if kind == "photo":
            ladder = [files.files[file_id] for file_id in record.photo_set]
            return {"photo": photo_sizes_json(ladder)}
        return {kind: file_json(record, p)}

    async def send_media_group(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        media: list[Params] = p["media"]
        if not media:
            raise bad_request("there are no messages to send")
        if len(media) > limits.MEDIA_GROUP_MAX:
            raise bad_request("too many messages to send as an album")
        if len(media) < limits.MEDIA_GROUP_MIN:
            # The spec says 2-10 items; Telegram itself now sends a lone item as an ordinary
            # message. The sandbox keeps to the documented limit so bots never rely on that.
            raise bad_request('parameter "media" must contain 2-10 items')
        kinds = [item["type"] for item in media]
        for kind in kinds:
            if kind not in _ALBUM_KINDS:
                raise bad_request(
                    f"can't parse InputMedia: type \"{kind}\" can't be used in sendMediaGroup"
                )
        for special in ("document", "audio"):
            if special in kinds and any(kind != special for kind in kinds):
                raise bad_request(f"{special} can't be mixed with other media types")
        captions = [_caption(item) for item in media]
        chat = self.target_chat(bot, p["chat_id"])
        contents = [
            self._media_content(item["type"], item["media"], uploads, item) for item in media
        ]
        group_id = str(13_000_000_000_000_000 + secrets.randbelow(10**15))
        messages = []
        for content, caption in zip(contents, captions, strict=True):
            content = {**content, **caption, "media_group_id": group_id}
            messages.append(
                self._deliver(bot, chat, {"reply_parameters": p.get("reply_parameters")}, content)
            )
        return messages

    async def send_location(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        latitude, longitude = p["latitude"], p["longitude"]
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise bad_request("wrong coordinates")  # sandbox wording
        chat = self.target_chat(bot, p["chat_id"])
        location: Params = {"latitude": latitude, "longitude": longitude}
        for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
            if key in p:
                location[key] = p[key]
        return self._deliver(bot, chat, p, {"location": location})

    async def send_chat_action(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        if p["action"] not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat = self.target_chat(bot, p["chat_id"])
        self.state.emit(bot, chat, "action", sender="bot", action=p["action"])
        return True

    async def copy_message(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        source = self._source_message(bot, p)
        chat = self.target_chat(bot, p["chat_id"])
        content = _content_of(source)
        if "caption" in p:
            content.pop("caption_entities", None)
            content.update(_caption(p))
        message = self._deliver(bot, chat, p, content)
        return {"message_id": message["message_id"]}

    async def forward_message(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        source = self._source_message(bot, p)
        chat = self.target_chat(bot, p["chat_id"])
        content = _content_of(source)
        content.pop("reply_markup", None)
        content["forward_origin"] = {
            "type": "user",
            "sender_user": source["from"],
            "date": source["date"],
        }
        return self._deliver(bot, chat, {}, content)

    def _source_message(self, bot: BotRecord, p: Params) -> Params:
        source_chat = self.target_chat(bot, p["from_chat_id"], sending=False)
        message = source_chat.messages.get(p["message_id"])
        if message is None:
            raise bad_request("message to copy not found")
        return message

    # ----- editing and deleting -------------------------------------------------------

    def _message_to_edit(self, bot: BotRecord, p: Params) -> tuple[ChatRecord, Params]:
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the sandbox")
        if "chat_id" not in p:
            raise bad_request("chat_id is empty")
        if "message_id" not in p:
            raise bad_request("message identifier is not specified")
        chat = self.target_chat(bot, p["chat_id"])
        message = chat.messages.get(p["message_id"])
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != bot.id:
            raise bad_request("message can't be edited")
        return chat, message

    def _apply_edit(
        self, bot: BotRecord, chat: ChatRecord, message: Params, changes: Params
    ) -> Params:
        """Replace fields (None removes one); refuse an edit that changes nothing."""
        updated = dict(message)
        for key, value in changes.items():
            if value is None:
                updated.pop(key, None)
            else:
                updated[key] = value
        if updated == message:
            raise bad_request(NOT_MODIFIED)
        updated["edit_date"] = int(self.state.now())
        chat.messages[message["message_id"]] = updated
        self.state.emit(bot, chat, "edit", sender="bot", message=updated)
        return updated

    async def edit_message_text(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        text, entities = _formatted(p["text"], p.get("parse_mode"), p.get("entities"))
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > limits.TEXT_MAX:
            raise bad_request("message is too long")
        chat, message = self._message_to_edit(bot, p)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        inline, _ = _markup(p.get("reply_markup"))
        changes = {"text": text, "entities": entities or None, "reply_markup": inline}
        return self._apply_edit(bot, chat, message, changes)

    async def edit_message_caption(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        caption = _caption(p)
        chat, message = self._message_to_edit(bot, p)
        if "text" in message or "location" in message:
            raise bad_request("there is no caption in the message to edit")
        inline, _ = _markup(p.get("reply_markup"))
        changes = {
            "caption": caption.get("caption"),
            "caption_entities": caption.get("caption_entities"),
            "reply_markup": inline,
        }
        return self._apply_edit(bot, chat, message, changes)

    async def edit_message_reply_markup(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        chat, message = self._message_to_edit(bot, p)
        inline, _ = _markup(p.get("reply_markup"))
        return self._apply_edit(bot, chat, message, {"reply_markup": inline})

    async def delete_message(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        chat = self.target_chat(bot, p["chat_id"], sending=False)
        if p["message_id"] not in chat.messages:
            raise bad_request("message to delete not found")
        self._delete(bot, chat, p["message_id"])
        return True

    async def delete_messages(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        chat = self.target_chat(bot, p["chat_id"], sending=False)
        for message_id in p["message_ids"]:
            if message_id in chat.messages:
                self._delete(bot, chat, message_id)
        return True

    def _delete(self, bot: BotRecord, chat: ChatRecord, message_id: int) -> None:
        # Bots may delete any message of a private chat, their own or the user's.
        del chat.messages[message_id]
        self.state.emit(bot, chat, "delete", sender="bot", message_id=message_id)

    # ----- files, callbacks, commands, menus, profile --------------------------------

    async def get_file(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        record = self.state.files.get(p["file_id"])
        if record is None:
            raise bad_request("invalid file_id")
        if record.size > limits.DOWNLOAD_MAX_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.size,
            "file_path": record.file_path,
        }

    async def answer_callback_query(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        query = bot.callback_queries.get(p["callback_query_id"])
        now = self.state.now()
        if query is None or query.answered or now - query.created > limits.CALLBACK_QUERY_TTL_S:
            raise bad_request(QUERY_TOO_OLD)
        text = p.get("text", "")
        if utf16_len(text) > limits.CALLBACK_ANSWER_TEXT_MAX:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = {
            "text": text,
            "show_alert": bool(p.get("show_alert", False)),
            "url": p.get("url"),
        }
        chat = bot.chats.get(query.chat_id)
        if chat is not None:
            self.state.emit(
                bot, chat, "answer", sender="bot", callback_query_id=query.id, **query.answer
            )
        return True

    async def set_my_commands(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        commands = p["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")  # sandbox wording
        for command in commands:
            name = command["command"]
            if not (1 <= len(name) <= 32) or not all(
                c.islower() or c.isdigit() or c == "_" for c in name
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not (1 <= len(command["description"]) <= 256):
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored = [{"command": c["command"], "description": c["description"]} for c in commands]
        bot.commands[_commands_key(p)] = stored
        return True

    async def get_my_commands(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return bot.commands.get(_commands_key(p), [])

    async def delete_my_commands(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        bot.commands.pop(_commands_key(p), None)
        return True

    async def set_chat_menu_button(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        button = p.get("menu_button", {"type": "default"})
        if "chat_id" in p:
            self.target_chat(bot, p["chat_id"], sending=False).menu_button = button
        else:
            bot.default_menu_button = button
        return True

    async def get_chat_menu_button(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        if "chat_id" in p:
            button = self.target_chat(bot, p["chat_id"], sending=False).menu_button
            if button is not None and button.get("type") != "default":
                return button
        return bot.default_menu_button or {"type": "commands"}

    async def get_chat(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        chat = self.target_chat(bot, p["chat_id"], sending=False)
        return {
            **self.state.chat_json(chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def set_my_text(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        for key in ("name", "description", "short_description"):
            if key in p:
                bot.texts[f"{key}:{p.get('language_code', '')}"] = p[key]
        return True

    async def get_my_name(self, bot: BotRecord, p: Params, uploads: dict[str, Upload]) -> Any:
        return {"name": bot.texts.get(f"name:{p.get('language_code', '')}", bot.first_name)}

    async def get_my_description(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        return {"description": bot.texts.get(f"description:{p.get('language_code', '')}", "")}

    async def get_my_short_description(
        self, bot: BotRecord, p: Params, uploads: dict[str, Upload]
    ) -> Any:
        key = f"short_description:{p.get('language_code', '')}"
        return {"short_description": bot.texts.get(key, "")}


def file_json(record: StoredFile, p: Params | None = None) -> Params:
    """The Document/Video/Voice/Audio object for a stored file."""
    p = p or {}
    result: Params = {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "file_size": record.size,
    }
    if record.kind in ("document", "video", "audio", "animation") and record.file_name:
        result["file_name"] = record.file_name
    if record.mime_type:
        result["mime_type"] = record.mime_type
    if record.kind in ("video", "animation"):
        result["width"] = p.get("width", record.width or 640)
        result["height"] = p.get("height", record.height or 360)
    if record.kind in ("video", "animation", "voice", "audio"):
        result["duration"] = p.get("duration", 1)
    return result


def _formatted(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[Params]]:
    return apply_parse_mode(text, parse_mode, entities)


def _caption(p: Params) -> Params:
    """``caption``/``caption_entities`` for a media message, checked against 1024."""
    if not p.get("caption"):
        return {}
    text, entities = _formatted(p["caption"], p.get("parse_mode"), p.get("caption_entities"))
    if utf16_len(text) > limits.CAPTION_MAX:
        raise bad_request("message caption is too long")
    result: Params = {"caption": text} if text else {}
    if entities:
        result["caption_entities"] = entities
    return result


def _markup(markup: Params | None) -> tuple[Params | None, Params | None]:
    """(inline keyboard stored on the message, reply-keyboard change: markup, {} = remove)."""
    if markup is None:
        return None, None
    if "inline_keyboard" in markup:
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
        return {"inline_keyboard": markup["inline_keyboard"]}, None
    if "keyboard" in markup:
        return None, markup
    if markup.get("remove_keyboard"):
        return None, {}
    return None, None


def _check_inline_button(button: Params) -> None:
    if "callback_data" in button:
        size = len(button["callback_data"].encode("utf-8"))
        if not 1 <= size <= limits.CALLBACK_DATA_MAX_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    actions = set(button) - {"text", "icon_custom_emoji_id", "style"}
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


def _reply_to(chat: ChatRecord, parameters: Params | None) -> Params:
    if not parameters:
        return {}
    target = chat.messages.get(parameters["message_id"])
    if target is None:
        if parameters.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    quoted = {key: value for key, value in target.items() if key != "reply_to_message"}
    return {"reply_to_message": quoted}


def _content_of(message: Params) -> Params:
    skip = {"message_id", "from", "chat", "date", "edit_date", "reply_to_message", "media_group_id"}
    return {key: value for key, value in message.items() if key not in skip}


def _commands_key(p: Params) -> str:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + p.get("language_code", "")


def _default_mime(kind: str, filename: str) -> str:
    defaults = {
        "voice": "audio/ogg",
        "video": "video/mp4",
        "audio": "audio/mpeg",
        "animation": "video/mp4",
    }
    if kind in defaults:
        return defaults[kind]
    if filename.lower().endswith(".pdf"):
        return "application/pdf"
    return "application/octet-stream"
