"""A stuck DingTalk outbox (issue 17): the administrator on DingTalk is told straight
through DingTalk's client, past the outbox the notice is about, once; the administrator on
Telegram gets the same notice through Telegram's outbox, which is moving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.chat import Address
from bot.clock import FakeClock
from bot.domain.audit import Origin
from bot.jobs.health_alerts import watch_health
from sandbox.dingtalk.server import DingTalkStandIn
from storage import outbox, people
from tests.dingtalk.outbox_kit import dingtalk_kit


async def test_a_stuck_dingtalk_outbox_is_told_past_it(
    standin: DingTalkStandIn, tmp_path: Path
) -> None:
    phone = standin.phone("admin0042", "Alice")
    clock = FakeClock(datetime.now(UTC))
    async with dingtalk_kit(standin, tmp_path) as kit:
        kit.services.clock = clock
        kit.services.dingtalk_api = kit.sender.api
        now = clock.now()

        def stuck(db) -> None:  # type: ignore[no-untyped-def]
            origin = Origin.system(now, "test")
            people.ensure_admin(db, Address("dingtalk", phone.staff_id), "Alice", "en", origin)
            outbox.enqueue(
                db,
                key="refused",
                to=Address("dingtalk", "manager4521"),
                method="markdown",
                payload={"title": "t", "text": "x"},
                at=now,
            )
            db.execute(
                "UPDATE outbox SET failing_since = ?, not_before = ? WHERE dedup_key = 'refused'",
                [(now - timedelta(minutes=20)).isoformat(), (now + timedelta(hours=1)).isoformat()],
            )

        await kit.store.run(stuck)
        await watch_health(kit.services)
        clock.advance(timedelta(minutes=1))
        await watch_health(kit.services)
        await phone.expect("⚠️ Health alert: DingTalk outbox: 1 message due")

        def queued(db) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
            rows = db.execute("SELECT platform, chat, payload FROM outbox ORDER BY id")
            return [(platform, chat, payload) for platform, chat, payload in rows]

        rows = await kit.store.run(queued)
        assert [(platform, chat) for platform, chat, _ in rows] == [
            ("dingtalk", "manager4521"),  # the stuck one, alone on DingTalk
            ("telegram", "9000"),  # the Telegram admin's notice, in Telegram's outbox
        ]
        assert "运行异常：钉钉 待发消息" in rows[1][2]

        clock.advance(timedelta(minutes=1))
        await watch_health(kit.services)
        assert len([r for r in phone.received() if "Health alert" in r.text]) == 1
