"""A dossier bigger than Telegram takes from a bot comes in parts, each under the limit,
each with the whole text, together holding every photo once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.builders.build import BuildContext
from bot.builders.dossier import pack, write_dossier_parts
from bot.domain.lifecycle import Role
from storage.db import open_database
from storage.ledger import get_item
from tests.report_seed import _person, add_full_history, seed

NOW = datetime(2026, 6, 3, 1, 0, tzinfo=UTC)


def _dossier_world(tmp_path: Path):
    db = open_database(":memory:")
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
        photo_file_ids=[f"photo{n}" for n in range(6)],
        media_dir=tmp_path / "media",
    )
    context = BuildContext(tmp_path / "db", tmp_path / "media", ZoneInfo("Asia/Shanghai"), NOW)
    return db, context, [get_item(db, seeded.ids["chip"])]


def test_a_dossier_over_the_limit_is_split_by_its_photos(tmp_path: Path) -> None:
    """With a limit that the whole dossier passes but its text alone does not, the parts
    each stay under it, are labelled, and hold all six photos between them."""
    db, context, items = _dossier_world(tmp_path)
    [whole] = write_dossier_parts(db, context, items, "2026-001", "zh", tmp_path / "a", "d")
    assert whole.read_bytes().count(b"/Subtype /Image") == 6
    photo_bytes = sum(f.stat().st_size for f in (tmp_path / "media").rglob("*") if f.is_file())
    limit = whole.stat().st_size - photo_bytes // 2

    parts = write_dossier_parts(db, context, items, "2026-001", "zh", tmp_path / "c", "d", limit)
    assert len(parts) >= 2
    assert [p.name for p in parts] == [f"d_{n}of{len(parts)}.pdf" for n in range(1, len(parts) + 1)]
    assert all(part.stat().st_size <= limit for part in parts)
    assert sum(part.read_bytes().count(b"/Subtype /Image") for part in parts) == 6
    assert not (tmp_path / "c" / "d.pdf").exists()  # only the parts are left to send


def test_packing_keeps_order_and_refuses_a_photo_bigger_than_a_part() -> None:
    """Photos go into parts in order; one photo bigger than a part cannot be split."""
    sizes = [((1, "a"), 40), ((1, "b"), 40), ((2, "c"), 30), ((2, "d"), 90)]
    assert pack(sizes, 100) == [
        frozenset({(1, "a"), (1, "b")}),
        frozenset({(2, "c")}),
        frozenset({(2, "d")}),
    ]
    assert pack(sizes, 80) is None
