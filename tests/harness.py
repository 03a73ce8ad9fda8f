"""Duban running against the sandbox, driven by scripted phones: the scenario tests' world."""

from __future__ import annotations

import asyncio
import io
import json
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlite_utils

from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.domain.audit import Origin
from bot.domain.items import Item, ItemFields
from bot.domain.lifecycle import Role
from bot.domain.people import dingtalk_address
from bot.i18n import t
from bot.runtime.startup import BotRuntime
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.files import photo_sizes_json
from sandbox.images import make_jpeg
from sandbox.phones import CallbackAnswer, ChatMessage, Phone
from sandbox.server import Sandbox
from sandbox.state import CallbackQueryRecord
from storage import inbox, ledger, people
from storage.db import connect
from tests.dingtalk.scenario_phone import DingTalkScenarioPhone
from tests.report_seed import add_full_history, seed

TOKEN = "424242:" + "D" * 35
ADMIN_ID = 9000
DINGTALK_OFFICE = "office0001"  # DINGTALK_ADMIN_IDS
CARD_TEMPLATE = "duban-card-template"  # made once in DingTalk's card builder (README)
AnyPhone = Phone | DingTalkScenarioPhone


# A test whose people are on both platforms at once (a Telegram inspector beside a DingTalk
# contact, one person's two accounts) runs once, in the deployment that serves both front-ends:
# the DingTalk run's (tests/conftest.py). Its DingTalk people come from ``duban.register`` and
# ``office``, its Telegram ones from ``register_on_telegram`` and ``telegram_office``.
ON_BOTH_FRONT_ENDS = pytest.mark.parametrize("platform", ["dingtalk"], indirect=True)


def make_settings(sandbox: Sandbox, tmp_path: Path, **extra: str) -> Settings:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": sandbox.url,
        "DATABASE_PATH": str(tmp_path / "duban.sqlite"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "ADMIN_IDS": str(ADMIN_ID),
        "TIMEZONE": "Asia/Shanghai",
        **extra,
    }
    return load_settings(env, dotenv=tmp_path / "no.env")


def with_dingtalk(
    sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path, **extra: str
) -> Settings:
    """Both front-ends configured: Telegram on the sandbox, DingTalk on its stand-in (DingTalk
    alone with ``TELEGRAM_BOT_TOKEN=""`` in ``extra``)."""
    state = standin.state
    return make_settings(
        sandbox,
        tmp_path,
        DINGTALK_CLIENT_ID=state.client_id,
        DINGTALK_CLIENT_SECRET=state.client_secret,
        DINGTALK_ROBOT_CODE=state.robot_code,
        DINGTALK_CARD_TEMPLATE_ID=CARD_TEMPLATE,
        DINGTALK_OPENAPI_ENDPOINT=standin.url,
        DINGTALK_OAPI_ENDPOINT=standin.url,
        DINGTALK_ADMIN_IDS=DINGTALK_OFFICE,
        **extra,
    )


async def wait_connected(standin: DingTalkStandIn) -> None:
    """Until the bot's Stream connection to the DingTalk stand-in is open."""
    deadline = asyncio.get_running_loop().time() + 10
    while standin.connections() != 1:
        assert asyncio.get_running_loop().time() < deadline, "DingTalk never connected"
        await asyncio.sleep(0.02)


@dataclass
class Duban:
    """The bot in-process, its sandbox, and helpers to act as people.

    With a DingTalk ``standin`` the bot serves both front-ends, and the people a test makes
    (``phone``, ``register``, ``admin``) are on DingTalk: the same scenario, the other
    platform (tests/conftest.py ``both_platforms``)."""

    sandbox: Sandbox
    settings: Settings
    clock: FakeClock | None = None
    runtime: BotRuntime | None = None
    phones: list[AnyPhone] = field(default_factory=list)
    standin: DingTalkStandIn | None = None

    @property
    def platform(self) -> str:
        return "telegram" if self.standin is None else "dingtalk"

    async def start(self) -> None:
        self.runtime = BotRuntime(self.settings, self.clock)
        await self.runtime.start()
        if self.standin is not None:
            await wait_connected(self.standin)

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()
            self.runtime = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def db(self) -> sqlite_utils.Database:
        """A separate connection for a test's own reads and set-up writes."""
        return connect(self.settings.database_path)

    def phone(self, user_id: int, name: str, language: str = "zh") -> AnyPhone:
        """A person's phone on the test's platform (not registered: see ``register``).
        On DingTalk the person's staff id is ``staff{user_id}``; DingTalk does not say the
        phone's language, so the bot speaks the default until ``/lang``."""
        phone: AnyPhone
        if self.standin is None:
            phone = self.sandbox.phone(user_id=user_id, name=name, language=language, token=TOKEN)
        else:
            phone = DingTalkScenarioPhone(self.standin, user_id, name)
        self.phones.append(phone)
        return phone

    def invitation(self, role: Role, name: str, unit: str | None = None) -> str:
        db = self.db()
        try:
            at = self.clock.now() if self.clock else datetime.now(UTC)
            return people.create_invitation(
                db, role=role, name=name, unit=unit, days=7, origin=Origin.cli(at)
            ).code
        finally:
            db.close()

    async def register(
        self, user_id: int, name: str, role: Role, unit: str | None = None, language: str = "zh"
    ) -> AnyPhone:
        """A person who has accepted an invitation (``/start CODE``, on DingTalk
        ``绑定 CODE``), ready to use the bot in their language."""
        phone = self.phone(user_id, name, language)
        code = self.invitation(role, name, unit)
        if self.standin is None:
            await phone.send(f"/start {code}")
            await phone.expect("欢迎" if language == "zh" else "Welcome")
            return phone
        await phone.send(f"绑定 {code}")
        await phone.expect("欢迎")
        await speaking(phone, language)
        return phone

    def admin(self, language: str = "zh") -> AnyPhone:
        """The administrator configured in ADMIN_IDS (on DingTalk, DINGTALK_ADMIN_IDS)."""
        if self.standin is None:
            return self.phone(ADMIN_ID, "办公室管理员", language)
        phone = DingTalkScenarioPhone(
            self.standin, ADMIN_ID, "办公室管理员", staff_id=DINGTALK_OFFICE
        )
        self.phones.append(phone)
        return phone

    def seed_task(
        self,
        problem: str,
        unit: str | None,
        deadline: date | None = None,
        *,
        period: str = "2024年度",
        inspectors: tuple[int, ...] = (),
        **fields: object,
    ) -> Item:
        """An item with any sheet field (co_units, recurring, target_number…) and assigned
        inspectors (person ids), in a named period: the reminder scenarios' seed."""
        db = self.db()
        try:
            origin = Origin.cli(self.clock.now() if self.clock else datetime.now(UTC))
            ledger.ensure_period(db, period, int(period[:4]), origin)
            text = fields.pop("deadline_text", deadline.isoformat() if deadline else "")
            item = ledger.create_item(
                db,
                ItemFields(problem, unit=unit, deadline=deadline, deadline_text=text, **fields),
                period,
                origin,
            )
            for person_id in inspectors:
                ledger.assign_inspector(db, item.id, person_id, origin)
            return ledger.get_item(db, item.id)
        finally:
            db.close()

    def person_id(self, user_id: int) -> int:
        """The person a test's phone ``user_id`` registered as (ADMIN_ID: the office), on
        the test's platform."""
        db = self.db()
        try:
            if self.standin is None:
                return people.by_telegram_id(db, user_id).id
            staff = DINGTALK_OFFICE if user_id == ADMIN_ID else f"staff{user_id}"
            person = people.by_address(db, dingtalk_address(staff))
            assert person is not None, f"{staff} is not registered"
            return person.id
        finally:
            db.close()

    async def travel(self, moment: datetime) -> None:
        """Move the fake clock (a local time) and let the sender look at the outbox again."""
        assert self.clock is not None and self.runtime is not None
        self.clock.set(moment.replace(tzinfo=moment.tzinfo or self.settings.timezone))
        self.runtime.resources.outbox_ready.set()

    async def sweep(self, moment: datetime | None = None) -> None:
        """Run the reminder sweep now (at ``moment``, local, if given)."""
        if moment is not None:
            await self.travel(moment)
        await self.runtime.run_job("reminders")

    async def settle(self, seconds: float = 10.0) -> None:
        """Wait until every update is processed and every message sent."""
        deadline = asyncio.get_running_loop().time() + seconds
        db = self.db()
        try:
            while True:
                busy = db.execute(
                    "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending') + "
                    "(SELECT count(*) FROM outbox WHERE status = 'pending')"
                ).fetchone()[0]
                if not busy and self.standin is not None:
                    busy = await self.standin.call(unacknowledged(self.standin))
                if not busy:
                    return
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"{busy} updates or messages still pending")
                await asyncio.sleep(0.05)
        finally:
            db.close()

    # --- seeding the ledger and replaying updates (visit scenarios) ---------------------

    async def processed(self, seconds: float = 10.0) -> None:
        """Wait until every received update is processed (messages may still wait)."""
        deadline = asyncio.get_running_loop().time() + seconds
        db = self.db()
        try:
            while db.execute("SELECT count(*) FROM inbox WHERE status = 'pending'").fetchone()[0]:
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError("updates still pending")
                await asyncio.sleep(0.05)
        finally:
            db.close()

    async def all_processed(self, seconds: float = 10.0) -> None:
        """Every update sent so far is fetched from the sandbox and processed."""
        last = self.sandbox.state.bot_for_token(TOKEN).next_update_id - 1
        deadline = asyncio.get_running_loop().time() + seconds
        db = self.db()
        try:
            while not db.execute("SELECT 1 FROM inbox WHERE update_id = ?", [last]).fetchone():
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"update {last} never reached the inbox")
                await asyncio.sleep(0.02)
        finally:
            db.close()
        await self.processed(seconds)

    def inbox_row(self, update_id: int) -> tuple[str, int]:
        """An update's inbox status and how many attempts failed so far."""
        db = self.db()
        try:
            return db.execute(
                "SELECT status, attempts FROM inbox WHERE update_id = ?", [update_id]
            ).fetchone()
        finally:
            db.close()

    async def until_inbox_row(
        self, update_id: int, wanted: tuple[str, int], within: float = 20.0
    ) -> None:
        """Wait until the update's inbox row is ``wanted`` (status, attempts): how the
        fault tests watch a retry happen, one attempt at a time."""
        deadline = asyncio.get_running_loop().time() + within
        while (row := self.inbox_row(update_id)) != wanted:
            assert asyncio.get_running_loop().time() < deadline, f"row is {row}, not {wanted}"
            await asyncio.sleep(0.05)

    def _now(self) -> datetime:
        return self.clock.now() if self.clock else datetime.now(UTC)

    def seed_item(
        self,
        problem: str,
        *,
        company: str | None = None,
        town: str | None = None,
        unit: str | None = None,
        deadline: date | None = None,
    ) -> Item:
        """A list item created as the office would (storage.ledger.create_item), in the
        period named after the current year."""
        db = self.db()
        try:
            origin = Origin.cli(self._now())
            year = self._now().astimezone(self.settings.timezone).year
            period = str(year)
            ledger.ensure_period(db, period, year, origin)
            fields = ItemFields(
                problem=problem,
                company=company,
                town=town,
                unit=unit,
                deadline=deadline,
                deadline_text=deadline.isoformat() if deadline else "",
            )
            return ledger.create_item(db, fields, period, origin)
        finally:
            db.close()

    def seed_research_item(self) -> Item:
        """卓远半导体's one open item, 研发投入不足 led by 科技局, due in 20 days by the bot's
        clock: the world most visit scenarios start from."""
        return self.seed_item(
            "研发投入不足", company="卓远半导体", town="高新区", unit="科技局",
            deadline=self._now().date() + timedelta(days=20),
        )  # fmt: skip

    def seed_company(self, name: str, town: str | None = None) -> int:
        db = self.db()
        try:
            origin = Origin.cli(self._now())
            with db.atomic():
                town_id = ledger.ensure_named(db, "towns", town, origin)
                company_id = ledger.ensure_company(db, name, town_id, origin)
            assert company_id is not None
            return company_id
        finally:
            db.close()

    async def forge_tap(self, phone: AnyPhone, callback_data: str) -> str:
        """A callback_query with any data on the phone's latest bot message, as a modified
        client could send it (phone.tap only presses buttons that are shown); its id. On
        DingTalk, a card callback with that token."""
        if isinstance(phone, DingTalkScenarioPhone):
            return await phone.forge_tap(callback_data)
        message = phone.latest
        assert message is not None
        state = self.sandbox.state
        bot = state.bot_for_token(TOKEN)
        query_id = f"{bot.id}{len(phone.events)}{phone.user_id}"
        bot.callback_queries[query_id] = CallbackQueryRecord(
            id=query_id,
            user_id=phone.user_id,
            chat_id=phone.chat_id,
            message_id=message.message_id,
            data=callback_data,
            created=state.now(),
        )
        state.enqueue_update(
            bot,
            "callback_query",
            {
                "id": query_id,
                "from": phone.user.as_user(),
                "message": message.data,
                "chat_instance": str(bot.id ^ phone.user_id),
                "data": callback_data,
            },
        )
        return query_id

    async def forged_tap(self, phone: AnyPhone, callback_data: str) -> CallbackAnswer | None:
        """Forge a tap (``forge_tap``) and wait for the bot's answer to it (on DingTalk,
        which has no toast, read it with ``answered``)."""
        query_id = await self.forge_tap(phone, callback_data)
        if isinstance(phone, DingTalkScenarioPhone):
            return None
        return await phone.answer_to(query_id)

    def send_raw(self, phone: Phone, content: dict, kind: str = "message") -> dict:
        """A message of a kind the scripted phone has no method for (sticker, poll,
        contact, forwarded…), or an ``edited_message`` when ``kind`` says so."""
        state = self.sandbox.state
        bot = state.bot_for_token(TOKEN)
        chat = state.private_chat(bot, phone.user_id)
        message = state.add_message(bot, chat, phone.user.as_user(), content)
        state.enqueue_update(bot, kind, message)
        return message

    def send_album_photo(self, phone: Phone, album: str, shade: int) -> str:
        """One photo of an album (``media_group_id``), as its own update, the way Telegram
        delivers albums; returns its file_unique_id."""
        sizes = self.sandbox.state.files.add_photo(make_jpeg(1000, 750, shade), 1000, 750)
        photo = photo_sizes_json(sizes)
        self.send_raw(phone, {"photo": photo, "media_group_id": album})
        return photo[-1]["file_unique_id"]

    def album_evidence(self, album: str) -> list[str]:
        """Every evidence row's file, after checking all of them are that album's finding."""
        db = self.db()
        try:
            rows = db.execute(
                "SELECT e.file_unique_id, f.media_group_id FROM evidence e "
                "LEFT JOIN findings f ON f.id = e.finding_id ORDER BY e.id"
            ).fetchall()
            assert {row[1] for row in rows} == {album}
            return [row[0] for row in rows]
        finally:
            db.close()

    async def replay(self, update_id: int) -> int:
        """Deliver an already processed update again, as Telegram may after a lost offset:
        stored again (the inbox ignores it) and run through the handlers again.
        Returns how many inbox rows the second delivery added (0 expected)."""
        from bot.runtime.updates import Processor

        db = self.db()
        try:
            raw = db.execute("SELECT raw FROM inbox WHERE update_id = ?", [update_id]).fetchone()
            assert raw is not None, f"update {update_id} was never received"
            update = json.loads(raw[0])
            added = inbox.save_updates(db, [update], self._now())
        finally:
            db.close()
        runtime = self.runtime
        assert runtime is not None and runtime.application is not None

        async def set_aside(_update: object) -> None:
            raise AssertionError("a replayed update must not fail")

        processor = Processor(runtime.application, runtime.resources, asyncio.Event(), set_aside)
        await processor.process(update_id, update)
        return added

    # --- abuse suites: forged presses, server-side buttons, whole-database snapshots -----

    def forge_callback(self, phone: Phone, callback_data: str) -> str:
        """A callback_query with any data from anyone, even a person the bot never wrote
        to (it then presses a stand-in old bot message in their chat). Returns its id."""
        state = self.sandbox.state
        bot = state.bot_for_token(TOKEN)
        message = phone.latest
        if message is None:
            chat = state.private_chat(bot, phone.user_id)
            stub = state.add_message(bot, chat, bot.as_user(), {"text": "…"})
            message_data = stub
        else:
            message_data = message.data
        bot.next_query_id += 1
        query_id = f"{bot.id}9{bot.next_query_id}"
        bot.callback_queries[query_id] = CallbackQueryRecord(
            id=query_id,
            user_id=phone.user_id,
            chat_id=phone.chat_id,
            message_id=message_data["message_id"],
            data=callback_data,
            created=state.now(),
        )
        state.enqueue_update(
            bot,
            "callback_query",
            {
                "id": query_id,
                "from": phone.user.as_user(),
                "message": message_data,
                "chat_instance": str(bot.id ^ phone.user_id),
                "data": callback_data,
            },
        )
        return query_id

    def make_button(
        self, person_id: int, action: str, payload: dict, *, expires: datetime | None = None
    ) -> str:
        """A button token as the bot would have stored it for ``person_id``."""
        at = self._now()
        token = secrets.token_urlsafe(12)
        db = self.db()
        try:
            db.execute(
                "INSERT INTO buttons (token, person_id, action, payload, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    token,
                    person_id,
                    action,
                    json.dumps(payload, ensure_ascii=False),
                    at.isoformat(),
                    (expires or at + timedelta(days=30)).isoformat(),
                ],
            )
        finally:
            db.close()
        return token

    def table_counts(self, *, skip: tuple[str, ...] = ()) -> dict[str, int]:
        """Rows in every table of the database (but ``skip``): a whole-state fingerprint."""
        db = self.db()
        try:
            return {
                name: db.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
                for name in db.table_names()
                if name not in skip
            }
        finally:
            db.close()

    def answers(self, query_id: str) -> list[dict]:
        """The bot's answerCallbackQuery calls for one query (text, show_alert…)."""
        return [
            call["params"]
            for call in self.sandbox.state.calls_to("answerCallbackQuery")
            if str(call["params"].get("callback_query_id")) == query_id
        ]

    async def received(self, count: int, seconds: float = 10.0) -> None:
        """Wait until the inbox holds ``count`` updates (then ``settle`` waits for the rest)."""
        deadline = asyncio.get_running_loop().time() + seconds
        db = self.db()
        try:
            while db.execute("SELECT count(*) FROM inbox").fetchone()[0] < count:
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"fewer than {count} updates arrived")
                await asyncio.sleep(0.05)
        finally:
            db.close()


async def start_visit(
    phone: Phone, company: str = "卓远", pick: str = "卓远半导体（高新区）"
) -> None:
    """An inspector starts a visit the usual way: /visit, part of the name, a tap."""
    await phone.send("/visit")
    await phone.expect("选择企业", within=60)
    await phone.send(company)
    await phone.expect("匹配的企业", within=60)
    await phone.tap(pick)
    await phone.expect("走访中", within=60)


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of the scenarios' year, on the office's clock."""
    return datetime(2024, month, day, hour, minute, tzinfo=SHANGHAI)


async def office(duban: Duban) -> AnyPhone:
    """The administrator from ADMIN_IDS (DINGTALK_ADMIN_IDS on DingTalk), known to the bot
    once they have written."""
    admin = duban.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    return admin


async def inspector_on_visit(duban: Duban, user_id: int) -> Phone:
    """An inspector on a visit to 卓远半导体, whose one open item is due in 20 days."""
    duban.seed_research_item()
    inspector = await duban.register(user_id, "王督查", Role.INSPECTOR)
    await start_visit(inspector)
    await duban.settle()
    return inspector


@asynccontextmanager
async def running(bot: Duban) -> AsyncIterator[Duban]:
    """Duban started for one test, and afterwards its phones closed and the bot stopped, so
    no poller or sender outlives the test that made it."""
    await bot.start()
    try:
        yield bot
    finally:
        for phone in bot.phones:
            phone.close()
        await bot.stop()


async def answered(phone: AnyPhone, answer: CallbackAnswer | None, words: str) -> None:
    """What the bot said to a tap: Telegram's toast (answerCallbackQuery), or on DingTalk,
    which has no toast, a message."""
    if isinstance(phone, DingTalkScenarioPhone):
        await phone.expect(words)
    else:
        assert answer is not None and words in answer.text, answer


def button_data(message: ChatMessage, label: str) -> str:
    """The callback_data of a button on one particular (perhaps older) message, as a thumb
    taps it from a chat scrolled back."""
    for row in message.inline_keyboard:
        for button in row:
            if label in button["text"]:
                return button["callback_data"]
    raise AssertionError(f"no {label!r} on {message.describe()}")


async def expect_document(phone: AnyPhone, name_part: str, within: float = 30.0) -> str:
    """Wait for a file whose name holds ``name_part`` (a caption, if any, is a message of its
    own on DingTalk); returns the file's name."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        for message in reversed(phone.bot_messages):
            if message.document and name_part in message.document.get("file_name", ""):
                return str(message.document["file_name"])
        assert asyncio.get_running_loop().time() < deadline, f"no file named *{name_part}*"
        await asyncio.sleep(0.05)


def last_document(phone: AnyPhone) -> dict:
    """The newest file the bot sent this phone (an export, a dossier, an annotated sheet)."""
    return next(m for m in reversed(phone.bot_messages) if m.document).document


async def open_card(phone: AnyPhone, code: str) -> Any:
    """/item CODE, and the card it shows (not another message that names the code)."""
    await phone.send(f"/item {code}")
    return await phone.expect(re.compile(rf"{code}[^\n]*\n状态"))


async def invite_in_chat(admin: Phone, role_label: str, name: str) -> tuple[str, int]:
    """The admin makes an invitation with /invite; returns its code and the link message id."""
    await admin.send("/invite")
    await admin.expect("邀请哪类用户")
    await admin.tap(role_label)
    await admin.expect("请输入被邀请人的姓名")
    await admin.send(name)
    message = await admin.expect("生成邀请链接")
    code = re.search(r"start=([\w-]+)", message.text)
    assert code is not None, message.text
    return code.group(1), message.message_id


def last_workbook(phone: AnyPhone) -> openpyxl.Workbook:
    """The newest file the bot sent this phone, opened as the office opens it in Excel."""
    return openpyxl.load_workbook(io.BytesIO(phone.download(last_document(phone)["file_id"])))


async def export_menu_for_town(phone: Phone, town: str) -> None:
    """/export, 按镇区, the town: the format menu for that town's items is showing."""
    await phone.send("/export")
    await phone.expect("导出督办台账")
    await phone.tap("按镇区")
    await phone.expect("选择镇区")
    await phone.tap(town)
    await phone.expect(f"范围：{town}")


async def export_menu_for_company(phone: Phone, town: str, company: str) -> None:
    """/export, 按企业, the company's town, the company: its format menu is showing."""
    await phone.send("/export")
    await phone.expect("导出督办台账")
    await phone.tap("按企业")
    await phone.expect("企业在哪个镇区")
    await phone.tap(town)
    await phone.expect(f"选择{town}的企业")
    await phone.tap(company)
    await phone.expect(f"范围：{company}")


HISTORY_PHOTOS = [make_jpeg(320, 240, n) for n in range(3)]


async def history_world(
    duban: Duban, inspector_tg: int, contact_tg: int
) -> tuple[dict[str, str], list[str]]:
    """The report scenarios' ledger (tests.report_seed) with a full history on its "chip"
    item, written by a registered inspector (王督查), 科技局's contact (赵联络) and the
    administrator, with HISTORY_PHOTOS stored as its evidence. Returns the item codes by
    label and the photos' Telegram file ids."""
    inspector = await duban.register(inspector_tg, "王督查", Role.INSPECTOR)
    contact = await duban.register(contact_tg, "赵联络", Role.CONTACT, unit="科技局")
    await office(duban)  # the admin's person row comes with their first message
    files = duban.sandbox.state.files
    file_ids = [files.add_photo(photo, 320, 240)[-1].file_id for photo in HISTORY_PHOTOS]
    db = duban.db()
    try:
        now = datetime.now(UTC)
        seeded = seed(db, now)
        ids = {tg: duban.person_id(tg) for tg in (inspector_tg, contact_tg, ADMIN_ID)}
        add_full_history(
            db,
            seeded.ids["chip"],
            now,
            inspector_id=ids[inspector_tg],
            contact_id=ids[contact_tg],
            admin_id=ids[ADMIN_ID],
            admin_tg=ADMIN_ID,
            photo_file_ids=file_ids,
            media_dir=duban.settings.media_dir,
        )
    finally:
        db.close()
    inspector.close()
    contact.close()
    return seeded.codes, file_ids


def button_token(phone: AnyPhone, message: Any, label: str) -> str:
    """``button_data`` on either platform: the token of the button ``label`` on one
    particular (perhaps older) message; on DingTalk, on that card as it shows now."""
    if isinstance(phone, DingTalkScenarioPhone):
        return phone.button_token(message, label)
    return button_data(message, label)


async def tap_token(phone: AnyPhone, message: Any, token: str) -> str:
    """A tap carrying ``token`` on one particular message, as a thumb taps a button of a
    chat scrolled back (perhaps before the phone redrew it); the tap's id (Telegram's
    callback query id, DingTalk's callback messageId). Returns at once: the taps of a
    double tap are made before the bot answers the first."""
    if isinstance(phone, DingTalkScenarioPhone):
        return await phone.tap_token(message, token)
    return phone.actions.tap(message.message_id, token)


async def tap_on(phone: AnyPhone, message: Any, label: str) -> str:
    """Tap the button ``label`` on one particular (perhaps older) message; the tap's id."""
    return await tap_token(phone, message, button_token(phone, message, label))


async def unacknowledged(standin: DingTalkStandIn) -> int:
    """Frames pushed to the bot on a Stream still open and not yet acknowledged: on DingTalk
    a message or a tap on its way into the bot's inbox (the bot commits it, then
    acknowledges), which ``settle`` waits for as it waits for the inbox. Run on the
    stand-in's loop (``standin.call``)."""
    state = standin.state
    return sum(
        1
        for push in state.pushes.values()
        if push.pushes and push.ack is None and push.stream not in state.closed_streams
    )


async def speaking(phone: AnyPhone, language: str) -> None:
    """The person reads the bot in ``language``. A Telegram phone says its language with
    every message; DingTalk does not, so a DingTalk person other than a Chinese reader
    chooses it from /lang's buttons, as they would."""
    if not isinstance(phone, DingTalkScenarioPhone) or language == "zh":
        return
    await phone.send("/lang")
    await phone.expect("请选择语言")
    await phone.tap(t(language, f"lang.{language}"))
    await phone.expect(t(language, "lang.set"))


async def fetch_evidence(duban: Duban) -> None:
    """Run the test's platform's evidence download job now (Telegram's getFile, or
    DingTalk's robot file download: a job of its own, bot/jobs/schedule.py)."""
    assert duban.runtime is not None
    job = "evidence.download" if duban.platform == "telegram" else "evidence.download.dingtalk"
    await duban.runtime.run_job(job)


async def admin_speaking(duban: Duban, language: str) -> AnyPhone:
    """The administrator, speaking ``language``: Telegram's phone says it with its
    language_code; DingTalk does not say a phone's language, so the office picks it
    with ``/lang``."""
    if duban.standin is None:
        return duban.phone(ADMIN_ID, "Office", language=language)
    admin = duban.admin()
    await speaking(admin, language)
    return admin


async def replay_update(duban: Duban, update_id: int) -> int:
    """``Duban.replay`` on the test's platform. On DingTalk the frame is stored again (the
    inbox ignores it by its msgId) and run through the handlers again, as after a crash
    between running a row and marking it done; returns the rows added (0 expected)."""
    if duban.platform == "telegram":
        return await duban.replay(update_id)
    from bot.platforms.dingtalk import handlers
    from bot.platforms.dingtalk.inputs import RobotMessage, parse

    db = duban.db()
    try:
        row = db.execute("SELECT event, raw FROM inbox WHERE update_id = ?", [update_id])
        event, raw = row.fetchone()
        stored = inbox.save_dingtalk(db, event, json.loads(raw), duban._now())
    finally:
        db.close()
    assert duban.runtime is not None
    frame = parse(json.loads(raw))
    if isinstance(frame, RobotMessage):
        await handlers.on_robot_message(duban.runtime.resources, update_id, frame)
    else:
        await handlers.on_card_tap(duban.runtime.resources, update_id, frame)
    return 0 if stored is None else 1


async def register_on_telegram(
    duban: Duban, user_id: int, name: str, role: Role, unit: str | None = None
) -> Phone:
    """A person who accepted an invitation on Telegram, whatever the test's platform: in a
    DingTalk run, someone on Telegram over the same ledger as the DingTalk people (an
    inspector sending locations, which a DingTalk robot never receives)."""
    phone = duban.sandbox.phone(user_id=user_id, name=name, language="zh", token=TOKEN)
    duban.phones.append(phone)
    await phone.send(f"/start {duban.invitation(role, name, unit)}")
    await phone.expect("欢迎")
    return phone


async def telegram_office(duban: Duban) -> Phone:
    """The administrator from ADMIN_IDS on Telegram, whatever the test's platform, known to
    the bot once they have written: in a DingTalk run, the office on Telegram over the same
    ledger as the DingTalk people (``office`` gives the test platform's)."""
    admin = duban.sandbox.phone(user_id=ADMIN_ID, name="办公室管理员", language="zh", token=TOKEN)
    duban.phones.append(admin)
    await admin.send("/help")
    await admin.expect("可用命令")
    return admin


def now_showing(phone: AnyPhone, words: str) -> Any:
    """The newest message holding ``words`` as the chat shows it now (Telegram's edits and
    DingTalk's card updates applied): what a person sees when they scroll back to it."""
    for message in reversed(phone.bot_messages):
        if words in message.text:
            return message
    raise AssertionError(f"{phone.user_id} was shown nothing with {words!r}")


async def expect_pictures(phone: AnyPhone, count: int, within: float = 30.0) -> None:
    """Wait until the chat shows at least ``count`` pictures from the bot (charts, evidence
    forwarded from the other platform), as ``expect_document`` waits for a file."""
    deadline = asyncio.get_running_loop().time() + within
    while (shown := sum(1 for message in phone.bot_messages if message.photo)) < count:
        assert asyncio.get_running_loop().time() < deadline, f"{shown} pictures, not {count}"
        await asyncio.sleep(0.05)
