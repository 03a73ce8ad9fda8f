"""DingTalk people through the stand-in and the real SDK, run by the same services as on
Telegram: strangers refused, invitations redeemed with 绑定 CODE, commands, evidence
pictures, and card taps refused when forged or someone else's, acting once when pushed again.

The bot runs with DingTalk alone (no Telegram token), so what it queues for DingTalk stays
in the outbox to be read here: DingTalk's sender is the other half of the adapter. Each
``said`` below becomes ``phone.expect`` once that sender delivers to the stand-in.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.lifecycle import Role
from bot.domain.people import DINGTALK, Person, dingtalk_address
from bot.i18n import t
from bot.platforms.dingtalk import handlers
from bot.platforms.dingtalk.markdown import to_markdown
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.server import DingTalkStandIn
from sandbox.server import Sandbox
from storage import buttons, people, visits
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import DINGTALK_OFFICE, Duban, running, with_dingtalk

OFFICE = DINGTALK_OFFICE  # a DINGTALK_ADMIN_IDS staff id


@pytest.fixture
async def duban(
    bot_sandbox: Sandbox, standin: DingTalkStandIn, tmp_path: Path
) -> AsyncIterator[Duban]:
    """Duban on DingTalk alone, connected to the stand-in through the SDK."""
    settings = with_dingtalk(bot_sandbox, standin, tmp_path, TELEGRAM_BOT_TOKEN="")
    async with running(Duban(bot_sandbox, settings)) as bot:
        await wait_until(lambda: standin.connections() == 1)
        yield bot


def queued(duban: Duban, staff_id: str) -> list[tuple[int, str, dict[str, Any]]]:
    """What the bot queued for this DingTalk person: (outbox row, method, payload)."""
    db = duban.db()
    try:
        found = db.execute(
            "SELECT id, method, payload FROM outbox WHERE platform = 'dingtalk' AND chat = ? "
            "ORDER BY id",
            [staff_id],
        ).fetchall()
    finally:
        db.close()
    return [(row_id, method, json.loads(payload)) for row_id, method, payload in found]


async def said(duban: Duban, staff_id: str, text: str, *, within: float = 10.0) -> dict:
    """The first message queued for ``staff_id`` whose text holds ``text`` (our HTML,
    compared as the markdown DingTalk shows)."""
    wanted = to_markdown(text)
    found: list[dict] = []

    def holds() -> bool:
        found[:] = [p for _, _, p in queued(duban, staff_id) if wanted in p.get("text", "")]
        return bool(found)

    await wait_until(holds, within=within)
    return found[0]


def person(duban: Duban, staff_id: str) -> Person | None:
    db = duban.db()
    try:
        return people.by_address(db, dingtalk_address(staff_id))
    finally:
        db.close()


async def registered(
    duban: Duban, standin: DingTalkStandIn, staff_id: str, nick: str, role: Role
) -> DingTalkPhone:
    phone = standin.phone(staff_id, nick)
    await phone.send(f"绑定 {duban.invitation(role, nick)}")
    await said(duban, staff_id, "欢迎")
    return phone


async def inspector_on_visit(duban: Duban, standin: DingTalkStandIn) -> tuple[DingTalkPhone, int]:
    """A DingTalk inspector with an open visit; returns the phone and their person id."""
    phone = await registered(duban, standin, "inspector01", "王督查", Role.INSPECTOR)
    company = duban.seed_company("卓远半导体", "高新区")
    db = duban.db()
    try:
        inspector = people.by_address(db, dingtalk_address("inspector01"))
        assert inspector is not None
        visits.start_visit(db, company, inspector.id, datetime.now(UTC), platform=DINGTALK)
    finally:
        db.close()
    return phone, inspector.id


async def test_a_stranger_is_refused_politely(duban: Duban, standin: DingTalkStandIn) -> None:
    await standin.phone("stranger01", "陌生人").send("你好，我想看看督办事项")
    payload = await said(duban, "stranger01", t("zh", "start.invitation_only"))
    assert payload["title"] == t("zh", "start.invitation_only")[:19] + "…"
    assert person(duban, "stranger01") is None


async def test_bind_code_registers_a_person_with_the_invitations_role(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    phone = standin.phone("manager4521", "李联络")
    code = duban.invitation(Role.CONTACT, "李联络", "科技局")
    await phone.send(f"绑定 {code}")
    welcome = await said(duban, "manager4521", "欢迎，李联络")
    assert f"**{t('zh', 'role.contact')}**" in welcome["text"]  # <b> shown as bold
    found = person(duban, "manager4521")
    assert found is not None and found.active
    assert (found.platform, found.account, found.role) == ("dingtalk", "manager4521", Role.CONTACT)
    assert found.unit == "科技局"
    db = duban.db()
    try:
        [(raw, webhook)] = db.execute(
            "SELECT raw, webhook FROM inbox JOIN dingtalk_sessions ON staff_id = 'manager4521'"
        ).fetchall()
    finally:
        db.close()
    assert code not in raw and "绑定 [invitation]" in raw  # no code is left behind
    assert webhook.startswith(f"{standin.url}/robot/sendBySession")  # for the replies


async def test_start_code_works_too_and_a_used_code_registers_no_one_else(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    code = duban.invitation(Role.INSPECTOR, "王督查")
    await standin.phone("inspector01", "王督查").send(f"/start {code}")
    await said(duban, "inspector01", "欢迎，王督查")
    await standin.phone("someone02", "张三").send(f"绑定 {code}")
    await said(duban, "someone02", t("zh", "start.invitation_used"))
    assert person(duban, "someone02") is None


async def test_help_lists_the_commands_of_a_dingtalk_administrator(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    await standin.phone(OFFICE, "办公室").send(" /help ")
    listing = await said(duban, OFFICE, t("zh", "help.title"))
    assert "/stuck" in listing["text"] and "/invite" in listing["text"]
    admin = person(duban, OFFICE)
    assert admin is not None and admin.role is Role.ADMIN  # from DINGTALK_ADMIN_IDS


async def test_an_unknown_command_is_answered_as_such(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    await standin.phone(OFFICE, "办公室").send("/frobnicate now")
    await said(duban, OFFICE, "/frobnicate")


async def test_a_picture_during_an_open_visit_is_evidence_with_its_download_code(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    phone, inspector_id = await inspector_on_visit(duban, standin)
    code = await phone.send_picture(b"\xff\xd8\xff\xe0 a jpeg")

    def evidence() -> list[tuple]:
        db = duban.db()
        try:
            return db.execute(
                "SELECT kind, file_id, person_id, finding_id FROM evidence"
            ).fetchall()
        finally:
            db.close()

    await wait_until(lambda: bool(evidence()))
    [(kind, file_id, person_id, finding_id)] = evidence()
    assert (kind, file_id, person_id) == ("photo", code, inspector_id)
    assert finding_id is not None  # it is a finding of the open visit


async def test_rich_text_words_and_pictures_are_all_kept_in_order(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    phone, _ = await inspector_on_visit(duban, standin)
    codes = await phone.send_rich_text("厂房审批慢，企业反映三个月未办结", b"jpeg-1", b"jpeg-2")

    def kept() -> tuple[list, list]:
        db = duban.db()
        try:
            texts = db.execute("SELECT text FROM findings ORDER BY id").fetchall()
            files = db.execute("SELECT file_id FROM evidence ORDER BY id").fetchall()
            return texts, files
        finally:
            db.close()

    await wait_until(lambda: len(kept()[1]) == 2)
    texts, files = kept()
    assert ("厂房审批慢，企业反映三个月未办结",) in texts
    assert [f for (f,) in files] == codes


async def test_a_forged_card_tap_is_refused_as_a_message(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    phone = await registered(duban, standin, "manager4521", "李联络", Role.CONTACT)
    await phone.tap_card("duban-1", {"text": "确认", "token": "forged-token-0000"})
    await said(duban, "manager4521", t("zh", "error.button_expired"))


async def test_someone_elses_button_is_refused(duban: Duban, standin: DingTalkStandIn) -> None:
    await standin.phone(OFFICE, "办公室").send("/lang")
    card = await said(duban, OFFICE, t("zh", "lang.choose"))
    english = next(b for row in card["buttons"] for b in row if b["text"] == "English")
    other = await registered(duban, standin, "manager4521", "李联络", Role.CONTACT)
    await other.tap_card("duban-1", english)
    await said(duban, "manager4521", t("zh", "error.button_not_yours"))
    admin = person(duban, OFFICE)
    assert admin is not None and admin.language == "zh"  # nothing changed for its owner


async def test_a_tap_pushed_again_acts_once(duban: Duban, standin: DingTalkStandIn) -> None:
    phone = standin.phone(OFFICE, "办公室")
    await phone.send("/lang")
    card = await said(duban, OFFICE, t("zh", "lang.choose"))
    row_id = next(r for r, _, p in queued(duban, OFFICE) if p is card or p == card)
    english = next(b for row in card["buttons"] for b in row if b["text"] == "English")
    message_id = await phone.tap_card(f"duban-{row_id}", english)
    await said(duban, OFFICE, t("en", "lang.set"))
    await wait_until(lambda: standin.push(message_id).ack is not None)
    frame = standin.push(message_id).frame
    await standin.call(standin._send("CALLBACK", "/v1.0/card/instances/callback", frame))
    await phone.send("/help")  # runs after the repeated tap would have
    await said(duban, OFFICE, t("en", "help.title"))
    confirmations = [p for _, _, p in queued(duban, OFFICE) if "English" in p.get("text", "")]
    assert len(confirmations) == 1
    admin = person(duban, OFFICE)
    assert admin is not None and admin.language == "en"
    db = duban.db()
    try:
        taps = db.execute(
            "SELECT count(*) FROM inbox WHERE platform = 'dingtalk' AND raw LIKE ?",
            ['%"outTrackId": "duban-%'],
        ).fetchone()
        assert taps == (1,)
        assert buttons.resolve(db, english["token"]) is not None
    finally:
        db.close()


async def test_a_group_chat_message_is_not_answered(duban: Duban, standin: DingTalkStandIn) -> None:
    content = {"msgtype": "text", "text": {"content": "/help"}, "conversationType": "2"}
    message_id = await standin.push_robot_message(OFFICE, content)
    await wait_until(lambda: standin.push(message_id).ack is not None)
    await standin.phone(OFFICE, "办公室").send("/lang")
    await said(duban, OFFICE, t("zh", "lang.choose"))
    assert not [p for _, _, p in queued(duban, OFFICE) if "/stuck" in p.get("text", "")]


async def test_a_file_a_voice_note_and_a_video_are_evidence_of_their_kinds(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    phone, _ = await inspector_on_visit(duban, standin)
    sent = [
        await phone.send_file("整改报告.pdf", b"%PDF-1.4 report"),
        await phone.send_audio(b"#!AMR voice", recognition="企业说下月完成"),
        await phone.send_video(b"\x00\x00\x00 ftypmp4"),
    ]

    def evidence() -> list[tuple]:
        db = duban.db()
        try:
            return db.execute(
                "SELECT kind, file_id, file_name FROM evidence ORDER BY id"
            ).fetchall()
        finally:
            db.close()

    await wait_until(lambda: len(evidence()) == 3)
    assert evidence() == [
        ("document", sent[0], "整改报告.pdf"),
        ("voice", sent[1], None),
        ("video", sent[2], None),
    ]


async def test_a_kind_of_message_the_bot_does_not_take_is_answered_politely(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    await standin.phone(OFFICE, "办公室").send("/help")
    await said(duban, OFFICE, t("zh", "help.title"))
    await standin.push_robot_message(OFFICE, {"msgtype": "chatRecord", "content": {}})
    await said(duban, OFFICE, t("zh", "ignored.unsupported"))


async def test_a_failing_message_is_tried_again_and_then_runs_once(
    duban: Duban, standin: DingTalkStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = handlers.on_robot_message
    attempts: list[int] = []

    async def flaky(services: Any, update_id: int, message: Any) -> None:
        attempts.append(update_id)
        if len(attempts) == 1:
            raise RuntimeError("a passing fault")
        await real(services, update_id, message)

    monkeypatch.setattr(handlers, "on_robot_message", flaky)
    await standin.phone(OFFICE, "办公室").send("/help")
    await said(duban, OFFICE, t("zh", "help.title"), within=15)
    assert attempts == [-1, -1]
    db = duban.db()
    try:
        row = db.execute("SELECT status, attempts, last_error FROM inbox").fetchone()
    finally:
        db.close()
    assert row[:2] == ("done", 1) and "a passing fault" in row[2]
    listings = [p for _, _, p in queued(duban, OFFICE) if "/stuck" in p.get("text", "")]
    assert len(listings) == 1  # the retry answered once


async def test_a_malformed_frame_is_set_aside_where_stuck_lists_it(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    await standin.push_robot_message("manager4521", {"msgtype": "text", "text": {"x": 1}})

    def status() -> tuple | None:
        db = duban.db()
        try:
            return db.execute("SELECT status FROM inbox WHERE update_id = -1").fetchone()
        finally:
            db.close()

    await wait_until(lambda: status() == ("set_aside",))
    office = standin.phone(OFFICE, "办公室")
    await office.send("/stuck")
    listing = await said(duban, OFFICE, "已搁置")
    assert "重新处理" in str(listing)  # a replay button for it
    db = duban.db()
    try:
        statuses = db.execute("SELECT update_id, status FROM inbox ORDER BY update_id").fetchall()
    finally:
        db.close()
    assert statuses == [(-2, "done"), (-1, "set_aside")]


async def test_a_dingtalk_settings_administrator_cannot_redeem_an_invitation(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    office = standin.phone(OFFICE, "办公室")
    await office.send(f"绑定 {duban.invitation(Role.INSPECTOR, '办公室')}")
    await said(duban, OFFICE, t("zh", "invites.settings_admin_start_dingtalk"))
    admin = person(duban, OFFICE)
    assert admin is not None and admin.role is Role.ADMIN  # as an ADMIN_IDS user is kept


async def test_a_reply_button_comes_back_as_the_answer_typed(
    duban: Duban, standin: DingTalkStandIn
) -> None:
    phone, _ = await inspector_on_visit(duban, standin)
    await phone.tap_card("duban-3", {"text": "企业已整改", "reply": "企业已整改"})

    def findings() -> list[tuple]:
        db = duban.db()
        try:
            return db.execute("SELECT text FROM findings").fetchall()
        finally:
            db.close()

    await wait_until(lambda: findings() == [("企业已整改",)])  # as if typed in the visit


def test_a_folder_typed_as_a_value_is_text_not_a_command() -> None:
    """As Telegram marks a command (a bot_command entity at the start): /help, /item CODE
    and /start@bot CODE are commands; a folder typed into /settings (/srv/duban) is the
    value asked for, not the unknown command "/srv" (tests/scenarios/test_restore_drill.py
    types one on both platforms)."""
    for command in ("/help", "/item 2024-001", "/start@duban_bot CODE"):
        assert handlers.COMMAND.match(command), command
    for text in ("/srv/duban/backups", "/mnt/备份", "/home/office/duban"):
        assert not handlers.COMMAND.match(text), text
