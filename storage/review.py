"""The office's review of what inspectors created on the spot: items and companies.

Merging keeps everything: the duplicate's findings and evidence move to the item it is
merged into, the duplicate itself stays as a closed row pointing there (``merged_into``),
and both rows get an audit event. Rejecting closes the row with its reason recorded;
nothing is deleted.
"""

from __future__ import annotations

import sqlite_utils

from bot.domain.audit import AuditAction, Origin
from storage.audit import record, record_item
from storage.ledger import get_item, iso
from storage.rows import fetch_values


def items_to_review(db: sqlite_utils.Database) -> list[int]:
    return fetch_values(
        db, "SELECT id FROM items WHERE needs_review = 1 AND review_outcome IS NULL ORDER BY id"
    )


def mark_item_completed(db: sqlite_utils.Database, item_id: int, origin: Origin) -> None:
    db.execute(
        "UPDATE items SET needs_review = 0, review_outcome = 'completed', updated_at = ? "
        "WHERE id = ?",
        [iso(origin.at), item_id],
    )
    record(
        db,
        origin,
        entity="item",
        entity_id=item_id,
        item_id=item_id,
        action=AuditAction.REVIEW_COMPLETED,
    )


def merge_items(
    db: sqlite_utils.Database, duplicate_id: int, target_id: int, origin: Origin
) -> int:
    """Move the duplicate's findings, evidence and (involved) inspectors over; close it.

    Returns how many findings moved.
    """
    with db.atomic():
        duplicate = get_item(db, duplicate_id)
        moved = db.execute(
            "UPDATE findings SET item_id = ? WHERE item_id = ?", [target_id, duplicate_id]
        ).rowcount
        db.execute("UPDATE evidence SET item_id = ? WHERE item_id = ?", [target_id, duplicate_id])
        db.execute(
            "INSERT OR IGNORE INTO item_inspectors (item_id, person_id, assigned_by, assigned_at) "
            "SELECT ?, person_id, assigned_by, assigned_at FROM item_inspectors WHERE item_id = ?",
            [target_id, duplicate_id],
        )
        db.execute(
            "INSERT OR IGNORE INTO item_involvement (item_id, person_id, since) "
            "SELECT ?, person_id, since FROM item_involvement WHERE item_id = ?",
            [target_id, duplicate_id],
        )
        now = iso(origin.at)
        db.execute(
            "UPDATE items SET status = 'closed', closed_at = ?, updated_at = ?, needs_review = 0, "
            "review_outcome = 'merged', merged_into = ? WHERE id = ?",
            [now, now, target_id, duplicate_id],
        )
        record_item(
            db,
            origin,
            duplicate_id,
            AuditAction.MERGED_INTO,
            before={"status": duplicate.status.value},
            after={"status": "closed", "merged_into": target_id, "findings_moved": moved},
        )
        record_item(
            db,
            origin,
            target_id,
            AuditAction.MERGED_FROM,
            after={"duplicate": duplicate_id, "findings_moved": moved},
        )
        return moved


def reject_item(db: sqlite_utils.Database, item_id: int, origin: Origin) -> None:
    """Not a list item after all: closed as rejected; its findings keep pointing at it."""
    with db.atomic():
        item = get_item(db, item_id)
        now = iso(origin.at)
        db.execute(
            "UPDATE items SET status = 'closed', closed_at = ?, updated_at = ?, needs_review = 0, "
            "review_outcome = 'rejected' WHERE id = ?",
            [now, now, item_id],
        )
        record_item(
            db,
            origin,
            item_id,
            AuditAction.REVIEW_REJECTED,
            before={"status": item.status.value},
            after={"status": "closed"},
        )


def complete_company(
    db: sqlite_utils.Database, company_id: int, town_id: int, origin: Origin
) -> None:
    before = db["companies"].get(company_id)
    db.execute(
        "UPDATE companies SET town_id = ?, needs_review = 0, review_outcome = 'completed' "
        "WHERE id = ?",
        [town_id, company_id],
    )
    record(
        db,
        origin,
        entity="company",
        entity_id=company_id,
        action=AuditAction.REVIEW_COMPLETED,
        before={"town_id": before["town_id"]},
        after={"town_id": town_id},
    )


def merge_companies(
    db: sqlite_utils.Database, duplicate_id: int, target_id: int, origin: Origin
) -> None:
    """The duplicate's visits and items now belong to the target; the row stays, marked."""
    with db.atomic():
        visits = db.execute(
            "UPDATE visits SET company_id = ? WHERE company_id = ?", [target_id, duplicate_id]
        ).rowcount
        items = db.execute(
            "UPDATE items SET company_id = ? WHERE company_id = ?", [target_id, duplicate_id]
        ).rowcount
        db.execute(
            "UPDATE companies SET needs_review = 0, review_outcome = 'merged', merged_into = ? "
            "WHERE id = ?",
            [target_id, duplicate_id],
        )
        record(
            db,
            origin,
            entity="company",
            entity_id=duplicate_id,
            action=AuditAction.MERGED_INTO,
            after={"merged_into": target_id, "visits_moved": visits, "items_moved": items},
        )


def reject_company(db: sqlite_utils.Database, company_id: int, origin: Origin) -> None:
    db.execute(
        "UPDATE companies SET needs_review = 0, review_outcome = 'rejected' WHERE id = ?",
        [company_id],
    )
    record(db, origin, entity="company", entity_id=company_id, action=AuditAction.REVIEW_REJECTED)
