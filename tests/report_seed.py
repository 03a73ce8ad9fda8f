"""A small ledger with a history of every kind, written straight through storage and SQL.

Visits, findings, progress reports and close-outs belong to other features; the reports
only read their tables, so the tests seed those rows directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlite_utils

from bot.builders.export_job import EvidenceFile
from bot.domain.audit import ActorKind, Origin
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Actor, Event, Role
from bot.platforms.media_files import media_path
from sandbox.images import make_jpeg
from storage import ledger

UNITS = ("科技局", "工信局", "财政局")


@dataclass
class Seeded:
    codes: dict[str, str] = field(default_factory=dict)  # label → item code
    ids: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)  # label → person id


def _person(db: sqlite_utils.Database, name: str, role: Role, unit: str | None, tg: int) -> int:
    unit_id = ledger.ensure_named(db, "units", unit, Origin.cli(datetime.now().astimezone()))
    row = db.execute("SELECT id FROM people WHERE account = ?", [str(tg)]).fetchone()
    if row:
        return row[0]
    return (
        db["people"]
        .insert(
            {
                "account": str(tg),
                "name": name,
                "role": role.value,
                "unit_id": unit_id,
                "language": "zh",
                "created_at": "2024-01-01T00:00:00+00:00",
            }
        )
        .last_pk
    )


def seed(db: sqlite_utils.Database, now: datetime, *, people: dict | None = None) -> Seeded:
    """Six items in three units, two towns and three areas; one with every kind of event.

    ``people`` maps a label to the person ids of registered phones (inspector, contact).
    """
    out = Seeded()
    at = now - timedelta(days=40)
    origin = Origin(ActorKind.IMPORT, "sha-of-sheet", at)
    ledger.ensure_period(db, str(now.year), now.year, origin)
    today = now.date()
    specs = {
        # label: unit, town, company, area, deadline offset (days), target, closed?
        "chip": ("科技局", "磨头镇", "卓远半导体", "高企培育", -10, "净增10家高企", False),
        "bearing": ("科技局", "磨头镇", "万达轴承", "产学研合作", 30, "", True),
        "valve": ("工信局", "吴窑镇", "力沛阀门", "人才引进", -3, "引进人才20名", False),
        "machine": ("工信局", "吴窑镇", "力威机械", "高企培育", 60, "", True),
        "fund": ("财政局", None, None, "科技金融", -20, "贷款7000万元", False),
        "ip": ("财政局", None, None, "知识产权保护", 90, "", False),
    }
    for label, (unit, town, company, area, offset, target, _closed) in specs.items():
        fields = ItemFields(
            problem=f"{company or unit}：{label} 问题",
            unit=unit,
            deadline=today + timedelta(days=offset),
            deadline_text=(today + timedelta(days=offset)).isoformat(),
            target=target,
            target_number=_first_number(target),
            area=area,
            town=town,
            company=company,
            co_units=("人社局",) if label == "chip" else (),
        )
        item = ledger.create_item(db, fields, str(now.year), origin)
        out.codes[label], out.ids[label] = item.code, item.id
    for label, spec in specs.items():
        if spec[-1]:
            closed_at = (now - timedelta(days=5)).isoformat()
            db.execute(
                "UPDATE items SET status = 'closed', closed_at = ? WHERE id = ?",
                [closed_at, out.ids[label]],
            )
    out.people = people or {}
    return out


def store_media(media_dir: Path, data: bytes) -> str:
    """A downloaded evidence file as it lies under MEDIA_DIR, named by its sha256 (which is
    returned, for the evidence row), where the downloader puts it (``media_path``): a
    platform that sends evidence from MEDIA_DIR, as DingTalk does, finds it there."""
    sha = hashlib.sha256(data).hexdigest()
    path = media_path(media_dir, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha


def _first_number(text: str) -> float | None:
    from bot.domain.targets import parse_target_number

    return parse_target_number(text) if text else None


def add_full_history(
    db: sqlite_utils.Database,
    item_id: int,
    now: datetime,
    *,
    inspector_id: int,
    contact_id: int,
    admin_id: int,
    admin_tg: int,
    photo_file_ids: list[str],
    media_dir: Path,
) -> None:
    """Every kind of event on one item: visit finding with photos, progress with a figure,
    a deadline extension, an escalation, a returned and an approved close-out, a look-back."""
    t0 = now - timedelta(days=30)

    def at(days: float) -> str:
        return (t0 + timedelta(days=days)).isoformat()

    company_id = db.execute("SELECT company_id FROM items WHERE id = ?", [item_id]).fetchone()[0]
    visit_id = (
        db["visits"]
        .insert(
            {
                "company_id": company_id,
                "started_by": inspector_id,
                "started_at": at(1),
                "last_activity_at": at(1),
                "ended_at": at(1.1),
                "end_reason": "done",
            }
        )
        .last_pk
    )
    db["visit_members"].insert(
        {"visit_id": visit_id, "person_id": inspector_id, "joined_at": at(1)}
    )
    finding_id = (
        db["findings"]
        .insert(
            {
                "visit_id": visit_id,
                "item_id": item_id,
                "person_id": inspector_id,
                "text": "研发中心未建成，设备未到位",
                "created_at": at(1.01),
            }
        )
        .last_pk
    )
    for number, file_id in enumerate(photo_file_ids):
        sha = store_media(media_dir, make_jpeg(320, 240, number))
        db["evidence"].insert(
            {
                "item_id": item_id,
                "finding_id": finding_id,
                "person_id": inspector_id,
                "kind": "photo",
                "file_id": file_id,
                "file_unique_id": f"u{number}",
                "sha256": sha,
                "caption": f"车间照片{number + 1}",
                "taken_at": at(1.01 + number / 1000),
                "stored": "stored",
                "created_at": at(1.01),
            }
        )
    db["progress_reports"].insert(
        {
            "item_id": item_id,
            "person_id": contact_id,
            "text": "已新增认定高企4家",
            "figure": 4,
            "created_at": at(5),
        }
    )
    admin_origin = Origin(ActorKind.USER, str(admin_tg), t0 + timedelta(days=8), person_id=admin_id)
    db["extension_requests"].insert(
        {
            "item_id": item_id,
            "requested_by": contact_id,
            "new_deadline": "2099-12-31",
            "reason": "设备采购周期长",
            "status": "approved",
            "decided_by": admin_id,
            "decided_at": at(8),
            "created_at": at(7),
        }
    )
    admin = Actor(admin_id, Role.ADMIN)
    ledger.extend_deadline(db, item_id, date(2099, 12, 31), "设备采购周期长", admin, admin_origin)
    escalate_origin = Origin(
        ActorKind.USER, str(admin_tg), t0 + timedelta(days=9), person_id=admin_id
    )
    ledger.apply_event(db, item_id, Event.ESCALATE, admin, escalate_origin)
    db["closeout_requests"].insert(
        {
            "item_id": item_id,
            "requested_by": contact_id,
            "text": "已完成建设，申请销号",
            "status": "returned",
            "decided_by": admin_id,
            "decided_at": at(12),
            "reason": "缺少验收报告",
            "created_at": at(11),
        }
    )
    db["closeout_requests"].insert(
        {
            "item_id": item_id,
            "requested_by": contact_id,
            "text": "补充验收报告",
            "status": "approved",
            "decided_by": admin_id,
            "decided_at": at(16),
            "created_at": at(15),
        }
    )
    db["lookbacks"].insert(
        {
            "item_id": item_id,
            "closed_at": at(16),
            "created_at": at(26),
            "outcome": "holds",
            "decided_by": inspector_id,
            "decided_at": at(27),
        }
    )


def zip_inputs(folder: Path, photos: int) -> tuple[Path, list[EvidenceFile]]:
    """What ``exports.write_zip_parts`` packs, written in ``folder``: a 10 kB workbook and
    ``photos`` evidence files of 100 kB each (item 2024-001, ``evidence/2024-001/N.jpg``,
    each with its recorded sha256), so a test can set PART_LIMIT to force several parts."""
    workbook = folder / "export.xlsx"
    workbook.write_bytes(b"x" * 10_000)
    files = []
    for number in range(photos):
        source = folder / f"{number}.jpg"
        source.write_bytes(bytes([number]) * 100_000)
        files.append(
            EvidenceFile(
                "2024-001",
                datetime(2024, 6, 3, tzinfo=UTC),
                "photo",
                "",
                "",
                source,
                f"evidence/2024-001/{number}.jpg",
                hashlib.sha256(source.read_bytes()).hexdigest(),
            )
        )
    return workbook, files
