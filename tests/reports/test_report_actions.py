"""The report, export, history and import actions at the service level, without a chat:
their role pre-filters, menus edited where the button was tapped, photo albums and built
files as neutral messages (rendered for Telegram by the one renderer), a file over the
upload limit never queued."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from bot.builders import runner, timeline
from bot.builders.build import Result, album, document
from bot.chat import Sender, Tap
from bot.domain.lifecycle import DomainError, Role
from bot.domain.people import Person, telegram_address
from bot.registry import ACTIONS
from bot.runtime.dispatch import perform
from bot.runtime.work import Work, WorkEnv
from bot.services import delivery, history
from storage import report_jobs
from storage.db import open_database

CHAT = 7001
NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "duban.sqlite")
    database["people"].insert(
        {"id": 1, "name": "办公室", "role": "admin", "created_at": NOW.isoformat()}
    )
    yield database
    database.close()


def work_for(db: sqlite_utils.Database, role: Role, tap: Tap | None = None) -> Work:
    """The Work of one update (a tap is the next update: its own outbox keys)."""
    person = Person(1, "telegram", str(CHAT), "办公室", role, None, None, "zh", True)
    env = WorkEnv(tz=ZoneInfo("Asia/Shanghai"), bot_username="duban_bot")
    chat = telegram_address(CHAT)
    update = 1 if tap is None else 2
    return Work(db, env, NOW, "zh", chat, person, update, Sender(chat, "办公室"), tap=tap)


def queued(db: sqlite_utils.Database) -> list[tuple[str, dict]]:
    rows = db.execute("SELECT method, payload FROM outbox ORDER BY id").fetchall()
    return [(method, json.loads(payload)) for method, payload in rows]


def stored_buttons(db: sqlite_utils.Database) -> dict[str, tuple[str, dict]]:
    """Every button made so far, by its label: its action and payload."""
    rows = db.execute(
        "SELECT b.token, b.action, b.payload FROM buttons b ORDER BY b.rowid"
    ).fetchall()
    labels = {}
    for _, payload in queued(db):
        markup = payload.get("reply_markup", {}).get("inline_keyboard", [])
        labels |= {b["callback_data"]: b["text"] for row in markup for b in row}
    return {labels[token]: (action, json.loads(data)) for token, action, data in rows}


@pytest.mark.parametrize("role", [Role.CONTACT, Role.INSPECTOR])
def test_export_is_refused_to_those_outside_the_office(db, role: Role) -> None:
    """The command's role pre-filter answers with the words /export always had."""
    with pytest.raises(DomainError) as refused:
        perform(work_for(db, role), ACTIONS.commands["export"])
    assert refused.value.key == "report.not_allowed"
    assert queued(db) == []


def test_a_menu_button_edits_the_menu_it_sat_under(db) -> None:
    """/report sends the menu; tapping its "period" button rewrites that very message with
    the same payload keys the buttons have always stored."""
    perform(work_for(db, Role.ADMIN), ACTIONS.commands["report"], "")
    ((method, _),) = queued(db)
    assert method == "sendMessage"
    made = list(stored_buttons(db).values())
    assert {action for action, _ in made} == {
        "report.choose",
        "report.pick",
        "report.units",
        "report.go",
        "report.ranking",
    }
    action, payload = made[0]  # the first period
    assert action == "report.choose"
    assert set(payload) == {"period", "area", "town", "unit"}

    tapped = work_for(db, Role.ADMIN, Tap("t", message_id=55))
    perform(tapped, ACTIONS.buttons[action], **payload)
    method, edit = queued(db)[-1]
    assert method == "editMessageText" and edit["message_id"] == 55
    assert edit["chat_id"] == CHAT and edit["reply_markup"]["inline_keyboard"]


def test_eleven_photos_go_as_two_even_albums(db, monkeypatch) -> None:
    """/history's photos: 11 become albums of 6 and 5, each picture with its caption."""
    item = SimpleNamespace(id=9, code="2026-009")
    photos = [timeline.Photo(n, f"file-{n}", None, f"照片{n}", NOW, "王督查") for n in range(11)]
    monkeypatch.setattr(history, "_item", lambda work, item_id: item)
    monkeypatch.setattr(history.timeline, "photos", lambda db, item_id: photos)
    history.album(work_for(db, Role.ADMIN), 9)
    sent = queued(db)
    assert [method for method, _ in sent] == ["sendMediaGroup", "sendMediaGroup"]
    assert [len(payload["media"]) for _, payload in sent] == [6, 5]
    first = sent[0][1]["media"][0]
    assert first["media"] == "file-0" and "照片0" in first["caption"]


def _job(db: sqlite_utils.Database) -> int:
    return report_jobs.create(
        db,
        kind="export",
        person_id=1,
        chat=telegram_address(CHAT),
        language="zh",
        params={},
        at=NOW,
        update_id=None,
    )


def test_built_files_are_sent_from_disk(db, tmp_path: Path) -> None:
    """The runner's result: the text, a document under its own name and photos as an
    album, each read from disk when sent."""
    sheet = tmp_path / "export.xlsx"
    sheet.write_bytes(b"x" * 10)
    charts = [tmp_path / f"chart{n}.png" for n in range(3)]
    for chart in charts:
        chart.write_bytes(b"png")
    result = Result("导出完成", sends=[document(sheet, "说明", "督办.xlsx"), *album(charts, "图")])
    job_id = _job(db)
    runner.deliver(work_for(db, Role.ADMIN), job_id, result)
    (text, doc, charts_sent) = queued(db)
    assert text == ("sendMessage", text[1]) and text[1]["text"] == "导出完成"
    assert doc[0] == "sendDocument"
    assert doc[1]["document"] == {"path": str(sheet), "filename": "督办.xlsx"}
    assert doc[1]["caption"] == "说明"
    assert charts_sent[0] == "sendMediaGroup"
    media = charts_sent[1]["media"]
    assert [m["media"] for m in media] == [{"path": str(c)} for c in charts]
    assert media[0]["caption"] == "图" and "caption" not in media[1]
    assert report_jobs.get(db, job_id).status == "done"


def test_a_file_over_the_upload_limit_is_told_not_queued(db, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(delivery, "UPLOAD_LIMIT", 5)
    big = tmp_path / "dossier.pdf"
    big.write_bytes(b"x" * 10)
    job_id = _job(db)
    runner.deliver(work_for(db, Role.ADMIN), job_id, Result("好了", sends=[document(big)]))
    methods = [method for method, _ in queued(db)]
    assert "sendDocument" not in methods
    told = [payload["text"] for method, payload in queued(db) if method == "sendMessage"]
    assert any("dossier.pdf" in text for text in told)
