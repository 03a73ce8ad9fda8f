"""The chat's /history and the export's 事项历史 sheet are laid out from the one assembler
(bot/builders/timeline.py): for the same item they list the same events, in the same order,
at the same minute, by the same people, with the same words people wrote."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.builders.build import BuildContext
from bot.builders.export_job import build_export
from bot.domain.lifecycle import Role
from bot.domain.people import telegram_address
from bot.i18n import t
from bot.runtime.work import Work, WorkEnv
from bot.services.history import render_timeline
from storage import people
from storage.db import open_database
from storage.ledger import get_item
from storage.report_jobs import ReportJob
from tests.report_seed import _person, add_full_history, seed

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 3, 1, 0, tzinfo=UTC)
_DAY = re.compile(r"^<b>(\d{4}-\d{2}-\d{2})</b>$")
_EVENT = re.compile(r"^(\d{2}:\d{2}) (.*)$")


@pytest.fixture
def world(tmp_path: Path):
    db = open_database(tmp_path / "duban.sqlite")
    seeded = seed(db, NOW)
    ids = {
        role: _person(db, name, role, unit, tg)
        for role, name, unit, tg in (
            (Role.INSPECTOR, "王督查", None, 101),
            (Role.CONTACT, "赵联络", "科技局", 102),
            (Role.ADMIN, "办公室", None, 103),
        )
    }
    add_full_history(
        db,
        seeded.ids["chip"],
        NOW,
        inspector_id=ids[Role.INSPECTOR],
        contact_id=ids[Role.CONTACT],
        admin_id=ids[Role.ADMIN],
        admin_tg=103,
        photo_file_ids=[f"photo{n}" for n in range(2)],
        media_dir=tmp_path / "media",
    )
    context = BuildContext(tmp_path / "duban.sqlite", tmp_path / "media", TZ, NOW)
    return db, context, seeded.ids["chip"], ids[Role.ADMIN]


def _chat_entries(db, item_id: int, admin_id: int, lang: str) -> list[tuple[str, str]]:
    """(local minute, line as read) for each event line of /history, in order."""
    person = people.by_id(db, admin_id)
    work = Work(db, WorkEnv(TZ, "duban_bot"), NOW, lang, None, person)
    day, entries = "", []
    for line in "\n".join(render_timeline(work, get_item(db, item_id))).split("\n"):
        if found := _DAY.match(line):
            day = found.group(1)
        elif day and (found := _EVENT.match(line)):
            entries.append((f"{day} {found.group(1)}", html.unescape(found.group(2))))
    return entries


def _sheet_rows(db, context: BuildContext, admin_id: int, code: str, lang: str) -> list[tuple]:
    job = ReportJob(
        1, "export", admin_id, telegram_address(1), lang, {"filter": {}}, "pending", 0, NOW
    )
    result = build_export(context, job, db)
    path = Path(result.sends[0].path)
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    history = book[t(lang, "export.history_sheet")]
    return [row for row in history.iter_rows(min_row=2, values_only=True) if row[0] == code]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chat_and_workbook_tell_the_same_history(world, lang: str) -> None:
    db, context, item_id, admin_id = world
    code = get_item(db, item_id).code
    chat = _chat_entries(db, item_id, admin_id, lang)
    sheet = _sheet_rows(db, context, admin_id, code, lang)

    assert len(chat) >= 10  # every kind of event: visit, progress, extension, close-outs…
    assert len(sheet) == len(chat)
    for (minute, line), (_, when, who, what, detail) in zip(chat, sheet, strict=True):
        assert when == minute
        assert (who or "") in line  # the same person (or the import, the system)
        if line.startswith(what):  # an audited change: the chat's sentence, fields aside
            continue
        assert line[0] == what[0]  # the same kind of event (its mark)
        assert detail and detail in line  # what people wrote, word for word


def test_a_typed_text_reaches_both_in_the_same_words(world) -> None:
    """Markup-like text is escaped for the chat and plain in the workbook: the same words."""
    db, context, item_id, admin_id = world
    typed = "设备<未到位> & 验收"
    db.execute("UPDATE findings SET text = ? WHERE item_id = ?", [typed, item_id])
    code = get_item(db, item_id).code
    chat = _chat_entries(db, item_id, admin_id, "zh")
    sheet = _sheet_rows(db, context, admin_id, code, "zh")
    assert any(typed in line for _, line in chat)
    assert typed in [row[4] for row in sheet]
