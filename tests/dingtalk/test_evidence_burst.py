"""A burst of DingTalk pictures is on disk within seconds, each file fetched and stored once.

Ten inspectors on visits each send three pictures at the same moment (30 at once, as a
workshop's photos arrive). The downloader (bot/platforms/dingtalk/media.py) is woken as
each message is committed and fetches a few files at a time, so all thirty are kept well
before a job fetching 10 files every 5 s could have kept them (its third run comes 10 s
after its first). Each picture is fetched from DingTalk once (the stand-in counts), kept
under its own hash once, and vouched for once in the audit chain.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

from bot.domain.audit import AuditAction
from bot.domain.lifecycle import Role
from bot.domain.people import DINGTALK, dingtalk_address
from bot.platforms.media_files import media_path
from sandbox.dingtalk.phones import DingTalkPhone
from sandbox.dingtalk.server import DingTalkStandIn
from storage import people, visits
from tests.dingtalk.test_processor_scenarios import (  # noqa: F401
    duban,
    registered,
)
from tests.dingtalk.test_stream_standin import wait_until
from tests.harness import Duban

INSPECTORS = 10
PICTURES_EACH = 3
WITHIN = 8.0  # seconds; 10 files every 5 s would need at least 10


def _picture(staff_id: str, n: int) -> bytes:
    return b"\xff\xd8\xff\xe0 workshop photo " + f"{staff_id}-{n}".encode()


async def _inspectors_on_visits(bot: Duban, standin: DingTalkStandIn) -> list[DingTalkPhone]:
    phones = []
    for n in range(INSPECTORS):
        staff_id = f"inspector{n:02d}"
        phones.append(await registered(bot, standin, staff_id, f"督查{n}", Role.INSPECTOR))
    company = bot.seed_company("卓远半导体", "高新区")
    db = bot.db()
    try:
        for phone in phones:
            inspector = people.by_address(db, dingtalk_address(phone.staff_id))
            assert inspector is not None
            visits.start_visit(db, company, inspector.id, datetime.now(UTC), platform=DINGTALK)
    finally:
        db.close()
    return phones


def _evidence(bot: Duban) -> list[tuple[int, str, str, str | None]]:
    db = bot.db()
    try:
        return db.execute("SELECT id, file_id, stored, sha256 FROM evidence ORDER BY id").fetchall()
    finally:
        db.close()


def _stored_events(bot: Duban) -> list[int]:
    db = bot.db()
    try:
        rows = db.execute(
            "SELECT entity_id FROM audit_events WHERE entity = 'evidence' AND action = ?",
            [AuditAction.FILE_STORED],
        ).fetchall()
    finally:
        db.close()
    return sorted(row[0] for row in rows)


async def test_thirty_pictures_sent_at_once_are_stored_within_seconds_each_once(
    duban: Duban,  # noqa: F811
    standin: DingTalkStandIn,
) -> None:
    phones = await _inspectors_on_visits(duban, standin)
    sent: dict[str, bytes] = {}

    async def three(phone: DingTalkPhone) -> None:
        for n in range(PICTURES_EACH):
            data = _picture(phone.staff_id, n)
            sent[await phone.send_picture(data)] = data

    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(three(phone) for phone in phones))

    def all_stored() -> bool:
        rows = _evidence(duban)
        return len(rows) == len(sent) and all(row[2] == "stored" for row in rows)

    await wait_until(all_stored, within=WITHIN)
    took = asyncio.get_running_loop().time() - started
    assert took < WITHIN

    rows = _evidence(duban)
    assert {file_id for _, file_id, _, _ in rows} == set(sent)
    for _, code, _, sha256 in rows:
        assert sha256 == hashlib.sha256(sent[code]).hexdigest()
        assert media_path(duban.settings.media_dir, sha256).read_bytes() == sent[code]
    assert standin.state.fetched == {code: 1 for code in sent}  # each fetched once
    assert _stored_events(duban) == [row[0] for row in rows]  # each vouched for once
    on_disk = [path for path in duban.settings.media_dir.rglob("*") if path.is_file()]
    assert len(on_disk) == len(sent)  # one file each, no temporary left behind
