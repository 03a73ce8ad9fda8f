"""``duban company``: the office at its desk sees and sets a company's coordinates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.domain.audit import Origin
from bot.domain.presence import Point
from storage import ledger, presence
from storage import visits as visit_store
from storage.db import open_database
from tests.desk import at_the_desk

AT = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with 力威机械 (no coordinates yet) and one visit 3.1 km east of it."""
    path = at_the_desk(monkeypatch, tmp_path)
    db = open_database(path)
    origin = Origin.cli(AT)
    with db.atomic():
        town = ledger.ensure_named(db, "towns", "磨头镇", origin)
        company = ledger.ensure_company(db, "力威机械", town, origin)
        ledger.ensure_company(db, "力沛阀门", town, origin)
        person = (
            db["people"]
            .insert(
                {
                    "account": "6001",
                    "name": "王督查",
                    "role": "inspector",
                    "created_at": AT.isoformat(),
                }
            )
            .last_pk
        )
        visit = visit_store.start_visit(db, company, person, AT, platform="telegram")
        presence.record_arrival(db, visit, Point(32.37, 120.593), AT, None)
    db.close()
    return path


def test_at_sets_coordinates_and_measures_earlier_visits(db_path: Path, capsys) -> None:
    """--at takes the form map apps copy; the visit made before is then flagged (said in
    Chinese, the command line's default)."""
    assert main(["company", "力威", "--at", "120.56,32.37"]) == 0
    out = capsys.readouterr().out
    assert "已将 力威机械 的坐标设为 32.37000N 120.56000E（WGS-84）；已测算 1 次走访" in out
    assert "力威机械（磨头镇）：32.37000N 120.56000E（WGS-84）  https://uri.amap.com/" in out
    assert "王督查  位置不符（约 3.1 km）  32.37000N 120.59300E" in out
    db = open_database(db_path)
    try:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_events")]
        assert "coordinates_set" in actions
    finally:
        db.close()


def test_unknown_ambiguous_or_bad_input_exits_1_and_changes_nothing(db_path: Path, capsys) -> None:
    """No match, several matches, or an unreadable coordinate: a plain message, exit 1."""
    assert main(["--lang", "en", "company", "不存在"]) == 1
    assert 'no company matches "不存在"' in capsys.readouterr().err
    assert main(["--lang", "en", "company", "力"]) == 1
    assert "matches several companies" in capsys.readouterr().err
    assert main(["--lang", "en", "company", "力威机械", "--at", "32.37, 60"]) == 1
    assert "latitude cannot be told from longitude" in capsys.readouterr().err
    assert main(["--lang", "en", "company", "力威机械"]) == 0
    assert "力威机械 (磨头镇): no coordinates" in capsys.readouterr().out
