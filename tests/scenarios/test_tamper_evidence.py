"""Tamper evidence on the phones: the weekly self-check publishes the chain head, ``duban
verify`` finds an altered photo, an edited audit row and a recomputed chain, and the sha256 of
each evidence file is in /history, the export (sheet, manifest.csv, summary) and the dossier."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.builders import export_job
from bot.cli.main import main
from bot.domain.lifecycle import Role
from sandbox.images import make_jpeg
from tests.desk import at_the_desk
from tests.harness import (
    HISTORY_PHOTOS,
    Duban,
    export_menu_for_company,
    fetch_evidence,
    history_world,
    last_document,
    office,
    start_visit,
)
from tests.pdf_text import pdf_text
from tests.report_seed import zip_inputs
from tests.tamper_tools import edit_event, last_event, recompute_chain

pytestmark = pytest.mark.both_platforms

WAIT = 20.0
HEAD = re.compile(r"\b([0-9a-f]{64})\b")


@pytest.fixture
def cli_env(duban_clock: Duban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``duban verify`` pointed at the running bot's database and media, as on the server."""
    settings = duban_clock.settings
    return at_the_desk(monkeypatch, tmp_path, settings.database_path, settings.media_dir)


async def _weekly(duban: Duban, admin, moment: datetime) -> str:
    await duban.travel(moment)
    await duban.runtime.run_job("integrity.weekly")
    message = await admin.expect("每周完整性自检", within=WAIT)
    return message.text


async def test_verify_on_a_real_run_and_after_each_kind_of_tampering(
    duban_clock: Duban, cli_env: Path, capsys
) -> None:
    """A visit with a photo, the weekly message with the head, then `duban verify`: clean;
    exit 1 after a photo is altered and after an audit row is edited with sqlite3; a chain
    recomputed after the edit passes alone but not against the published head; the next
    weekly self-check tells the administrator what is wrong."""
    duban = duban_clock
    # Monday 08:00, the installation's first look: the self-check is due from 09:00. (The
    # scheduler's own first look may come only after the clock moved, on a fast phone.)
    await duban.runtime.run_job("integrity.weekly")
    duban.seed_research_item()
    admin = await office(duban)
    inspector = await duban.register(6401, "王督查", Role.INSPECTOR)
    await start_visit(inspector)
    await inspector.send("企业反映研发费用归集口径不清")
    await inspector.send_photo(make_jpeg(640, 480, 7), caption="研发中心")
    await inspector.expect("照片 1 张")
    await inspector.tap("研发投入不足")
    await inspector.expect("已关联")
    await duban.settle()
    await fetch_evidence(duban)

    # Monday 09:05: the week's self-check reports a clean record and the head.
    weekly = await _weekly(duban, admin, duban.clock.now().replace(hour=9, minute=5))
    assert "全部相符" in weekly
    published = HEAD.search(weekly)
    event_id, head = last_event(cli_env)
    assert published is not None and published.group(1) == head
    assert f"第 {event_id} 条事件" in weekly

    assert main(["--lang", "en", "verify"]) == 0
    assert "OK: every evidence file" in capsys.readouterr().out

    db = duban.db()
    try:
        (digest,) = db.execute("SELECT sha256 FROM evidence WHERE stored = 'stored'").fetchone()
    finally:
        db.close()
    photo = duban.settings.media_dir / digest[:2] / digest[2:4] / digest
    original = photo.read_bytes()
    photo.write_bytes(original[:-10] + b"0123456789")
    assert main(["--lang", "en", "verify"]) == 1
    assert f"should have sha256 {digest}" in capsys.readouterr().out
    photo.write_bytes(original)

    edit_event(cli_env, 2, "9999")
    assert main(["--lang", "en", "verify"]) == 1
    assert "Audit event #2" in capsys.readouterr().out

    recompute_chain(cli_env)
    assert main(["--lang", "en", "verify"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "verify", "--head", head]) == 1
    assert f"The published head {head} is not in the audit chain" in capsys.readouterr().out

    # The next week's self-check finds the photo altered again, and says so (Monday 10 June
    # is a holiday: it runs on Tuesday, as the digest does).
    photo.write_bytes(original[:-10] + b"0123456789")
    later = await _weekly(duban, admin, duban.clock.now() + timedelta(days=8))
    assert "发现 1 处不符" in later
    assert f"应为 sha256 {digest}" in later
    assert main(["--lang", "en", "verify"]) == 1


async def test_weekly_self_check_goes_out_once_a_week(duban_clock: Duban) -> None:
    """A second run in the same week sends nothing more; the administrator holds one head
    per week."""
    duban = duban_clock
    admin = await office(duban)
    await duban.runtime.run_job("integrity.weekly")  # 08:00: not yet due, nothing sent
    await duban.settle()
    assert not any("每周完整性自检" in m.text for m in admin.bot_messages)
    await _weekly(duban, admin, duban.clock.now().replace(hour=9, minute=5))
    await duban.runtime.run_job("integrity.weekly")
    await duban.settle()
    assert sum("每周完整性自检" in m.text for m in admin.bot_messages) == 1


async def _world(duban: Duban) -> tuple[str, list[str]]:
    """An item with three stored photos (the report scenarios' world); its code and hashes."""
    codes, _ = await history_world(duban, 6402, 6403)
    return codes["chip"], [hashlib.sha256(photo).hexdigest() for photo in HISTORY_PHOTOS]


async def test_history_lists_each_evidence_file_with_its_sha256(duban: Duban) -> None:
    """/history ends with the item's evidence files and their full sha256."""
    code, hashes = await _world(duban)
    admin = duban.admin()
    await admin.send(f"/history {code}")
    await admin.expect("证据文件（sha256）")
    text = "\n".join(m.text for m in admin.bot_messages)
    for digest in hashes:
        assert digest in text
    assert "照片（王督查）" in text


async def test_export_zip_and_dossier_carry_hashes_and_the_head(duban: Duban) -> None:
    """The export's evidence sheet and each zip's manifest.csv give every file's sha256 (the
    manifest's match the bytes in the zip), the summary sheet the chain head; the dossier
    shows each file's short hash and the head."""
    code, hashes = await _world(duban)
    admin = duban.admin()
    await export_menu_for_company(admin, "磨头镇", "卓远半导体")
    await admin.tap("🗂 Excel + 佐证材料（.zip）")
    await admin.expect("3 个佐证文件", within=WAIT)
    await duban.settle(WAIT)
    document = last_document(admin)
    archive = zipfile.ZipFile(io.BytesIO(admin.download(document["file_id"])))
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert manifest[0][:3] == ["文件", "sha256", "字节数"]
    for name, digest, size, *_ in manifest[1:]:
        content = archive.read(name)
        assert hashlib.sha256(content).hexdigest() == digest and len(content) == int(size)
    assert sorted(row[1] for row in manifest[1:] if row[0].startswith("evidence/")) == sorted(
        hashes
    )
    workbook_name = next(name for name in archive.namelist() if name.endswith(".xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(archive.read(workbook_name)))
    sheet = book["佐证材料"]
    assert sheet.cell(row=1, column=7).value == "sha256"
    assert sorted(row[6].value for row in sheet.iter_rows(min_row=2)) == sorted(hashes)
    summary = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows() if row[0].value}
    db = duban.db()
    try:
        head_id, head = db.execute(
            "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    assert summary["审计链头（sha256）"] == head

    await admin.send(f"/history {code}")
    await admin.expect("证据文件（sha256）")
    await admin.tap("📄 档案 PDF")
    await admin.expect("档案已生成", within=WAIT)
    await duban.settle(WAIT)
    pdf = last_document(admin)
    text = pdf_text(admin.download(pdf["file_id"]))
    for digest in hashes:
        assert f"sha256 {digest[:12]}" in text
        assert digest not in text  # the short form on paper
    assert f"审计链头为第 {head_id} 条事件" in text
    assert head in text


def test_each_zip_part_lists_its_own_files_with_their_sha256(tmp_path: Path, monkeypatch) -> None:
    """Split over parts, each part's manifest.csv names exactly the files in that part."""
    monkeypatch.setattr(export_job, "PART_LIMIT", 250_000)
    workbook, files = zip_inputs(tmp_path, 4)
    parts = export_job.write_zip_parts(tmp_path, workbook, "ledger.xlsx", files, "en")
    assert len(parts) > 1
    for part in parts:
        archive = zipfile.ZipFile(part)
        rows = list(csv.reader(io.StringIO(archive.read(export_job.MANIFEST).decode("utf-8-sig"))))
        assert rows[0] == ["file", "sha256", "bytes", "code", "kind", "taken at"]
        assert [row[0] for row in rows[1:]] == archive.namelist()[:-1]
        for name, digest, *_ in rows[1:]:
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
