"""The finding and evidence buttons, tapped through the registry with no sandbox.

bot/services/findings.py declares its buttons beside their functions (bot/actions.py):
each test here takes a button the service really made, resolves its token as the
dispatcher does and performs its action in one transaction (bot.runtime.work.run_work),
then reads what was queued. The same rules as the sandbox scenarios, in milliseconds: a
card's buttons lead to the declared actions with the right arguments, a token is spent
once, only inspectors pass the role pre-filter (with the words the service always used),
a file is shown again as the kind it was sent as, and "add evidence" opens the dialog the
next text or photo is taken by.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.chat import Sender, Tap
from bot.domain.audit import ActorKind, Origin
from bot.domain.items import Item, ItemFields
from bot.domain.lifecycle import Role
from bot.domain.visits import MediaIn
from bot.i18n import t
from bot.registry import ACTIONS
from bot.runtime.dispatch import perform
from bot.runtime.work import WorkEnv, run_work
from bot.services import findings
from storage import buttons, dialogs, ledger, people
from storage import evidence as evidence_store
from storage import visits as visit_store
from storage.db import open_database
from tests.report_seed import Seeded, _person, seed

INSPECTOR_TG, CONTACT_TG = 6101, 6102
ENV = WorkEnv(tz=ZoneInfo("Asia/Shanghai"), bot_username="duban_bot")


class Office:
    """A scratch database with tests/report_seed.py's ledger, an inspector on a visit at
    卓远半导体 (whose open item is "chip") and a contact of its lead unit."""

    def __init__(self, db: sqlite_utils.Database, now: datetime) -> None:
        self.db, self.now, self.updates = db, now, 0
        self.ledger: Seeded = seed(db, now)
        self.inspector = _person(db, "王督查", Role.INSPECTOR, None, INSPECTOR_TG)
        self.contact = _person(db, "赵联络", Role.CONTACT, "科技局", CONTACT_TG)
        company = visit_store.company_by_name(db, "卓远半导体")
        assert company is not None
        self.visit = visit_store.start_visit(
            db, company.id, self.inspector, now, platform="telegram"
        )

    def second_item(self) -> Item:
        """Another open item of 卓远半导体, so a finding there has two items to be tied to."""
        fields = ItemFields(
            problem="卓远半导体：厂房消防通道堵塞", company="卓远半导体", town="磨头镇"
        )
        origin = Origin(ActorKind.IMPORT, "sha-of-sheet", self.now)
        return ledger.create_item(self.db, fields, str(self.now.year), origin)

    def act(
        self,
        person_id: int,
        fn: Callable[..., object],
        *args: object,
        tap: Tap | None = None,
        **kwargs: object,
    ) -> None:
        """One update of ``person_id``'s, in its own transaction, as the runtime runs it."""
        self.updates += 1
        person = people.by_id(self.db, person_id)
        chat = person.address
        assert chat is not None
        run_work(
            self.db,
            fn,
            args,
            kwargs,
            env=ENV,
            at=self.now + timedelta(seconds=self.updates),
            lang="zh",
            chat=chat,
            person=person,
            update_id=None,
            sender=Sender(chat, person.name),
            source=f"test:{self.updates}",
            tap=tap,
        )

    def tap(self, person_id: int, token: str, message_id: int | None = None) -> Tap:
        """Tap a button as handlers/dispatch.py does: its stored action, its arguments."""
        press = buttons.resolve(self.db, token)
        assert press is not None
        tap = Tap(token, message_id)
        self.act(person_id, perform, ACTIONS.buttons[press.action], tap=tap, **press.payload)
        return tap

    def shown(self, tg: int) -> list[tuple[str, dict]]:
        """Every call queued for the chat of ``tg``, oldest first."""
        rows = self.db.execute("SELECT method, payload FROM outbox ORDER BY id").fetchall()
        calls = [(method, json.loads(payload)) for method, payload in rows]
        return [(method, payload) for method, payload in calls if payload["chat_id"] == tg]

    def last_text(self, tg: int) -> str:
        _, payload = self.shown(tg)[-1]
        return payload.get("text") or payload.get("caption", "")


def buttons_of(db: sqlite_utils.Database, payload: dict) -> dict[str, list[tuple[str, dict]]]:
    """A queued message's buttons, each resolved to its action and arguments."""
    found: dict[str, list[tuple[str, dict]]] = {}
    for row in payload.get("reply_markup", {}).get("inline_keyboard", []):
        for cell in row:
            press = buttons.resolve(db, cell["callback_data"])
            assert press is not None
            found.setdefault(press.action, []).append((press.token, press.payload))
    return found


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    db = open_database(tmp_path / "duban.sqlite")
    yield Office(db, datetime.now(UTC))
    db.close()


def finding_card(office: Office) -> tuple[int, dict]:
    """The inspector writes a finding; its id and the card that confirms it."""
    office.act(office.inspector, findings.visit_text, "企业反映研发费用加计扣除政策不清楚")
    (finding,) = visit_store.visit_findings(office.db, office.visit)
    ((method, card),) = office.shown(INSPECTOR_TG)
    assert method == "sendMessage"
    return finding.id, card


def test_a_cards_buttons_lead_to_the_declared_actions(office: Office) -> None:
    finding, card = finding_card(office)
    chip = office.ledger.ids["chip"]
    made = buttons_of(office.db, card)
    assert [arguments for _, arguments in made["finding.tie"]] == [
        {"finding": finding, "item": chip}
    ]
    for action in ("finding.new", "finding.later", "finding.withdraw"):
        assert [arguments for _, arguments in made[action]] == [{"finding": finding}]


def test_a_tie_is_made_once_and_a_second_tap_says_where_it_is(office: Office) -> None:
    second = office.second_item()
    finding, card = finding_card(office)
    ties = {
        arguments["item"]: token for token, arguments in buttons_of(office.db, card)["finding.tie"]
    }
    chip = office.ledger.ids["chip"]
    office.tap(office.inspector, ties[chip], message_id=41)
    tied = visit_store.get_finding(office.db, finding)
    assert tied is not None and tied.item_id == chip
    # The tapped message is rewritten in place (it is not the card's own message here).
    edits = [p for m, p in office.shown(INSPECTOR_TG) if m == "editMessageText"]
    assert [edit["message_id"] for edit in edits] == [41]
    assert "finding.move" in buttons_of(office.db, edits[0])

    # Another button of the first card moves it on; the spent one does not bring it back,
    # and says where the finding is now.
    office.tap(office.inspector, ties[second.id], message_id=41)
    again = office.tap(office.inspector, ties[chip], message_id=41)
    assert again.text == t("zh", "finding.already_tied", code=second.code)
    moved = visit_store.get_finding(office.db, finding)
    assert moved is not None and moved.item_id == second.id


def test_only_inspectors_pass_with_the_words_the_service_used(office: Office) -> None:
    finding, _ = finding_card(office)
    before = len(office.shown(CONTACT_TG))
    action = ACTIONS.buttons["finding.withdraw"]
    office.act(office.contact, perform, action, tap=Tap("forged"), finding=finding)
    assert office.last_text(CONTACT_TG) == t("zh", "visit.inspectors_only")
    assert len(office.shown(CONTACT_TG)) == before + 1
    still = visit_store.get_finding(office.db, finding)
    assert still is not None and not still.withdrawn


def test_a_file_is_shown_again_as_it_was_sent(office: Office) -> None:
    finding, _ = finding_card(office)
    photo = MediaIn(
        kind="photo",
        file_id="AgAD-photo",
        file_unique_id="uniq-1",
        size=2048,
        mime_type="image/jpeg",
        file_name=None,
        caption="",
        media_group_id=None,
        taken_at=office.now,
        platform="telegram",
    )
    evidence_store.add_evidence(
        office.db,
        media=photo,
        finding_id=finding,
        item_id=None,
        person_id=office.inspector,
        at=office.now,
        update_id=None,
    )
    office.act(office.inspector, findings.files_button, finding=finding)
    listing = office.shown(INSPECTOR_TG)[-1][1]
    ((show, arguments),) = buttons_of(office.db, listing)["evidence.show"]
    office.tap(office.inspector, show)
    method, sent = office.shown(INSPECTOR_TG)[-1]
    assert method == "sendPhoto" and sent["photo"] == "AgAD-photo"
    assert sent["caption"].startswith("拍摄于")
    assert set(buttons_of(office.db, sent)) == {"evidence.move", "evidence.withdraw"}
    assert arguments == {"evidence": evidence_store.of_finding(office.db, finding)[0].id}


def test_add_evidence_opens_the_dialog_and_a_closed_item_refuses(office: Office) -> None:
    attach = ACTIONS.buttons["item.attach"]
    chip, bearing = office.ledger.ids["chip"], office.ledger.ids["bearing"]
    office.act(office.inspector, perform, attach, tap=Tap("t1"), item=chip)
    dialog = dialogs.get(office.db, office.inspector)
    assert dialog is not None and dialog.state == "item.attach" and dialog.data["item"] == chip
    assert office.ledger.codes["chip"] in office.last_text(INSPECTOR_TG)

    office.act(office.inspector, perform, attach, tap=Tap("t2"), item=bearing)
    assert office.last_text(INSPECTOR_TG) == t("zh", "card.closed")

    office.act(office.contact, perform, attach, tap=Tap("t3"), item=chip)
    assert office.last_text(CONTACT_TG) == t("zh", "card.not_found")
    assert dialogs.get(office.db, office.contact) is None
