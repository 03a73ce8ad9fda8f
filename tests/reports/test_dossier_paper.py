"""The dossier as a file clerk reads it (issue 15): the card's facts in its table, the item's
code, the office and page N of M on every page, photos two to a row, and Chinese lines that
never start with closing punctuation."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.builders.build import BuildContext
from bot.builders.dossier import PHOTO_GAP, PHOTO_HEIGHT, write_dossier
from bot.builders.paper import CLOSING, MARGIN
from bot.domain.audit import ActorKind, Origin
from bot.domain.audit_chain import short
from bot.domain.items import ItemFields
from bot.domain.lifecycle import Actor, Role
from sandbox.images import make_jpeg
from storage import ledger
from storage.audit import chain_head
from storage.db import open_database
from storage.ledger import get_item
from storage.policy import set_policy_value
from tests.pdf_text import page_streams, pdf_pages, pdf_text
from tests.report_seed import _person, seed, store_media

NOW = datetime(2026, 6, 3, 1, 0, tzinfo=UTC)  # 09:00 in Rugao
OFFICE = "如皋市人大常委会办公室"
NOTES = "企业反映用地指标紧张，需自然资源局配合"
REPORT = (
    "已完成研发中心主体建设，设备采购合同已签订，预计六月到位；“专精特新”申报材料已报送，"
    "待评审。存在问题：用地指标紧张、人才引进难，请求协调解决！下一步将加快进度，确保按期销号。"
)
PT = 72 / 25.4  # points in a millimetre
IMAGE = re.compile(rb"q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /I\d+ Do Q")


def _world(tmp_path: Path, photos: list[tuple[int, int]]):
    """The seeded ledger's "chip" item (科技局, 10 days overdue, co-unit 人社局, target
    净增10家高企) with a 备注, an assigned inspector, a figure of 4 reported, set red by hand,
    the office named in the policy, and ``photos`` (width, height) stored as its evidence."""
    db = open_database(":memory:")
    seeded = seed(db, NOW)
    item_id = seeded.ids["chip"]
    inspector = _person(db, "王督查", Role.INSPECTOR, None, 101)
    contact = _person(db, "赵联络", Role.CONTACT, "科技局", 102)
    admin = _person(db, "办公室", Role.ADMIN, None, 103)
    origin = Origin(ActorKind.USER, "103", NOW - timedelta(days=2), person_id=admin)
    set_policy_value(db, "office_name", OFFICE, origin)
    db.execute("UPDATE items SET notes = ? WHERE id = ?", [NOTES, item_id])
    ledger.assign_inspector(db, item_id, inspector, origin)
    ledger.set_manual_level(db, item_id, "red", "进度滞后", admin, Actor(admin, Role.ADMIN), origin)
    db["progress_reports"].insert(
        {
            "item_id": item_id,
            "person_id": contact,
            "text": REPORT,
            "figure": 4,
            "created_at": (NOW - timedelta(days=1)).isoformat(),
        }
    )
    media = tmp_path / "media"
    for number, (width, height) in enumerate(photos):
        db["evidence"].insert(
            {
                "item_id": item_id,
                "person_id": inspector,
                "kind": "photo",
                "file_id": f"photo{number}",
                "file_unique_id": f"u{number}",
                "sha256": store_media(media, make_jpeg(width, height, number)),
                "caption": f"车间照片{number + 1}",
                "taken_at": (NOW - timedelta(days=3, minutes=-number)).isoformat(),
                "stored": "stored",
                "created_at": (NOW - timedelta(days=3)).isoformat(),
            }
        )
    context = BuildContext(tmp_path / "db", media, ZoneInfo("Asia/Shanghai"), NOW)
    return db, context, get_item(db, item_id)


def _dossier(db: sqlite_utils.Database, context: BuildContext, item, lang: str = "zh") -> bytes:
    path = write_dossier(db, context, [item], item.code, lang, context.media_dir / "d.pdf")
    return path.read_bytes()


def _flat(text: str) -> str:
    """A page's text in one string: a page number is shown in pieces (N, then M)."""
    return text.replace("\n", "")


def test_the_fact_table_shows_what_the_card_shows(tmp_path: Path) -> None:
    """Level and why, days overdue, target with the latest figure, co-unit, the assigned
    inspector, 备注 and the audit chain's head, on the first page."""
    db, context, item = _world(tmp_path, [])
    first = _flat(pdf_pages(_dossier(db, context, item))[0])
    head = chain_head(db)
    assert head is not None
    deadline = (NOW.date() - timedelta(days=10)).isoformat()
    for expected in (
        "督办等级红色（手动，办公室：进度滞后）",
        f"办理时限{deadline}（逾期 10 天）",
        "跟踪督办目标净增10家高企（最新 4/10，40%，2026-06-02）",
        "配合单位人社局",
        "督查人员王督查",
        f"备注{NOTES}",
        f"审计链头第 {head.event_id} 条事件 · sha256 {short(head.hash)}",
    ):
        assert expected in first, expected


def test_english_reader_gets_the_facts_and_page_numbers_in_english(tmp_path: Path) -> None:
    db, context, item = _world(tmp_path, [])
    pages = [_flat(page) for page in pdf_pages(_dossier(db, context, item, "en"))]
    assert "Levelred (by hand, 办公室: 进度滞后)" in pages[0]
    assert "Deadline2026-05-24 (10 days overdue)" in pages[0]
    assert "Notes" + NOTES in pages[0]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


def test_every_page_says_the_item_the_office_the_day_and_page_n_of_m(tmp_path: Path) -> None:
    """Thirteen photos make pages with nothing but photos on them: those too say whose
    they are."""
    db, context, item = _world(tmp_path, [(320, 240)] * 13)
    pages = [_flat(page) for page in pdf_pages(_dossier(db, context, item))]
    assert len(pages) >= 3
    photo_only = [page for page in pages if "办理经过" not in page and "记录完整性" not in page]
    assert photo_only, "a page of photos alone"
    for number, page in enumerate(pages, start=1):
        assert page.startswith(item.code), page[:40]
        assert OFFICE in page
        assert "档案生成于 2026-06-03 09:00" in page
        assert page.endswith(f"第 {number} 页 共 {len(pages)} 页")


def test_photos_sit_two_to_a_row_and_a_portrait_is_as_tall_as_the_row(tmp_path: Path) -> None:
    """Seven photos, some portrait: rows of two side by side (the seventh alone), each
    photo as tall as the row, a landscape one filling its half, none a page of its own."""
    shapes = [(320, 240), (240, 320), (320, 240), (320, 240), (240, 360), (320, 240), (320, 240)]
    db, context, item = _world(tmp_path, shapes)
    placed = [
        (float(w), float(h), float(x), float(y))
        for stream in page_streams(_dossier(db, context, item))
        for w, h, x, y in IMAGE.findall(stream)
    ]
    assert len(placed) == 7
    column = (210 - 2 * MARGIN - PHOTO_GAP) / 2 * PT
    for (width, height, _, _), (photo_w, photo_h) in zip(placed, shapes, strict=True):
        assert math.isclose(height, PHOTO_HEIGHT * PT, rel_tol=0.01)
        assert width <= column + 0.5
        assert math.isclose(width / height, photo_w / photo_h, rel_tol=0.01)
    for left, right in zip(placed[0:6:2], placed[1:6:2], strict=True):
        assert math.isclose(left[3], right[3])  # same row
        assert left[2] < MARGIN * PT + column <= right[2]  # left half, then right half


def test_photo_pages_hold_six_photos_each(tmp_path: Path) -> None:
    """Three rows of two on a page: eighteen photos take three pages of photos, where one
    photo to a 120 mm column took nine."""
    db, context, item = _world(tmp_path, [(320, 240)] * 18)
    counts = [len(IMAGE.findall(stream)) for stream in page_streams(_dossier(db, context, item))]
    with_photos = [count for count in counts if count]
    assert sum(with_photos) == 18
    assert len(with_photos) <= math.ceil(18 / 6) + 1  # the first may start part-way down
    assert max(with_photos) == 6


def test_no_line_of_the_dossier_starts_with_closing_punctuation(tmp_path: Path) -> None:
    """The long progress report in the timeline breaks over lines, left-aligned: no line
    starts with "，", "。", "；" or "）", and none is spread out with extra word spacing."""
    db, context, item = _world(tmp_path, [])
    data = _dossier(db, context, item)
    lines = pdf_text(data).splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("办理进展："))
    end = next(n for n, line in enumerate(lines) if n >= start and "（赵联络）" in line)
    assert end - start >= 2, "the report runs over three lines or more"
    assert "".join(lines[start : end + 1]).startswith("办理进展：" + REPORT)
    for line in lines:
        assert not line or line[0] not in CLOSING, line
    for stream in page_streams(data):  # justified text is drawn with spacing: TJ or Tw
        assert b"TJ" not in stream and b" Tw" not in stream


def test_a_companys_dossier_names_the_company_and_each_items_code_on_its_pages(
    tmp_path: Path,
) -> None:
    """卓远半导体's two items (one added here): every page says the company, each item's
    pages that item's code too; page numbers run over the whole dossier."""
    db, context, chip = _world(tmp_path, [(320, 240)] * 8)
    other = ledger.create_item(
        db,
        ItemFields(problem="研发人员引进不足", unit="人社局", company="卓远半导体", town="磨头镇"),
        str(NOW.year),
        Origin(ActorKind.IMPORT, "sheet", NOW),
    )
    path = write_dossier(
        db, context, [chip, other], "卓远半导体", "zh", context.media_dir / "company.pdf"
    )
    pages = [_flat(page) for page in pdf_pages(path.read_bytes())]
    starts = [number for number, page in enumerate(pages) if f"{other.code}  研发人员" in page]
    assert len(starts) == 1 and starts[0] > 0
    for number, page in enumerate(pages):
        assert page.startswith("卓远半导体"), page[:30]
        assert page.endswith(f"第 {number + 1} 页 共 {len(pages)} 页")
    assert all(page.startswith(f"卓远半导体 · {chip.code}") for page in pages[: starts[0]])
    assert pages[starts[0]].startswith(f"卓远半导体 · {other.code}")
