"""/stuck with many set-aside updates from senders with the longest names Telegram allows,
and long errors: the list still fits in one message and says how many more there are."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import inbox
from tests.harness import Duban, office

FIRST_ID = 50_000_000  # far above the sandbox's update ids: no clash with real updates


def set_aside_many(duban: Duban, count: int) -> None:
    """``count`` updates that failed every attempt, each as long-winded as it can be."""
    now = datetime.now(UTC)
    db = duban.db()
    try:
        for n in range(count):
            update_id = FIRST_ID + n
            sender = {
                "id": 6_000_000_000 + n,
                "is_bot": False,
                "first_name": "长" * 64,
                "last_name": "名" * 64,
                "username": "u" * 31 + str(n % 10),
            }
            raw = {
                "update_id": update_id,
                "message": {"message_id": n + 1, "from": sender, "text": "很长的消息" * 800},
            }
            inbox.save_updates(db, [raw], now)
            error = f"RuntimeError('{'失败原因' * 600}')"
            inbox.mark_failed(db, update_id, error, now, final=True)
    finally:
        db.close()


async def test_long_stuck_list_fits_one_message(duban: Duban) -> None:
    """Twelve set-aside updates with 128-character names and 2 000-character errors: /stuck
    answers within Telegram's 4 096 characters, lists eight, each with its replay button,
    and says four more wait."""
    admin = await office(duban)
    set_aside_many(duban, 12)
    await admin.send("/stuck")
    listing = await admin.expect("已搁置")
    assert len(listing.text) <= 4096, len(listing.text)
    assert "另有 4 条" in listing.text
    assert [label for label in listing.buttons if label.startswith("🔁")] == [
        f"🔁 重新处理 #{FIRST_ID + n}" for n in range(8)
    ]
    assert "长" * 64 in listing.text and "…" in listing.text
