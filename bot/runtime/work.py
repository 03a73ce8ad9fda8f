"""One update's changes and the messages they cause, committed in one transaction.

A handler never sends a message itself. It hands a service function to ``context.work``;
that function runs on the database thread with a ``Work``, changes what it must and queues
replies with ``work.reply``. The same commit writes the changes, queues the messages in the
outbox and marks the update done in the inbox — so a crash at any instant either loses the
whole update (it is processed again after restart) or keeps all of it (and the outbox still
delivers the reply).
"""

from __future__ import annotations

import base64
import functools
import html
import json
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.chat import (
    Address,
    Album,
    Attachment,
    CommandMenu,
    Delete,
    Edit,
    Keyboard,
    Outgoing,
    PlacedButton,
    PlacedKeyboard,
    Sender,
    Tap,
    Text,
    UrlButton,
)
from bot.chat import Button as Button  # services still import it from here
from bot.domain.audit import ActorKind, Origin
from bot.domain.lifecycle import DomainError
from bot.domain.people import Person
from bot.domain.policy import Policy
from bot.i18n import t
from bot.platforms import RENDERERS, Renderer
from storage import buttons, inbox, outbox
from storage.policy import load_policy

BUTTON_LIFETIME = timedelta(days=30)

# Telegram shows at most 200 characters of a button's answer; others show less or none.
TAP_ANSWER_LIMIT = 200

# What json.dumps(payload, ensure_ascii=False) writes, with one encoder for every button:
# dumps builds a new encoder on each call given an option, and a reminder pass stores
# over a thousand buttons.
_PAYLOAD_JSON = json.JSONEncoder(ensure_ascii=False)
_TOKEN_BYTES = 12  # 16 characters, as secrets.token_urlsafe(12)


def _tokens(count: int) -> Iterator[str]:
    """``count`` unguessable button tokens from one draw of the system's randomness: a
    reminder pass makes a thousand, and one read of os.urandom each was a cost of its own."""
    drawn = secrets.token_bytes(_TOKEN_BYTES * count)
    for start in range(0, len(drawn), _TOKEN_BYTES):
        yield base64.urlsafe_b64encode(drawn[start : start + _TOKEN_BYTES]).decode()


@dataclass(frozen=True)
class WorkEnv:
    """Deployment facts a service may need: the local time zone, the bot's username, the
    administrators named in the configuration (ADMIN_IDS, and DINGTALK_ADMIN_IDS on
    DingTalk), whom no chat action demotes, and each platform's rendering of messages
    (bot/platforms/)."""

    tz: ZoneInfo
    bot_username: str
    default_language: str = "zh"
    admin_ids: frozenset[int] = frozenset()
    renderers: Mapping[str, Renderer] = field(default_factory=lambda: RENDERERS)
    dingtalk_admin_ids: frozenset[str] = frozenset()  # DINGTALK_ADMIN_IDS: staff ids
    # The platforms people reach this deployment on: an invitation says how to join on each.
    front_ends: frozenset[str] = frozenset({"telegram"})


@dataclass
class Work:
    """One transaction's changes and the messages they cause.

    Services say what to show in neutral terms (``send``, ``edit``, ``send_file``,
    ``send_album``, ``delete``, ``set_commands``); the chat's platform renders it
    (bot/platforms/) and the rendering is queued in the outbox in this same transaction.
    """

    db: sqlite_utils.Database
    env: WorkEnv
    at: datetime
    lang: str
    chat: Address | None
    person: Person | None
    update_id: int | None = None
    sender: Sender | None = None
    source: str = ""  # dedup prefix for messages not caused by an update (sweeps)
    tap: Tap | None = None  # set while a button tap is handled
    _queued: int = 0

    @functools.cached_property
    def policy(self) -> Policy:
        """The office's policy, read once per transaction (it is not changed within one)."""
        return load_policy(self.db)

    @property
    def tz(self) -> ZoneInfo:
        return self.env.tz

    @property
    def bot_username(self) -> str:
        return self.env.bot_username

    @property
    def tapped_message(self) -> int | None:
        """The message whose button is being tapped (a menu or card rewritten in place);
        None outside a tap (a command) or when the platform did not say."""
        return self.tap.message_id if self.tap is not None else None

    def first_tap(self) -> bool:
        """Spend the tapped button's token: False if a tap of it was handled before (a
        double tap, or the same button in another copy of the chat), so a single-use
        button acts once. Outside a tap nothing is spent and the action goes ahead."""
        return self.tap is None or buttons.use_once(self.db, self.tap.token, self.at)

    @property
    def registered(self) -> Person:
        """The person behind the update, in an action whose declaration let only registered
        roles in (``perform`` checked the role): nothing to check again inside it."""
        if self.person is None:
            raise RuntimeError("a declared action ran without a registered person")
        return self.person

    @property
    def origin(self) -> Origin:
        if self.person is None and self.sender is None:
            return Origin.system(self.at, self.source or "duban")
        return Origin(
            ActorKind.USER,
            self._actor_account(),
            self.at,
            update_id=self.update_id,
            person_id=self.person.id if self.person else None,
        )

    def _actor_account(self) -> str:
        """The platform account audit events name (a person's, or the sender's if the
        person is not registered yet)."""
        if self.person is not None and self.person.account is not None:
            return self.person.account
        return self.sender.address.id if self.sender is not None else ""

    def t(self, key: str, /, **values: object) -> str:
        return t(self.lang, key, **values)

    @property
    def cause(self) -> str:
        """What this work answers (its update, or a sweep's source): the stem of the outbox
        keys it makes, so a replayed update queues nothing twice."""
        return f"u{self.update_id}" if self.update_id is not None else self.source

    # --- saying things ----------------------------------------------------------------

    def reply(self, key: str, /, *, keyboard: Keyboard | None = None, **values: object) -> None:
        """Answer the person who sent the update, in their language."""
        self.send(self._here(), self.t(key, **values), keyboard=keyboard)

    def answer_tap(self, key: str, /, *, alert: bool = False, **values: object) -> None:
        """Answer the tapped button (plain text: a toast, or an alert); a reply otherwise."""
        if self.tap is None:
            self.reply(key, **values)
            return
        self.tap.text = html.unescape(self.t(key, **values))[:TAP_ANSWER_LIMIT]
        self.tap.alert = alert

    def send(
        self,
        to: Address,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        reply_keyboard: list[list[str]] | None = None,
        request_location: str | None = None,
        remove_keyboard: bool = False,
        key: str | None = None,
        not_before: datetime | None = None,
        button_owner: int | None = None,
    ) -> bool:
        """Queue a text; ``key`` deduplicates (False: already queued), otherwise one key
        per update and message. Buttons are for ``button_owner`` (default: this person)."""
        message = Text(
            text,
            buttons=self._placed(keyboard, button_owner),
            reply_keyboard=reply_keyboard,
            request_location=request_location,
            remove_keyboard=remove_keyboard,
        )
        return self.put(to, message, key=key, not_before=not_before)

    def edit(
        self,
        to: Address,
        message_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        key: str | None = None,
        button_owner: int | None = None,
    ) -> bool:
        """Rewrite a message sent earlier (a card, a menu); without a keyboard its buttons go."""
        message = Edit(message_id, text, self._placed(keyboard, button_owner))
        return self.put(to, message, key=key)

    def send_file(
        self,
        to: Address,
        kind: str,
        ref: str,
        *,
        caption: str = "",
        keyboard: Keyboard | None = None,
        key: str | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """A photo, video, voice note or document the platform already holds."""
        message = Attachment(kind, ref, caption, self._placed(keyboard, None))
        return self.put(to, message, key=key, not_before=not_before)

    def send_album(
        self,
        to: Address,
        files: list[Attachment],
        *,
        key: str | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Files shown together where the platform can (bot/chat.py ``Album``)."""
        if not files:
            return False
        return self.put(to, Album(tuple(files)), key=key, not_before=not_before)

    def delete(self, to: Address, message_id: int, *, key: str | None = None) -> bool:
        return self.put(to, Delete(message_id), key=key)

    def set_commands(self, to: Address, commands: list[tuple[str, str]], *, key: str) -> bool:
        """The command menu of one person's chat (``CommandMenu``)."""
        return self.put(to, CommandMenu(tuple(commands)), key=key)

    def show_latest(
        self,
        to: Address,
        series: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        not_before: datetime | None = None,
    ) -> None:
        """One message for a series of updates (``outbox.coalesce``): the first queues it,
        later ones rewrite it while it waits or edit it once it is on the phone."""
        message = Text(text, buttons=self._placed(keyboard, None))
        method, payload = self._render_one(to, message)
        outbox.coalesce(
            self.db,
            prefix=series,
            to=to,
            method=method,
            payload=payload,
            at=self.at,
            not_before=not_before,
        )

    def rewrite_pending(
        self,
        to: Address,
        key: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        remove_keyboard: bool = False,
        button_owner: int | None = None,
    ) -> bool:
        """Give a queued message (by its key) a newer text; False once it has left. The
        rewrite replaces the whole message: say ``remove_keyboard`` again if it did.
        Buttons are for ``button_owner`` (default: this person), as with ``send``."""
        message = Text(
            text,
            buttons=self._placed(keyboard, button_owner),
            remove_keyboard=remove_keyboard,
        )
        _, payload = self._render_one(to, message)
        return outbox.replace_pending(self.db, key, payload)

    def put(
        self,
        to: Address,
        message: Outgoing,
        *,
        key: str | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Render ``message`` for ``to``'s platform and queue the calls in the outbox.

        A message may take several calls (an album in parts): the first carries ``key``,
        the others ``key:1``, ``key:2`` … so a replay queues none of them twice.
        """
        calls = self._render(to, message)
        queued = False
        for n, (method, payload) in enumerate(calls):
            if key is None:
                self._queued += 1
                call_key = f"{self.cause}:{self._queued}"
            else:
                call_key = key if n == 0 else f"{key}:{n}"
            queued = self._enqueue(to, method, payload, call_key, not_before) or queued
        return queued

    def placed(self, keyboard: Keyboard, owner: int | None) -> PlacedKeyboard:
        """Store each button's meaning and give the platform only an opaque token."""
        rows, stored = [], []
        created, expires = self.at.isoformat(), (self.at + BUTTON_LIFETIME).isoformat()
        tokens = _tokens(sum(isinstance(b, Button) for row in keyboard for b in row))
        for row in keyboard:
            cells = []
            for button in row:
                if isinstance(button, UrlButton):
                    cells.append(PlacedButton(button.label, url=button.url))
                    continue
                if owner is None:
                    raise RuntimeError("a button needs the person it is meant for")
                token = next(tokens)
                payload = _PAYLOAD_JSON.encode(button.payload)
                stored.append((token, owner, button.action, payload, created, expires))
                cells.append(PlacedButton(button.label, token=token))
            rows.append(cells)
        # One plain executemany: sqlite-utils' insert() inspects the table on every call,
        # which dominated a reminder pass that makes a thousand buttons.
        self.db.conn.executemany(
            "INSERT INTO buttons (token, person_id, action, payload, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            stored,
        )
        return rows

    def _placed(self, keyboard: Keyboard | None, owner: int | None) -> PlacedKeyboard | None:
        if not keyboard:
            return None
        return self.placed(keyboard, owner or (self.person.id if self.person else None))

    def _render(self, to: Address, message: Outgoing) -> list[tuple[str, dict[str, Any]]]:
        """``message`` as the API calls of ``to``'s platform (bot/platforms/)."""
        return self.env.renderers[to.platform].render(message, to.id, self.lang)

    def _render_one(self, to: Address, message: Text) -> tuple[str, dict[str, Any]]:
        """A text's one call (a series or a queued row is one message on every platform)."""
        (call,) = self._render(to, message)
        return call

    def _here(self) -> Address:
        if self.chat is None:
            raise RuntimeError("nobody to reply to")
        return self.chat

    def _enqueue(
        self,
        to: Address,
        method: str,
        payload: dict,
        key: str,
        not_before: datetime | None,
    ) -> bool:
        return outbox.enqueue(
            self.db,
            key=key,
            to=to,
            method=method,
            payload=payload,
            at=self.at,
            not_before=not_before,
        )


def run_work(
    db: sqlite_utils.Database,
    fn: Callable[..., object],
    args: tuple,
    kwargs: dict,
    *,
    env: WorkEnv,
    at: datetime,
    lang: str,
    chat: Address | None,
    person: Person | None,
    update_id: int | None,
    sender: Sender | None,
    source: str = "",
    tap: Tap | None = None,
) -> object:
    """The transaction behind ``context.work`` (runs on the database thread).

    A DomainError undoes the service's changes (a savepoint) and becomes a polite reply,
    in the same commit that marks the update done: a refused action is finished too.
    """
    with db.atomic():
        if update_id is not None and inbox.is_done(db, update_id):
            return None  # applied before a crash; its replies are already in the outbox
        work = Work(db, env, at, lang, chat, person, update_id, sender, source, tap)
        result = None
        try:
            with db.atomic():
                result = fn(work, *args, **kwargs)
        except DomainError as error:
            if chat is None:
                raise
            if error.answers_tap and tap is not None:
                work.answer_tap(error.key, alert=True)
            else:
                work.reply(error.key)
        if update_id is not None:
            inbox.mark_done(db, update_id, at)
        return result
