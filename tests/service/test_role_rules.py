"""The role pre-filter (bot/runtime/dispatch.py ``perform``) at the service level: the words
a refused person reads are the ones the services used before the checks moved into the
declarations, and a role taken away since a button was sent counts at the tap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.i18n import LANGUAGES, t
from storage import people
from tests.recording import Recording
from tests.report_seed import Seeded, _person, seed

# What /invite and /users answered anyone but an administrator (bot/domain/permissions.py
# NotAdmin), and what a visit's step answered anyone but an inspector (InspectorsOnly).
ADMINS_ONLY = "admin.only"
INSPECTORS_ONLY = "visit.inspectors_only"


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording.open(tmp_path / "duban.sqlite")
    yield recording
    recording.close()


@pytest.fixture
def ledger(recording: Recording) -> Seeded:
    return seed(recording.db, recording.now)


def table_counts(recording: Recording) -> dict[str, int]:
    """Rows per table, but for the ones every update touches (buttons, outbox, inbox)."""
    names = recording.db.table_names()
    skip = {"buttons", "outbox", "inbox", "sweep_state"}
    return {name: recording.db[name].count for name in names if name not in skip}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", [Role.CONTACT, Role.INSPECTOR, Role.LEADER])
def test_invite_and_users_are_refused_to_all_but_administrators(
    recording: Recording, role: Role, lang: str
) -> None:
    """A contact's (or inspector's, or leader's) /invite and /users get exactly the line
    the service answered before, and change nothing: no dialog, no invitation."""
    unit = "科技局" if role is Role.CONTACT else None
    person_id = _person(recording.db, "李联络", role, unit, 6102)
    people.set_language(recording.db, person_id, lang)
    desk = recording.desk(person_id)
    before = table_counts(recording)
    for command in ("/invite", "/users"):
        desk.send(command)
        refusal = desk.expect(t(lang, ADMINS_ONLY))
        assert refusal.text == t(lang, ADMINS_ONLY) and refusal.buttons == []
        desk.expect_nothing()
    assert table_counts(recording) == before


def test_an_administrator_may_invite(recording: Recording) -> None:
    """The pre-filter lets the role it names through: /invite asks which role to invite."""
    admin = recording.desk(_person(recording.db, "办公室管理员", Role.ADMIN, None, 9000))
    admin.send("/invite")
    choose = admin.expect(t("zh", "invite.choose_role"))
    assert len(choose.buttons) == len(Role)


def test_a_button_of_a_role_taken_away_is_refused(recording: Recording, ledger: Seeded) -> None:
    """An inspector offered companies to visit, made a contact before tapping one, is
    refused with the inspectors-only line, and no visit starts."""
    person_id = _person(recording.db, "王督查", Role.INSPECTOR, None, 6101)
    inspector = recording.desk(person_id)
    inspector.send("/visit 卓远")
    inspector.expect("匹配的企业")
    people.update_person(
        recording.db, person_id, {"role": Role.CONTACT.value}, Origin.cli(recording.now)
    )
    inspector.tap("卓远半导体（磨头镇）")
    refusal = inspector.expect(t("zh", INSPECTORS_ONLY))
    assert refusal.text == t("zh", INSPECTORS_ONLY)
    inspector.expect_nothing()
    assert recording.db["visits"].count == 0


def test_a_command_of_a_role_taken_away_is_refused(recording: Recording, ledger: Seeded) -> None:
    """The role is read at each update, not kept from the last: /visit after the change."""
    person_id = _person(recording.db, "王督查", Role.INSPECTOR, None, 6101)
    inspector = recording.desk(person_id)
    people.update_person(
        recording.db, person_id, {"role": Role.LEADER.value}, Origin.cli(recording.now)
    )
    inspector.send("/visit 卓远")
    assert inspector.expect(t("zh", INSPECTORS_ONLY)).text == t("zh", INSPECTORS_ONLY)
    inspector.expect_nothing()
