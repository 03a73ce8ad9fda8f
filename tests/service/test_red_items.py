"""/red, the leaders' list of red items (bot/services/mine.py), at the service level: the
README's example of a command that is one declared function and its catalogue strings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import local_day
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.i18n import t
from bot.registry import ACTIONS
from storage import leader_units
from storage.ledger import get_item
from tests.recording import SHANGHAI, Recording
from tests.report_seed import Seeded, _person, seed


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording.open(tmp_path / "duban.sqlite")
    yield recording
    recording.close()


@pytest.fixture
def ledger(recording: Recording) -> Seeded:
    """The seed's six items; "fund" made red by time (45 days overdue), "ip" (due in 90
    days) raised to red by hand, "chip" 10 days overdue and so still yellow."""
    seeded = seed(recording.db, recording.now)
    today = local_day(recording.now, SHANGHAI)  # the office's day, not UTC's
    long_ago = (today - timedelta(days=45)).isoformat()
    recording.db.execute(
        "UPDATE items SET deadline = ? WHERE id = ?", [long_ago, seeded.ids["fund"]]
    )
    recording.db.execute("UPDATE items SET manual_level = 'red' WHERE id = ?", [seeded.ids["ip"]])
    return seeded


def test_a_leader_sees_every_red_item_most_overdue_first(
    recording: Recording, ledger: Seeded
) -> None:
    """Red by time shows how long it is overdue, red by hand its deadline; yellow and closed
    items stay out; each line has a button that opens the item's card."""
    leader = recording.desk(_person(recording.db, "陈主任", Role.LEADER, None, 6201))
    leader.send("/red")
    shown = leader.expect("红色督办事项（2）")
    lines = shown.text.split("\n")[1:]
    assert ledger.codes["fund"] in lines[0] and "逾期 45 天" in lines[0] and "财政局" in lines[0]
    assert ledger.codes["ip"] in lines[1] and "时限 " in lines[1]
    for label in ("chip", "valve", "bearing", "machine"):
        assert ledger.codes[label] not in shown.text
    assert len(shown.buttons) == 2
    leader.tap(shown.buttons[0].label)
    leader.expect(ledger.codes["fund"])


def test_a_leader_sees_the_units_he_oversees_first(recording: Recording, ledger: Seeded) -> None:
    """A leader with 分管 units finds their red items at the top, starred as on his
    dashboard picture, even when another unit's item is longer overdue."""
    db = recording.db
    db.execute("UPDATE items SET manual_level = 'red' WHERE id = ?", [ledger.ids["chip"]])
    chen = _person(db, "陈主任", Role.LEADER, None, 6201)
    chip = get_item(db, ledger.ids["chip"])
    leader_units.add(db, chen, chip.unit_id, Origin.cli(recording.now))
    leader = recording.desk(chen)
    leader.send("/red")
    lines = leader.expect("红色督办事项（3）").text.split("\n")[1:]
    assert lines[0].startswith("★")
    assert ledger.codes["chip"] in lines[1] and "★ 科技局" in lines[1]
    assert ledger.codes["fund"] in lines[2] and "★" not in lines[2]


def test_nothing_red_is_said_plainly(recording: Recording) -> None:
    seed(recording.db, recording.now)
    admin = recording.desk(_person(recording.db, "办公室", Role.ADMIN, None, 6202))
    admin.send("/red")
    admin.expect(t("zh", "red.none"))


@pytest.mark.parametrize("role", [Role.CONTACT, Role.INSPECTOR])
def test_contacts_and_inspectors_are_told_it_is_not_for_them(
    recording: Recording, ledger: Seeded, role: Role
) -> None:
    unit = "科技局" if role is Role.CONTACT else None
    desk = recording.desk(_person(recording.db, "李联络", role, unit, 6203))
    desk.send("/red")
    refusal = desk.expect(t("zh", "red.office_only"))
    assert refusal.buttons == []


def test_red_is_in_the_menus_of_leaders_and_administrators_only() -> None:
    """The declaration alone puts /red in the menus (and /help) of the roles it names."""
    for role in Role:
        names = [action.name for action in ACTIONS.menu(role)]
        assert ("red" in names) == (role in (Role.LEADER, Role.ADMIN)), role
