"""A picture is fetched from the platform it was sent on, wherever its sender writes next
(issue 16; migration 0024_evidence_platform).

An inspector with a Telegram and a DingTalk account sends a picture on DingTalk and at once
types on Telegram. Messages now go to Telegram (the account they last wrote from), but the
picture's downloadCode is DingTalk's: only DingTalk's downloader can fetch it. Before each
evidence row recorded its platform, the downloaders read it from the sender's platform, so
the picture went to Telegram's job (getFile refuses a downloadCode) and was never kept.

DingTalk's file download fails at first here, as it does in a network hiccup, so the
picture is still pending when the Telegram message lands: the order the flaw needed.
"""

from __future__ import annotations

import hashlib

from bot.domain.audit import AuditAction
from bot.domain.lifecycle import Role
from bot.domain.people import telegram_address
from bot.platforms.media_files import media_path
from sandbox.dingtalk.incoming import keep_file
from sandbox.dingtalk.server import DingTalkStandIn
from storage import people
from tests.dingtalk.test_people_both_platforms import duban  # noqa: F401
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import Duban

INSPECTOR = 5311  # 王督查's Telegram id
STAFF_ID = "wang5311"  # and their DingTalk staff id, linked from /users
PICTURE = b"\xff\xd8\xff\xe0 the lab's equipment room, empty"
RETRIED_WITHIN = 25.0  # seconds: DingTalk's first failed try is retried after 10 s


def _evidence(bot: Duban) -> list[tuple[int, str, str, str | None, int]]:
    db = bot.db()
    try:
        return db.execute(
            "SELECT id, file_id, stored, sha256, download_attempts FROM evidence ORDER BY id"
        ).fetchall()
    finally:
        db.close()


def _reached_at(bot: Duban):  # type: ignore[no-untyped-def]
    db = bot.db()
    try:
        person = people.by_address(db, telegram_address(INSPECTOR))
        assert person is not None
        return person.address
    finally:
        db.close()


def _stored_events(bot: Duban) -> int:
    db = bot.db()
    try:
        return db.execute(
            "SELECT count(*) FROM audit_events WHERE entity = 'evidence' AND action = ?",
            [AuditAction.FILE_STORED],
        ).fetchone()[0]
    finally:
        db.close()


async def test_a_dingtalk_picture_is_fetched_from_dingtalk_after_its_sender_writes_on_telegram(
    duban: Duban,  # noqa: F811
    standin: DingTalkStandIn,
) -> None:
    duban.seed_company("万达轴承", "吴窑镇")
    inspector = await duban.register(INSPECTOR, "王督查", Role.INSPECTOR)
    admin = duban.admin()
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("王督查 · 督查人员 · Telegram")
    await admin.expect("平台：Telegram")
    await admin.tap("🔗 连接钉钉账号")
    invite = await admin.expect("连接钉钉账号的邀请")
    code = invite.text.split("绑定 ", 1)[1].split("」", 1)[0]
    phone = standin.phone(STAFF_ID, "王督查")
    await phone.send(f"绑定 {code}")
    await phone.expect("已连接")

    await inspector.send("/visit 万达")
    await inspector.expect("匹配的企业")
    await inspector.tap("万达轴承（吴窑镇）")
    await inspector.expect("走访中")

    # The picture on DingTalk, whose file DingTalk cannot hand out yet.
    download_code = keep_file(standin, "picture.jpg", PICTURE)
    with standin.state.lock:
        kept = standin.state.files.pop(download_code)
    await standin.push_robot_message(
        STAFF_ID,
        {
            "msgtype": "picture",
            "content": {"downloadCode": download_code, "pictureDownloadCode": download_code},
        },
    )
    await phone.expect("照片 1 张")
    await wait_until(lambda: [row[4] for row in _evidence(duban)] == [1])  # tried, failed

    # At once, the inspector types on Telegram: the bot now writes to them there.
    await inspector.send("/help")
    await inspector.expect("可用命令")
    assert _reached_at(duban) == telegram_address(INSPECTOR)
    assert duban.runtime is not None
    await duban.runtime.run_job("evidence.download")  # Telegram's downloads: not its file

    # DingTalk hands the file out again: its downloader fetches it on its retry.
    with standin.state.lock:
        standin.state.files[download_code] = kept
    await wait_until(lambda: _evidence(duban)[0][2] == "stored", within=RETRIED_WITHIN)

    ((_, file_id, stored, sha256, _),) = _evidence(duban)
    assert (file_id, stored) == (download_code, "stored")
    assert sha256 == hashlib.sha256(PICTURE).hexdigest()
    assert media_path(duban.settings.media_dir, sha256).read_bytes() == PICTURE
    on_disk = [path for path in duban.settings.media_dir.rglob("*") if path.is_file()]
    assert len(on_disk) == 1  # stored once
    assert standin.state.fetched == {download_code: 1}  # fetched from DingTalk once
    assert _stored_events(duban) == 1  # vouched for once in the audit chain
    asked = duban.sandbox.state.calls_to("getFile")
    assert all(call["params"].get("file_id") != download_code for call in asked)
    assert _reached_at(duban) == telegram_address(INSPECTOR)  # still reached on Telegram
