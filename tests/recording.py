"""The services without a chat platform: what they say is recorded in neutral terms.

``Recorder`` stands where a platform's renderer stands (bot/platforms/): instead of Bot API
JSON it keeps each neutral message (bot/chat.py) with its recipient, so a test asserts what
a person is shown, not how Telegram would be asked to show it. A ``Desk`` plays one person
at the service level, the way the Telegram adapter does for a real one but with no sandbox,
no HTTP and no event loop: a command goes through the registry (bot/registry.py) and
``perform``, a text or a file through the router, a tap through the stored button's token
(storage/buttons.py) as handlers/dispatch.py resolves it. Each runs in its own ``run_work``
transaction, so a story of a dozen steps takes well under a second.

    recording = Recording.open(tmp_path / "duban.sqlite")
    inspector = recording.desk(person_id)
    inspector.send("/visit 卓远")
    inspector.tap("卓远半导体（磨头镇）")
    inspector.expect("走访中")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.actions import Registry
from bot.chat import (
    Address,
    Album,
    Attachment,
    CommandMenu,
    Edit,
    Outgoing,
    PlacedButton,
    Sender,
    Tap,
    Text,
)
from bot.domain.people import Person
from bot.domain.visits import MediaIn
from bot.i18n import t
from bot.registry import ACTIONS
from bot.runtime.dispatch import perform
from bot.runtime.work import WorkEnv, run_work
from bot.services.router import route_media, route_text
from storage import buttons, people
from storage.db import open_database

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The platform the recorder stands in for: people's addresses name it (Person.address).
PLATFORM = "telegram"


@dataclass(frozen=True)
class Shown:
    """One neutral message as a service queued it: to whom, what, in which language, and
    the id the recipient's chat gives it (a new message's own; an edit's, the edited one)."""

    to: Address
    message: Outgoing
    lang: str
    message_id: int

    @property
    def text(self) -> str:
        """What the person reads: a text, an edit, a caption, or the menu's commands."""
        message = self.message
        if isinstance(message, Text | Edit):
            return message.text
        if isinstance(message, Attachment):
            return message.caption
        if isinstance(message, Album):
            return "\n".join(file.caption for file in message.attachments if file.caption)
        if isinstance(message, CommandMenu):
            return "\n".join(f"/{name} — {description}" for name, description in message.commands)
        return ""

    @property
    def buttons(self) -> list[PlacedButton]:
        """The inline buttons under the message, row by row."""
        keyboard = getattr(self.message, "buttons", None) or []
        return [button for row in keyboard for button in row]


class Recorder:
    """A renderer (bot/platforms.Renderer) that records neutral messages.

    The outbox still gets one row per message (so dedup keys, ``show_latest`` and
    ``rewrite_pending`` behave as with a real platform), holding only the record's index.
    """

    platform = PLATFORM

    def __init__(self) -> None:
        self.shown: list[Shown] = []

    def render(self, message: Outgoing, chat: str, lang: str) -> list[tuple[str, dict[str, Any]]]:
        number = len(self.shown) + 1
        message_id = message.message_id if isinstance(message, Edit) else number
        self.shown.append(Shown(Address(self.platform, chat), message, lang, message_id))
        return [(type(message).__name__, {"recorded": number})]

    def to(self, address: Address) -> list[Shown]:
        """Everything shown to one chat, oldest first."""
        return [shown for shown in self.shown if shown.to == address]


@dataclass
class Recording:
    """A database, the recorder every message passes, and the clock the desks share."""

    db: sqlite_utils.Database
    recorder: Recorder
    env: WorkEnv
    now: datetime
    registry: Registry = ACTIONS
    _updates: int = 0

    @classmethod
    def open(
        cls, path: Path, now: datetime | None = None, registry: Registry = ACTIONS
    ) -> Recording:
        """A fresh database at the current schema; ``now`` (UTC) is the first update's.
        ``registry`` is Duban's unless a test brings a small one of its own."""
        recorder = Recorder()
        env = WorkEnv(tz=SHANGHAI, bot_username="duban_bot", renderers={PLATFORM: recorder})
        return cls(open_database(path), recorder, env, now or datetime.now(UTC), registry)

    def close(self) -> None:
        self.db.close()

    def desk(self, person_id: int) -> Desk:
        """The person with this id, at their chat."""
        return Desk(self, person_id)

    def next_update(self) -> tuple[int, datetime]:
        """A fresh update id and its moment, a second after the previous one's."""
        self._updates += 1
        self.now += timedelta(seconds=1)
        return self._updates, self.now


@dataclass
class Desk:
    """One person using Duban through the services, as the Telegram adapter would run them.

    ``send`` takes a command (through the registry) or a text (through the router);
    ``send_photo`` a picture; ``tap`` presses the newest button with that label shown to
    this person; ``expect`` finds what they were shown since the last ``expect``.
    ``answers`` holds the short answers to taps (a toast, or an alert), newest last.
    """

    recording: Recording
    person_id: int
    answers: list[str] = field(default_factory=list)
    _read: int = 0
    _photos: int = 0

    @property
    def person(self) -> Person:
        return people.by_id(self.recording.db, self.person_id)

    @property
    def address(self) -> Address:
        address = self.person.address
        assert address is not None, "a desk's person has written to the bot"
        return address

    @property
    def shown(self) -> list[Shown]:
        """Everything shown to this person, oldest first."""
        return self.recording.recorder.to(self.address)

    def send(self, text: str) -> None:
        """A command goes to its declared action; any other text to the router."""
        if not text.startswith("/"):
            self._work(route_text, text)
            return
        word, _, rest = text[1:].partition(" ")
        action = self.recording.registry.commands.get(word.lower())
        assert action is not None, f"/{word} is not a command of the registry"
        words = " ".join(rest.split())  # as Telegram's context.args, joined by on_command
        self._work(perform, action, *((words,) if action.takes_text else ()))

    def send_photo(self, caption: str = "") -> None:
        """A photo as a phone sends it; the file reference is made up, as nothing fetches it."""
        self._photos += 1
        photo = MediaIn(
            kind="photo",
            file_id=f"desk-photo-{self.person_id}-{self._photos}",
            file_unique_id=f"desk-unique-{self.person_id}-{self._photos}",
            size=50_000,
            mime_type="image/jpeg",
            file_name=None,
            caption=caption,
            media_group_id=None,
            taken_at=self.recording.now,
            platform=self.address.platform,
        )
        self._work(route_media, photo)

    def tap(self, label: str) -> None:
        """Press the newest button labelled ``label`` (exact, else the first containing it)."""
        shown, token = self._find_button(label)
        self.press(token, shown.message_id)

    def press(self, token: str, message_id: int | None = None) -> None:
        """A tap carrying ``token``, on any message (a modified client can send one), refused
        as handlers/dispatch.py refuses an expired, unknown or someone else's button."""
        press = buttons.resolve(self.recording.db, token)
        action = self.recording.registry.buttons.get(press.action) if press else None
        person = self._person()
        if press is None or action is None or self.recording.now >= press.expires_at:
            self.answers.append(self._t("error.button_expired"))
            return
        if person is None or press.person_id != person.id:
            self.answers.append(self._t("error.button_not_yours"))
            return
        tap = Tap(press.token, message_id)
        self._work(perform, action, tap=tap, **press.payload)
        if tap.text:
            self.answers.append(tap.text)

    def expect(self, fragment: str) -> Shown:
        """The first message shown to this person since the last ``expect`` that contains
        ``fragment``; what came before it counts as read."""
        shown = self.shown
        for index in range(self._read, len(shown)):
            if fragment in shown[index].text:
                self._read = index + 1
                return shown[index]
        unread = [item.text for item in shown[self._read :]]
        raise AssertionError(f"{fragment!r} not shown; shown since last expect: {unread}")

    def expect_nothing(self) -> None:
        """Nothing was shown to this person since the last ``expect``."""
        unread = [item.text for item in self.shown[self._read :]]
        assert unread == [], f"shown unexpectedly: {unread}"

    def _find_button(self, label: str) -> tuple[Shown, str]:
        newest_first = list(reversed(self.shown))
        for exact in (True, False):
            for shown in newest_first:
                for button in shown.buttons:
                    matches = button.label == label if exact else label in button.label
                    if matches and button.token:
                        return shown, button.token
        labels = [button.label for shown in newest_first for button in shown.buttons]
        raise AssertionError(f"no button {label!r}; buttons shown: {labels}")

    def _person(self) -> Person | None:
        """The person as handlers/access.py sees them: None once deactivated."""
        person = self.person
        return person if person.active else None

    def _t(self, key: str) -> str:
        return t(self._lang(), key)

    def _lang(self) -> str:
        person = self._person()
        return person.language if person else self.recording.env.default_language

    def _work(self, fn: Any, *args: Any, tap: Tap | None = None, **kwargs: Any) -> None:
        """One update's transaction, with the person, chat and language the adapter sets."""
        update_id, now = self.recording.next_update()
        person = self._person()
        address = self.address
        run_work(
            self.recording.db,
            fn,
            args,
            kwargs,
            env=self.recording.env,
            at=now,
            lang=self._lang(),
            chat=address,
            person=person,
            update_id=update_id,
            sender=Sender(address, self.person.name),
            tap=tap,
        )
