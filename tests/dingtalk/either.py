"""A phone for a person on either platform, so one scenario runs for Telegram and DingTalk.

The stories (README: the demo's stories) are told once; ``World.person(platform, …)`` gives
a registered person a phone with the same calls on both front-ends::

    inspector = await world.person(platform, "王督查", Role.INSPECTOR)
    await inspector.send("/visit")
    await inspector.expect("选择企业")
    await inspector.tap("卓远半导体（高新区）")
    await inspector.send_photo(make_jpeg(640, 480, 1))

It is a thin adapter over the two existing phones (sandbox/phones.py on Telegram,
sandbox/dingtalk/phones.py on DingTalk), not a second harness: what differs between the
platforms on purpose (DingTalk shows cards where Telegram shows inline keyboards, and takes no
location) stays visible to the test through ``platform``. The deployment runs both front-ends
over one ledger (Telegram's token is set too), so the periodic jobs run as in production and
``duban.sweep`` sends the morning reminders to both.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

from bot.clock import FakeClock
from bot.domain.lifecycle import Role
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.phones import Phone
from sandbox.server import Sandbox
from tests.dingtalk.scenario_phone import as_read
from tests.harness import (
    ADMIN_ID,
    DINGTALK_OFFICE,
    Duban,
    button_data,
    running,
    wait_connected,
    with_dingtalk,
)

Platform = Literal["telegram", "dingtalk"]
PLATFORMS: tuple[Platform, ...] = ("telegram", "dingtalk")
Pattern = str | re.Pattern[str]


def _matches(pattern: Pattern, text: str) -> bool:
    """A string as a substring, a compiled pattern searched (as the sandbox phones do)."""
    if isinstance(pattern, str):
        return pattern in text
    return pattern.search(text) is not None


@dataclass
class Shown:
    """A message as the person's phone shows it: its words and its buttons' labels."""

    text: str
    buttons: list[str]


class EitherPhone:
    """One person's phone on Telegram or DingTalk, with the calls the stories use."""

    def __init__(
        self,
        name: str,
        *,
        telegram: Phone | None = None,
        dingtalk: DingTalkPhone | None = None,
        standin: DingTalkStandIn | None = None,
    ) -> None:
        self.name = name
        self.telegram = telegram
        self.dingtalk = dingtalk
        self.standin = standin
        self.platform: Platform = "telegram" if telegram is not None else "dingtalk"
        self._cursor = 0  # DingTalk: what ``expect`` has looked past, as sandbox phones do
        self._matched: set[int] = set()

    async def send(self, text: str) -> None:
        """Type ``text`` and send it."""
        if self.telegram is not None:
            await self.telegram.send(text)
        else:
            await self._dingtalk.send(text)

    async def expect(self, pattern: Pattern, *, within: float = 20.0) -> Shown:
        """The next message (or edit: a card updated in place counts) whose words match."""
        if self.telegram is not None:
            message = await self.telegram.expect(pattern, within=within)
            return Shown(message.text, message.buttons)
        deadline = asyncio.get_running_loop().time() + within
        while True:
            items = self._dingtalk.received()
            for index in range(self._cursor, len(items)):
                words = as_read(items[index].text)
                if index not in self._matched and _matches(pattern, words):
                    self._matched.add(index)
                    while self._cursor in self._matched:
                        self._cursor += 1
                    buttons = [str(b.get("text", "")) for b in items[index].body.get("buttons", [])]
                    return Shown(words, buttons)
            if asyncio.get_running_loop().time() > deadline:
                seen = [as_read(item.text) for item in items[self._cursor :]]
                raise AssertionError(f"{self.name} never got {pattern!r}; got {seen!r}")
            await asyncio.sleep(0.02)

    async def tap(self, label: str) -> None:
        """Tap the button ``label`` (exact text first, else a part of it) on the latest
        message that shows it: an inline button on Telegram, a card's button on DingTalk,
        where a reply keyboard's choices are card buttons too."""
        if self.telegram is not None:
            keyboard = self.telegram.reply_keyboard or []
            if any(label == button for row in keyboard for button in row):
                await self.telegram.press(label)
            else:
                await self.telegram.tap(label)
            return
        phone = self._dingtalk
        assert self.standin is not None
        cards = list(reversed(self.standin.cards.of(phone.staff_id)))
        for exact in (True, False):
            for card in cards:
                for button in card.buttons():
                    text = str(button.get("text", ""))
                    if (text == label) if exact else (label in text):
                        await phone.tap_card(card.out_track_id, button)
                        return
        shown = [[b.get("text") for b in card.buttons()] for card in cards]
        raise AssertionError(f"{self.name} has no button {label!r}; cards show {shown}")

    def buttons(self) -> list[str]:
        """The labels on the newest message that has buttons, as it shows now."""
        if self.telegram is not None:
            return next((m.buttons for m in reversed(self.telegram.bot_messages) if m.buttons), [])
        assert self.standin is not None
        cards = self.standin.cards.of(self._dingtalk.staff_id)
        return [str(b.get("text", "")) for b in cards[-1].buttons()] if cards else []

    def now_showing(self, words: str) -> Shown:
        """The newest message holding ``words`` as it shows now (edits and card updates
        applied): what the person sees when they scroll back to it."""
        if self.telegram is not None:
            for message in reversed(self.telegram.bot_messages):
                if words in message.text:
                    return Shown(message.text, message.buttons)
        else:
            assert self.standin is not None
            for card in reversed(self.standin.cards.of(self._dingtalk.staff_id)):
                if words in as_read(card.markdown):
                    labels = [str(b.get("text", "")) for b in card.buttons()]
                    return Shown(as_read(card.markdown), labels)
        raise AssertionError(f"{self.name} was shown nothing with {words!r}")

    async def send_photo(self, data: bytes) -> None:
        """Send one picture (a photo on Telegram, a picture message on DingTalk)."""
        if self.telegram is not None:
            await self.telegram.send_photo(data)
        else:
            await self._dingtalk.send_picture(data)

    async def send_document(self, name: str, data: bytes) -> None:
        """Send a file as a document."""
        if self.telegram is not None:
            await self.telegram.send_document(data, name)
        else:
            await self._dingtalk.send_file(name, data)

    async def expect_pictures(self, count: int, *, within: float = 30.0) -> None:
        """Wait until the bot has sent this person at least ``count`` pictures."""
        await self._until(lambda: self.pictures() >= count, f"{count} pictures", within)

    async def expect_file(self, name_part: str, *, within: float = 30.0) -> None:
        """Wait until the bot has sent this person a file whose name holds ``name_part``."""
        await self._until(lambda: name_part in " ".join(self.file_names()), name_part, within)

    def pictures(self) -> int:
        """How many pictures the bot has sent this person so far."""
        if self.telegram is not None:
            return sum(1 for m in self.telegram.bot_messages if m.photo)
        return sum(1 for r in self._dingtalk.received() if r.kind == "sampleImageMsg")

    def file_names(self) -> list[str]:
        """The names of the files (documents) the bot has sent this person."""
        if self.telegram is not None:
            return [
                str(m.document.get("file_name", ""))
                for m in self.telegram.bot_messages
                if m.document
            ]
        return [
            str(r.body.get("fileName", ""))
            for r in self._dingtalk.received()
            if r.kind == "sampleFile"
        ]

    def last_file(self) -> bytes:
        """The bytes of the newest document the bot sent this person, as the phone saves it."""
        if self.telegram is not None:
            document = next(m.document for m in reversed(self.telegram.bot_messages) if m.document)
            return self.telegram.download(document["file_id"])
        assert self.standin is not None
        sent = next(r for r in reversed(self._dingtalk.received()) if r.kind == "sampleFile")
        media = self.standin.media.get(str(sent.body["mediaId"]))
        assert media is not None, sent.body
        return media.data

    def texts(self) -> list[str]:
        """Everything the bot said to this person, oldest first (edits as they came)."""
        if self.telegram is not None:
            return [m.text for m in self.telegram.bot_messages]
        return [as_read(r.text) for r in self._dingtalk.received()]

    @property
    def _dingtalk(self) -> DingTalkPhone:
        assert self.dingtalk is not None, f"{self.name} is on Telegram"
        return self.dingtalk

    async def _until(self, done: object, what: str, within: float) -> None:
        deadline = asyncio.get_running_loop().time() + within
        while not done():  # type: ignore[operator]
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{self.name} never got {what}; got {self.texts()[-5:]}")
            await asyncio.sleep(0.05)


@dataclass
class World:
    """One deployment on both front-ends over one ledger, and its people's phones."""

    duban: Duban
    standin: DingTalkStandIn

    def __post_init__(self) -> None:
        self._telegram_ids = itertools.count(7101)
        self._staff_ids = itertools.count(1)

    def telegram_phone(self, name: str, user_id: int | None = None) -> EitherPhone:
        """A Telegram user's phone (not registered: see ``person``)."""
        return EitherPhone(
            name, telegram=self.duban.phone(user_id or next(self._telegram_ids), name)
        )

    def dingtalk_phone(self, name: str, staff_id: str | None = None) -> EitherPhone:
        """A DingTalk user's phone in the one-to-one chat with the robot (not registered)."""
        staff = staff_id or f"staff{next(self._staff_ids):04d}"
        return EitherPhone(name, dingtalk=self.standin.phone(staff, name), standin=self.standin)

    async def person(
        self, platform: Platform, name: str, role: Role, unit: str | None = None
    ) -> EitherPhone:
        """A person registered from an invitation: ``/start CODE`` on Telegram, ``绑定 CODE``
        in DingTalk, each answered with the welcome."""
        code = self.duban.invitation(role, name, unit)
        if platform == "telegram":
            phone = self.telegram_phone(name)
            await phone.send(f"/start {code}")
        else:
            phone = self.dingtalk_phone(name)
            await phone.send(f"绑定 {code}")
        await phone.expect("欢迎")
        return phone

    async def evidence_kept(self, within: float = 30.0) -> None:
        """Wait until every evidence file is in MEDIA_DIR, then let a minute pass on the
        bot's clock: a DingTalk picture is fetched once its message is committed, and a
        message forwarding it waits for it, to be tried again a little later by the clock
        (which stands still in these tests unless moved)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            db = self.duban.db()
            try:
                pending = db.execute(
                    "SELECT count(*) FROM evidence WHERE stored = 'pending'"
                ).fetchone()[0]
            finally:
                db.close()
            if not pending:
                break
            assert asyncio.get_running_loop().time() < deadline, f"{pending} files not fetched"
            await asyncio.sleep(0.1)
        clock = self.duban.clock
        if clock is not None:
            await self.duban.travel(clock.now() + timedelta(minutes=1))

    async def office(self, platform: Platform) -> EitherPhone:
        """The administrator from the settings (ADMIN_IDS / DINGTALK_ADMIN_IDS), known to the
        bot once they have written."""
        if platform == "telegram":
            phone = self.telegram_phone("办公室", ADMIN_ID)
        else:
            phone = self.dingtalk_phone("办公室", DINGTALK_OFFICE)
        await phone.send("/help")
        await phone.expect("可用命令")
        return phone


@asynccontextmanager
async def both_front_ends(
    sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path, clock: FakeClock | None = None
) -> AsyncIterator[World]:
    """Duban with Telegram and DingTalk configured, connected to both stand-ins."""
    settings = with_dingtalk(sandbox, standin, tmp_path)
    async with running(Duban(sandbox, settings, clock)) as duban:
        await wait_connected(standin)
        yield World(duban, standin)


@dataclass(frozen=True)
class KeptButton:
    """A button as a message showed it, kept to be tapped again after the message was
    redrawn without it: a chat scrolled back before the redraw came, or a client that kept
    the old card, sends its token still (``tap_again``), and the bot must refuse it."""

    phone: EitherPhone
    label: str
    callback_data: str = ""  # Telegram: the button's data
    out_track_id: str = ""  # DingTalk: the card it was on
    button: dict[str, str] = field(default_factory=dict)  # DingTalk: as the card held it


def keep_button(phone: EitherPhone, words: str, label: str) -> KeptButton:
    """The button ``label`` on the newest message holding ``words``, as it shows now."""
    if phone.telegram is not None:
        for message in reversed(phone.telegram.bot_messages):
            if words in message.text:
                return KeptButton(phone, label, callback_data=button_data(message, label))
    else:
        assert phone.standin is not None and phone.dingtalk is not None
        for card in reversed(phone.standin.cards.of(phone.dingtalk.staff_id)):
            if words not in as_read(card.markdown):
                continue
            for button in card.buttons():
                if button.get("text") == label:
                    return KeptButton(phone, label, out_track_id=card.out_track_id, button=button)
    raise AssertionError(f"{phone.name} was shown no {label!r} with {words!r}")


async def tap_again(world: World, kept: KeptButton) -> None:
    """Tap a kept button, whether or not its message still shows it."""
    phone = kept.phone
    if phone.telegram is not None:
        await world.duban.forge_tap(phone.telegram, kept.callback_data)
    else:
        assert phone.dingtalk is not None
        await phone.dingtalk.tap_card(kept.out_track_id, kept.button)
