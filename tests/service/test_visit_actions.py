"""The visit's and the company place's actions, called as the dispatcher calls them.

No sandbox: each step is one ``perform`` of a declared action (bot/actions.py) on a Work of
a scratch database, and the assertions read what was queued. They pin what the move to
declared actions must keep: the refusals people saw before (a role check now made by the
decorator), the company-choice buttons used up by the visit they start, the location
keyboard asked for and taken away again, and a summary corrected while it still waits
that keeps taking the keyboard away.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.actions import Action
from bot.chat import Sender, Tap
from bot.domain.lifecycle import DomainError, Role
from bot.registry import ACTIONS
from bot.runtime.dispatch import perform
from bot.runtime.work import Work, WorkEnv
from bot.services import presence, visits
from storage import buttons, people
from storage import visits as visit_store
from storage.db import open_database
from tests.report_seed import _person, seed

INSPECTOR_TG, ADMIN_TG = 6101, 9000


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "duban.sqlite")
    seed(database, datetime.now(UTC))  # 卓远半导体 (磨头镇) has one open item
    yield database
    database.close()


def work_of(db: sqlite_utils.Database, tg: int, *, tap: Tap | None = None, update: int = 1) -> Work:
    """A Work for the registered person with this Telegram id, as the adapter makes it."""
    person = people.by_telegram_id(db, tg)
    assert person is not None and person.address is not None
    env = WorkEnv(tz=ZoneInfo("Asia/Shanghai"), bot_username="duban_bot")
    at = datetime.now(UTC) + timedelta(seconds=update)
    return Work(
        db,
        env,
        at,
        person.language,
        chat=person.address,
        person=person,
        update_id=update,
        sender=Sender(person.address, person.name),
        tap=tap,
    )


def queued(db: sqlite_utils.Database) -> list[tuple[str, str, dict]]:
    """Everything queued, oldest first: (method, outbox key, payload)."""
    rows = db.execute("SELECT method, dedup_key, payload FROM outbox ORDER BY id").fetchall()
    return [(method, key, json.loads(payload)) for method, key, payload in rows]


def declared_in(module: ModuleType) -> list[Action]:
    every = [*ACTIONS.commands.values(), *ACTIONS.buttons.values()]
    return [action for action in every if action.fn.__module__ == module.__name__]


def token_of(db: sqlite_utils.Database, label: str) -> str:
    """The token of the newest button labelled ``label``."""
    for _, _, payload in reversed(queued(db)):
        for row in payload.get("reply_markup", {}).get("inline_keyboard", []):
            for cell in row:
                if cell["text"] == label:
                    return cell["callback_data"]
    raise AssertionError(f"no button {label!r}")


def tap(db: sqlite_utils.Database, tg: int, label: str, update: int) -> Work:
    """Tap the newest button labelled ``label`` as handlers/dispatch.py resolves it."""
    press = buttons.resolve(db, token_of(db, label))
    assert press is not None
    work = work_of(db, tg, tap=Tap(press.token, 1), update=update)
    with db.atomic():
        perform(work, ACTIONS.buttons[press.action], **press.payload)
    return work


def test_the_visit_and_place_actions_are_declared_with_their_roles() -> None:
    assert {a.name for a in declared_in(visits)} == {
        "visit",
        "done",
        "visits",
        "visit.join",
        "visit.towns",
        "visit.town",
        "visit.company",
        "visit.new_company",
        "visit.new_company_town",
        "visit.done",
        "visit.arrived",
    }
    assert {a.name for a in declared_in(presence)} == {
        "company",
        "place.company",
        "place.set",
        "place.confirm",
        "place.reject",
    }


@pytest.mark.parametrize(
    ("module", "role", "refusal"),
    [
        (visits, Role.ADMIN, "visit.inspectors_only"),
        (visits, Role.CONTACT, "visit.inspectors_only"),
        (presence, Role.INSPECTOR, "admin.only"),
        (presence, Role.LEADER, "admin.only"),
    ],
)
def test_other_roles_are_refused_with_the_line_they_always_saw(
    db: sqlite_utils.Database, module: ModuleType, role: Role, refusal: str
) -> None:
    """The role checks moved from the services into the declarations; the words stay."""
    _person(db, "别人", role, "科技局" if role is Role.CONTACT else None, 7001)
    work = work_of(db, 7001)
    for action in declared_in(module):
        with pytest.raises(DomainError) as refused:
            perform(work, action)
        assert refused.value.key == refusal, action.name


def test_a_company_picked_starts_one_visit_and_asks_for_the_location(
    db: sqlite_utils.Database,
) -> None:
    inspector = _person(db, "王督查", Role.INSPECTOR, None, INSPECTOR_TG)
    with db.atomic():
        perform(work_of(db, INSPECTOR_TG), ACTIONS.commands["visit"], "卓远")
    tap(db, INSPECTOR_TG, "卓远半导体（磨头镇）", update=2)

    visit = visit_store.open_visit_of(db, inspector)
    assert visit is not None and visit.company == "卓远半导体"
    asked = queued(db)[-1][2]
    assert asked["reply_markup"]["keyboard"][0][0]["request_location"] is True

    # The same list tapped again starts nothing: the tap is told the visit is under way.
    again = tap(db, INSPECTOR_TG, "卓远半导体（磨头镇）", update=3)
    assert again.tap is not None and again.tap.alert and "卓远半导体" in (again.tap.text or "")
    assert len(visit_store.visits_of(db, inspector, 10)) == 1


def test_a_summary_corrected_while_it_waits_still_removes_the_location_keyboard(
    db: sqlite_utils.Database,
) -> None:
    inspector = _person(db, "王督查", Role.INSPECTOR, None, INSPECTOR_TG)
    _person(db, "办公室", Role.ADMIN, None, ADMIN_TG)
    company = visit_store.company_by_name(db, "卓远半导体")
    assert company is not None
    at = datetime.now(UTC)
    visit_id = visit_store.start_visit(db, company.id, inspector, at, platform="telegram")
    finding = visit_store.add_finding(
        db, visit_id=visit_id, item_id=None, person_id=inspector, text="现场", at=at, update_id=1
    )
    with db.atomic():
        perform(work_of(db, INSPECTOR_TG, update=2), ACTIONS.commands["done"])
    summaries = [(k, p) for m, k, p in queued(db) if k.startswith(f"visit-summary:{visit_id}:")]
    assert len(summaries) == 2  # the inspector's and the office's, both still waiting
    for _, payload in summaries:
        assert payload["reply_markup"] == {"remove_keyboard": True}

    visit_store.withdraw_finding(db, finding)
    visits.refresh_summary(work_of(db, INSPECTOR_TG, update=3), visit_id)
    for key, _ in summaries:
        rewritten = next(p for m, k, p in queued(db) if k == key)
        assert "已更正" in rewritten["text"] and "发现 0 条" in rewritten["text"]
        assert rewritten["reply_markup"] == {"remove_keyboard": True}
