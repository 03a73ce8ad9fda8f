"""One update's changes and the messages they cause, committed in one transaction.

A handler never sends a message itself. It hands a service function to ``context.work``;
that function runs on the database thread with a ``Work``, changes what it must and queues
replies with ``work.reply``. The same commit writes the changes, queues the messages in the
outbox and marks the update done in the inbox — so a crash at any instant either loses the
whole update (it is processed again after restart) or keeps all of it (and the outbox still
delivers the reply).
"""

from __future__ import annotations

import functools
import html
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.domain.audit import ActorKind, Origin
from bot.domain.lifecycle import DomainError
from bot.domain.people import Person
from bot.domain.policy import Policy
from bot.i18n import t
from bot.i18n.limits import fit_payload
from storage import inbox, outbox
from storage.policy import load_policy

BUTTON_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class Button:
    """An inline button: its label and what it means, kept server-side under a token."""

    label: str
    action: str
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class UrlButton:
    label: str
    url: str


Keyboard = list[list[Button | UrlButton]]

# Telegram shows at most 200 characters of a button's answer.
TAP_ANSWER_LIMIT = 200


@dataclass
class TapAnswer:
    """What the bot says to the button tap being handled: a toast, or an alert to dismiss.

    Set by the service (``Work.answer_tap``), sent by the button handler once the work is
    committed: a stale or repeated tap is answered where the finger is, not with a message.
    """

    text: str | None = None
    alert: bool = False


@dataclass(frozen=True)
class WorkEnv:
    """Deployment facts a service may need: the local time zone, the bot's username and
    the administrators named in the configuration (ADMIN_IDS), whom no chat action demotes."""

    tz: ZoneInfo
    bot_username: str
    default_language: str = "zh"
    admin_ids: frozenset[int] = frozenset()


@dataclass
class Work:
    db: sqlite_utils.Database
    env: WorkEnv
    at: datetime
    lang: str
    chat_id: int | None
    person: Person | None
    update_id: int | None = None
    tg_user_id: int | None = None
    source: str = ""  # dedup prefix for messages not caused by an update (sweeps)
    tap: TapAnswer | None = None  # set while a button tap is handled
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
    def origin(self) -> Origin:
        if self.person is None and self.tg_user_id is None:
            return Origin.system(self.at, self.source or "duban")
        return Origin(
            ActorKind.USER,
            str(self.tg_user_id if self.person is None else self.person.tg_user_id),
            self.at,
            update_id=self.update_id,
            person_id=self.person.id if self.person else None,
        )

    def t(self, key: str, /, **values: object) -> str:
        return t(self.lang, key, **values)

    def reply(self, key: str, /, *, keyboard: Keyboard | None = None, **values: object) -> None:
        """Answer the person who sent the update, in their language."""
        if self.chat_id is None:
            raise RuntimeError("nobody to reply to")
        self.send_text(self.chat_id, self.t(key, **values), keyboard=keyboard)

    @property
    def cause(self) -> str:
        """What this work answers (its update, or a sweep's source): the stem of the outbox
        keys it makes, so a replayed update queues nothing twice."""
        return f"u{self.update_id}" if self.update_id is not None else self.source

    def answer_tap(self, key: str, /, *, alert: bool = False, **values: object) -> None:
        """Answer the tapped button (plain text: a toast, or an alert); a reply otherwise."""
        if self.tap is None:
            self.reply(key, **values)
            return
        self.tap.text = html.unescape(self.t(key, **values))[:TAP_ANSWER_LIMIT]
        self.tap.alert = alert

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        key: str | None = None,
        not_before: datetime | None = None,
        reply_keyboard: list[list[str]] | None = None,
        button_owner: int | None = None,
    ) -> bool:
        """Queue a message; ``key`` deduplicates, otherwise one key per update and message."""
        payload: dict[str, object] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        if keyboard:
            owner = button_owner or (self.person.id if self.person else None)
            payload["reply_markup"] = self.inline_markup(keyboard, owner)
        elif reply_keyboard:
            payload["reply_markup"] = {
                "keyboard": [[{"text": label} for label in row] for row in reply_keyboard],
                "resize_keyboard": True,
            }
        return self.queue("sendMessage", chat_id, payload, key=key, not_before=not_before)

    def queue(
        self,
        method: str,
        chat_id: int,
        payload: dict,
        *,
        key: str | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Queue a Bot API call; its text or captions are fitted to Telegram's limits
        here, the one place every message passes (``bot.i18n.limits``)."""
        self._queued += 1
        if key is None:
            key = f"{self.cause}:{self._queued}"
        return outbox.enqueue(
            self.db,
            key=key,
            chat_id=chat_id,
            method=method,
            payload=fit_payload(method, payload, self.lang),
            at=self.at,
            not_before=not_before,
        )

    def inline_markup(self, keyboard: Keyboard, owner: int | None) -> dict:
        """Store each button's meaning and put only an opaque token in callback_data."""
        rows, stored = [], []
        created, expires = self.at.isoformat(), (self.at + BUTTON_LIFETIME).isoformat()
        for row in keyboard:
            cells = []
            for button in row:
                if isinstance(button, UrlButton):
                    cells.append({"text": button.label, "url": button.url})
                    continue
                if owner is None:
                    raise RuntimeError("a button needs the person it is meant for")
                token = secrets.token_urlsafe(12)
                payload = json.dumps(button.payload, ensure_ascii=False)
                stored.append((token, owner, button.action, payload, created, expires))
                cells.append({"text": button.label, "callback_data": token})
            rows.append(cells)
        # One plain executemany: sqlite-utils' insert() inspects the table on every call,
        # which dominated a reminder pass that makes a thousand buttons.
        self.db.conn.executemany(
            "INSERT INTO buttons (token, person_id, action, payload, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            stored,
        )
        return {"inline_keyboard": rows}


def run_work(
    db: sqlite_utils.Database,
    fn: Callable[..., object],
    args: tuple,
    kwargs: dict,
    *,
    env: WorkEnv,
    at: datetime,
    lang: str,
    chat_id: int | None,
    person: Person | None,
    update_id: int | None,
    tg_user_id: int | None,
    source: str = "",
    tap: TapAnswer | None = None,
) -> object:
    """The transaction behind ``context.work`` (runs on the database thread).

    A DomainError undoes the service's changes (a savepoint) and becomes a polite reply,
    in the same commit that marks the update done: a refused action is finished too.
    """
    with db.atomic():
        if update_id is not None and inbox.is_done(db, update_id):
            return None  # applied before a crash; its replies are already in the outbox
        work = Work(db, env, at, lang, chat_id, person, update_id, tg_user_id, source, tap)
        result = None
        try:
            with db.atomic():
                result = fn(work, *args, **kwargs)
        except DomainError as error:
            if chat_id is None:
                raise
            if error.answers_tap and tap is not None:
                work.answer_tap(error.key, alert=True)
            else:
                work.reply(error.key)
        if update_id is not None:
            inbox.mark_done(db, update_id, at)
        return result
