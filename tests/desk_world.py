"""A desk's database for ``duban export`` and ``duban list`` tests: the report ledger with
one full history, and an item of an older period."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.audit import Origin
from bot.domain.items import ItemFields
from storage import ledger
from storage.db import open_database
from tests.desk import at_the_desk
from tests.report_seed import add_full_history, seed

PHOTOS = ["photo-1", "photo-2", "photo-3"]


def desk_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The report ledger (six items this year, 磨头镇's 卓远半导体 with a full history and
    three stored photos) and one item of an older period in 磨头镇; returns codes by label."""
    database = at_the_desk(monkeypatch, tmp_path)
    db = open_database(database)
    now = datetime.now(UTC)
    people = {}
    for name, role, tg in (
        ("王督查", "inspector", 1),
        ("赵联络", "contact", 2),
        ("办公室", "admin", 3),
    ):
        row = {"account": str(tg), "name": name, "role": role, "language": "zh"}
        people[role] = db["people"].insert({**row, "created_at": now.isoformat()}).last_pk
    seeded = seed(db, now)
    add_full_history(
        db,
        seeded.ids["chip"],
        now,
        inspector_id=people["inspector"],
        contact_id=people["contact"],
        admin_id=people["admin"],
        admin_tg=3,
        photo_file_ids=PHOTOS,
        media_dir=tmp_path / "media",
    )
    origin = Origin.cli(now)
    ledger.ensure_period(db, "2019", 2019, origin)
    old = ItemFields(problem="旧批次：孵化器建设缓慢", unit="科技局", town="磨头镇")
    codes = dict(seeded.codes)
    codes["old"] = ledger.create_item(db, old, "2019", origin).code
    codes["this_year"] = str(now.year)
    db.close()
    return codes
