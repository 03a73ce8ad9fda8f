"""An item as it stood at a past moment: which moment a period's picture takes, and how each
kind of change recorded since is undone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.as_of import PastEvent, ReplacedDeadline, item_as_of, item_cutoff, last_day
from bot.domain.items import Item
from bot.domain.lifecycle import Status

CREATED = datetime(2024, 2, 1, tzinfo=UTC)
PERIOD_END = datetime(2024, 12, 31, 16, 0, tzinfo=UTC)  # 2025-01-01 00:00 in China
TZ = ZoneInfo("Asia/Shanghai")


def _item(**changes: object) -> Item:
    values: dict = {
        "id": 1,
        "code": "2024-001",
        "period": "2025",
        "problem": "高企培育不足（已改写）",
        "unit": "科技局",
        "unit_id": 1,
        "co_unit_ids": frozenset(),
        "company_id": None,
        "deadline": date(2025, 6, 30),
        "deadline_text": "2025-06-30",
        "status": Status.CLOSED,
        "manual_level": "red",
        "joint_meeting": True,
        "needs_review": False,
        "inspector_ids": frozenset({8}),
        "created_at": CREATED,
        "last_activity_at": datetime(2025, 3, 2, tzinfo=UTC),
        "closed_at": datetime(2025, 3, 2, tzinfo=UTC),
    }
    return Item(**(values | changes))


def _at(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, 2, 0, tzinfo=UTC)


def test_the_period_end_when_the_item_rolled_out_after_it() -> None:
    assert item_cutoff(CREATED, _at(1, 6), PERIOD_END) == PERIOD_END


def test_the_roll_when_it_came_before_the_period_end() -> None:
    """压茬推进: a roll in November moves the item on; its 2024 picture is of that moment."""
    rolled = _at(11, 15, 2024)
    assert item_cutoff(CREATED, rolled, PERIOD_END) == rolled


def test_now_for_an_item_of_a_running_period() -> None:
    assert item_cutoff(CREATED, None, None) is None


def test_an_item_entered_after_its_period_ended_is_not_unmade() -> None:
    """A late import into 2024 (in 2025) is shown as of when it left, or as it is now."""
    late = _at(2, 1)
    assert item_cutoff(late, None, PERIOD_END) is None
    assert item_cutoff(late, _at(3, 1), PERIOD_END) == _at(3, 1)


def test_changes_after_the_cutoff_are_undone_newest_first() -> None:
    events = [
        PastEvent("created", CREATED, {}, {"problem": "高企培育不足"}),
        PastEvent("log_activity", _at(11, 20, 2024), {"status": "open"}, {"status": "in_progress"}),
        PastEvent("rolled_over", _at(1, 6), {"period_id": 1}, {"period_id": 2}),
        PastEvent("sheet_updated", _at(2, 1), {"problem": "高企培育不足"}, {"problem": "改写"}),
        PastEvent("escalated", _at(2, 2), {"manual_level": "none", "joint_meeting": False}, {}),
        PastEvent("inspector_assigned", _at(2, 3), {}, {"person_id": 8}),
        PastEvent("inspector_unassigned", _at(2, 4), {"person_id": 5}, {}),
        PastEvent(
            "request_close", _at(3, 2), {"status": "in_progress"}, {"status": "close_requested"}
        ),
        PastEvent("approve_close", _at(3, 2), {"status": "close_requested"}, {"status": "closed"}),
    ]
    deadlines = [ReplacedDeadline(date(2024, 10, 31), "10月底前", _at(2, 10))]
    past = item_as_of(_item(), events, deadlines, PERIOD_END, period="2024")
    assert past.period == "2024"
    assert (past.status, past.closed_at) == (Status.IN_PROGRESS, None)
    assert past.problem == "高企培育不足"
    assert (past.manual_level, past.joint_meeting) == ("none", False)
    assert past.inspector_ids == frozenset({5})
    assert (past.deadline, past.deadline_text) == (date(2024, 10, 31), "10月底前")
    assert past.last_activity_at == _at(11, 20, 2024)


def test_an_item_closed_then_reopened_later_is_closed_with_its_close_time() -> None:
    """A look-back reopened it after the period: in the period it was closed, since then."""
    closed = _at(9, 10, 2024)
    events = [
        PastEvent("approve_close", closed, {"status": "close_requested"}, {"status": "closed"}),
        PastEvent("lookback_reopen", _at(4, 1), {"status": "closed"}, {"status": "open"}),
    ]
    now = _item(status=Status.OPEN, closed_at=None)
    past = item_as_of(now, events, [], PERIOD_END, period="2024")
    assert (past.status, past.closed_at) == (Status.CLOSED, closed)


def test_an_extension_after_the_cutoff_gives_back_a_monthly_rhythm() -> None:
    """An extension turns 每月 into a date; before it, the item was due every month."""
    events = [PastEvent("extended", _at(2, 1), {"deadline": None}, {"deadline": "2025-06-30"})]
    deadlines = [ReplacedDeadline(None, "每月", _at(2, 1))]
    past = item_as_of(_item(), events, deadlines, PERIOD_END, period="2024")
    assert (past.deadline, past.deadline_text, past.recurring) == (None, "每月", "monthly")


def test_no_cutoff_keeps_the_item_as_it_is() -> None:
    now = _item()
    assert item_as_of(now, [], [], None, period="2025") == now


def test_the_last_day_of_a_cutoff_at_local_midnight_is_the_day_before() -> None:
    assert last_day(PERIOD_END, TZ) == date(2024, 12, 31)
    assert last_day(_at(1, 6), TZ) == date(2025, 1, 6)
