"""Everything the sandbox remembers, kept apart from the HTTP server that serves it.

One ``SandboxState`` outlives server restarts (stop and start on the same port keep pending
updates, message ids and files) and can be saved to a directory — ``state.json`` plus
``files/`` — so that another process can load it. Runtime-only things (long-poll waiters,
chat listeners) are never saved.

Chats belong to a bot: a user's private chat with bot A and with bot B share the chat id
(the user id, as on Telegram) but not their messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sandbox.errors import ApiError
from sandbox.files import FileStore
from sandbox.limits import PENDING_UPDATE_TTL_S

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
# Types Telegram leaves out when allowed_updates is empty or was never set.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

Listener = Callable[[dict[str, Any]], None]


@dataclass
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def as_user(self) -> dict[str, Any]:
        """The ``User`` object Telegram puts in ``from``."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value:
                user[key] = value
        return user


@dataclass
class ChatRecord:
    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    blocked: bool = False
    menu_button: dict[str, Any] | None = None
    # The last event the user has seen on screen (the phone page's read mark), so that a
    # reloaded page counts as unread only what came after it.
    read_seq: int = 0


@dataclass
class CallbackQueryRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class BotRecord:
    id: int
    token: str
    username: str
    first_name: str
    next_update_id: int = 1
    updates: list[dict[str, Any]] = field(default_factory=list)  # {"update", "created"}
    allowed_updates: list[str] | None = None
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_max_connections: int = 40
    webhook_last_error_date: int | None = None
    webhook_last_error_message: str = ""
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    default_menu_button: dict[str, Any] | None = None
    texts: dict[str, str] = field(default_factory=dict)  # name, description, short_description
    chats: dict[int, ChatRecord] = field(default_factory=dict)
    callback_queries: dict[str, CallbackQueryRecord] = field(default_factory=dict)
    next_query_id: int = 1

    def as_user(self) -> dict[str, Any]:
        """The bot as ``from`` of its own messages."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }


class SandboxState:
    """Users, bots, chats, pending updates, files and the call log."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        directory: Path | None = None,
        call_log_path: Path | None = None,
    ) -> None:
        self.clock = clock
        self.directory = directory
        self.call_log_path = call_log_path
        self.users: dict[int, UserRecord] = {}
        self.bots: dict[int, BotRecord] = {}
        self.files = FileStore()
        self.calls: list[dict[str, Any]] = []
        self._listeners: dict[tuple[int, int], list[Listener]] = {}
        self._update_waiters: dict[int, list[asyncio.Future[None]]] = {}

    def now(self) -> float:
        return self.clock()

    # ----- bots and users -------------------------------------------------------------

    def bot_for_token(self, token: str) -> BotRecord:
        """The bot a well-formed token names, created on first use (401 if revoked)."""
        bot_id = int(token.split(":", 1)[0])
        bot = self.bots.get(bot_id)
        if bot is None:
            bot = BotRecord(
                id=bot_id,
                token=token,
                username=f"duban_{bot_id}_bot",
                first_name="督办 Duban (sandbox)",
            )
            self.bots[bot_id] = bot
        elif bot.token != token:
            # Same bot id, different secret: Telegram treats it as a revoked token.
            raise ApiError(401, "Unauthorized")
        return bot

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> UserRecord:
        """Create a user or update their profile (ids are kept, as Telegram keeps them)."""
        user = UserRecord(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        return user

    def private_chat(self, bot: BotRecord, user_id: int) -> ChatRecord:
        """The bot's private chat with a user; its id is the user id."""
        chat = bot.chats.get(user_id)
        if chat is None:
            chat = ChatRecord(id=user_id, type="private")
            bot.chats[user_id] = chat
        return chat

    def add_group(self, bot: BotRecord, chat_id: int, title: str) -> ChatRecord:
        """A group chat (negative id) the bot is a member of."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative on Telegram")
        chat = ChatRecord(id=chat_id, type="group", title=title)
        bot.chats[chat_id] = chat
        return chat

    def chat_json(self, chat: ChatRecord) -> dict[str, Any]:
        """The ``Chat`` object carried in messages."""
        if chat.type == "private":
            user = self.users.get(chat.id)
            result: dict[str, Any] = {"id": chat.id, "type": "private"}
            if user:
                result["first_name"] = user.first_name
                if user.last_name:
                    result["last_name"] = user.last_name
                if user.username:
                    result["username"] = user.username
            return result
        return {"id": chat.id, "type": chat.type, "title": chat.title or ""}

    # ----- messages and chat events ---------------------------------------------------

    def add_message(
        self,
        bot: BotRecord,
        chat: ChatRecord,
        sender: dict[str, Any],
        content: dict[str, Any],
    ) -> dict[str, Any]:
        """Store a new message with the chat's next id; returns the Message object."""
        message = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": self.chat_json(chat),
            "date": int(self.now()),
            **content,
        }
        chat.next_message_id += 1
        chat.messages[message["message_id"]] = message
        return message

    def emit(self, bot: BotRecord, chat: ChatRecord, kind: str, **data: Any) -> dict[str, Any]:
        """Record what happened in a chat (for phones, the web page and history)."""
        event = {"seq": len(chat.events) + 1, "kind": kind, "time": self.now(), **data}
        event = _copied(event)
        chat.events.append(event)
        for listener in list(self._listeners.get((bot.id, chat.id), [])):
            listener(event)
        return event

    def listen(self, bot_id: int, chat_id: int, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` for every new event in a chat; returns an unsubscribe."""
        listeners = self._listeners.setdefault((bot_id, chat_id), [])
        listeners.append(listener)

        def unsubscribe() -> None:
            if listener in listeners:
                listeners.remove(listener)

        return unsubscribe

    # ----- updates --------------------------------------------------------------------

    def enqueue_update(self, bot: BotRecord, kind: str, payload: dict[str, Any]) -> int | None:
        """Queue an update for the bot unless its ``allowed_updates`` excludes the kind."""
        allowed = bot.allowed_updates
        if allowed:
            if kind not in allowed:
                return None
        elif kind in _OPT_IN_UPDATES:
            return None
        update_id = bot.next_update_id
        bot.next_update_id += 1
        bot.updates.append(
            {"update": {"update_id": update_id, kind: payload}, "created": self.now()}
        )
        self.wake_pollers(bot.id)
        return update_id

    def confirm_updates(self, bot: BotRecord, offset: int | None) -> None:
        """Apply getUpdates' ``offset``: forget confirmed updates (negative: keep the last N)."""
        cutoff = self.now() - PENDING_UPDATE_TTL_S
        bot.updates = [item for item in bot.updates if item["created"] >= cutoff]
        if not offset:
            return
        if offset > 0:
            bot.updates = [u for u in bot.updates if u["update"]["update_id"] >= offset]
        else:
            bot.updates = bot.updates[offset:]

    def pending_updates(self, bot: BotRecord, limit: int) -> list[dict[str, Any]]:
        return [_copied(item["update"]) for item in bot.updates[:limit]]

    async def wait_for_update(self, bot_id: int, seconds: float) -> None:
        """Return when a new update is queued for the bot, or after ``seconds``."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters = self._update_waiters.setdefault(bot_id, [])
        waiters.append(future)
        try:
            await asyncio.wait({future}, timeout=seconds)
        finally:
            if future in waiters:
                waiters.remove(future)

    def wake_pollers(self, bot_id: int | None = None) -> None:
        """Release waiting long polls (of one bot, or all when stopping)."""
        keys = [bot_id] if bot_id is not None else list(self._update_waiters)
        for key in keys:
            for future in self._update_waiters.pop(key, []):
                if not future.done():
                    future.set_result(None)

    # ----- call log -------------------------------------------------------------------

    def log_call(self, entry: dict[str, Any]) -> None:
        """Keep one Bot API call (method, params, time, outcome) for tests and benchmarks."""
        self.calls.append(entry)
        if self.call_log_path is not None:
            with self.call_log_path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Logged calls of one method (case-insensitive)."""
        return [c for c in self.calls if c["method"].lower() == method.lower()]

    # ----- persistence ----------------------------------------------------------------

    def save(self, directory: Path | None = None) -> Path:
        """Write ``state.json`` and ``files/`` so a new process can ``load`` them."""
        target = directory or self.directory
        if target is None:
            raise ValueError("no directory to save the sandbox state to")
        target.mkdir(parents=True, exist_ok=True)
        document = {
            "users": [asdict(user) for user in self.users.values()],
            "bots": [_bot_json(bot) for bot in self.bots.values()],
            "files": self.files.to_json(),
        }
        self.files.save_bytes(target / "files")
        temporary = target / (STATE_FILE + ".tmp")
        temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        temporary.replace(target / STATE_FILE)
        return target

    @classmethod
    def load(cls, directory: Path, *, clock: Callable[[], float] = time.time) -> SandboxState:
        """A state saved by ``save``; an empty one if the directory holds none yet."""
        state = cls(clock=clock, directory=directory)
        path = directory / STATE_FILE
        if not path.exists():
            return state
        document = json.loads(path.read_text(encoding="utf-8"))
        for item in document["users"]:
            user = UserRecord(**item)
            state.users[user.id] = user
        for item in document["bots"]:
            bot = _bot_from_json(item)
            state.bots[bot.id] = bot
        state.files = FileStore.from_json(document["files"], directory / "files")
        return state


def _bot_json(bot: BotRecord) -> dict[str, Any]:
    data = asdict(bot)
    data["chats"] = list(data["chats"].values())
    for chat in data["chats"]:
        chat["messages"] = list(chat["messages"].values())
    data["callback_queries"] = list(data["callback_queries"].values())
    return data


def _bot_from_json(data: dict[str, Any]) -> BotRecord:
    chats = {}
    for item in data.pop("chats"):
        messages = {message["message_id"]: message for message in item.pop("messages")}
        chat = ChatRecord(**item, messages=messages)
        chats[chat.id] = chat
    queries = {q["id"]: CallbackQueryRecord(**q) for q in data.pop("callback_queries")}
    return BotRecord(**data, chats=chats, callback_queries=queries)


def _copied(value: Any) -> Any:
    """A copy of JSON-shaped data (dicts, lists, scalars) that shares nothing mutable.

    copy.deepcopy does the same for any object, at several times the cost: it keeps a memo
    of everything it copied. The sandbox copies every message it delivers.
    """
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value
