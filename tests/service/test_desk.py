"""The recording desk (tests/recording.py) on a small registry of its own: a command reaches
its function with the words after it, a tap its button's function with the stored
arguments and the message it sat under, and the refusals are the adapter's (an expired
button, someone else's, a role taken away, arguments the function no longer takes).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.actions import Registry
from bot.chat import Text
from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from bot.domain.permissions import NotAdmin
from bot.i18n import t
from storage import people
from tests.guards import fake_actions
from tests.recording import Recording
from tests.report_seed import _person

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    registry = Registry.collect([fake_actions])
    recording = Recording.open(tmp_path / "duban.sqlite", registry=registry)
    yield recording
    recording.close()


def test_a_command_and_a_tap_reach_their_functions(recording: Recording) -> None:
    inspector = recording.desk(_person(recording.db, "王督查", Role.INSPECTOR, None, 6101))
    inspector.send("/alpha")
    offer = inspector.expect("可用命令")
    assert isinstance(offer.message, Text) and [b.label for b in offer.buttons] == ["一"]
    inspector.tap("一")
    inspector.expect(f"picked:1:0:{offer.message_id}")
    assert inspector.answers == [t("zh", "lang.set")]


def test_a_command_takes_the_words_after_it_and_its_role_is_checked(
    recording: Recording,
) -> None:
    admin = recording.desk(_person(recording.db, "管理员", Role.ADMIN, None, 6100))
    contact = recording.desk(_person(recording.db, "李联络", Role.CONTACT, "科技局", 6102))
    admin.send("/beta 两个 词")
    admin.expect("beta:两个 词")
    contact.send("/beta 两个 词")
    refusal = contact.expect(t("zh", NotAdmin.key))
    assert refusal.text == t("zh", NotAdmin.key)
    contact.expect_nothing()


def test_a_button_of_a_role_taken_away_is_refused(recording: Recording) -> None:
    person_id = _person(recording.db, "王督查", Role.INSPECTOR, None, 6101)
    inspector = recording.desk(person_id)
    inspector.send("/alpha")
    inspector.expect("可用命令")
    people.update_person(recording.db, person_id, {"role": "contact"}, Origin.cli(recording.now))
    inspector.tap("一")
    inspector.expect(t("zh", "visit.inspectors_only"))
    inspector.expect_nothing()
    assert inspector.answers == []


def test_someone_elses_and_outdated_buttons_are_refused(recording: Recording) -> None:
    inspector = recording.desk(_person(recording.db, "王督查", Role.INSPECTOR, None, 6101))
    other = recording.desk(_person(recording.db, "张督查", Role.INSPECTOR, None, 6103))
    inspector.send("/alpha")
    (button,) = inspector.expect("可用命令").buttons
    other.press(button.token)  # forged: the other inspector's phone never showed it
    assert other.answers == [t("zh", "error.button_not_yours")]
    recording.db.execute(
        "UPDATE buttons SET payload = '{\"itme\": 1}' WHERE token = ?", [button.token]
    )
    inspector.tap("一")  # made by an older version whose function took other arguments
    assert inspector.answers == [t("zh", "error.button_expired")]
    inspector.expect_nothing()


def test_the_desk_and_every_service_load_without_telegram() -> None:
    """The services, the registry and the desk import no part of python-telegram-bot: a
    second platform's adapter can drive them as the desk does."""
    check = "import sys, tests.recording, bot.registry; sys.exit('telegram' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], cwd=ROOT).returncode == 0
