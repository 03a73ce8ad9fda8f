"""The restore drill (issue 17): the office sets the backup time in /settings, the daily
backup is taken at that time while an inspector keeps sending photos, and on a new machine
``duban restore`` gives back the same items and evidence, which ``duban verify`` passes."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.domain.lifecycle import Role
from sandbox.images import make_jpeg
from storage.backups import last_backup
from tests.desk import at_the_desk
from tests.harness import Duban, fetch_evidence, office, start_visit

pytestmark = pytest.mark.both_platforms


def _rows(database: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


ITEMS = "SELECT id, code, problem, status, deadline FROM items ORDER BY id"
STORED = "SELECT id, kind, sha256 FROM evidence WHERE stored = 'stored' ORDER BY id"


async def test_a_backup_taken_while_the_bot_writes_restores_whole(
    duban_clock: Duban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Backup at the time the office chose, taken in the builder process while photos keep
    arriving; restored elsewhere, the items and every photo the backup holds are there,
    byte for byte, and the audit chain and files pass ``duban verify``."""
    duban = duban_clock
    # The test runs the backup job itself, at the moments it chooses; the scheduler's own
    # look (half a second after start-up, then every ten minutes) is paused, so that it
    # cannot run beside one of them, after the clock moved, and take the day's backup twice.
    assert duban.runtime is not None and duban.runtime.jobs is not None
    duban.runtime.jobs.scheduler.pause_job("backups")
    admin = await office(duban)
    await admin.send("/settings")
    await admin.expect("每日备份时间")
    await admin.tap("每日备份时间")
    await admin.expect("当前：03:00")
    await admin.send("2:30")
    await admin.expect("「每日备份时间」已改为 02:30")

    duban.seed_research_item()
    inspector = await duban.register(6401, "王督查", Role.INSPECTOR)
    await duban.runtime.run_job("backups")  # Monday 08:00: the first backup is Tuesday's
    backups = duban.settings.database_path.parent / "backups"
    assert not backups.exists()

    await duban.travel(datetime(2024, 6, 4, 2, 35))
    await start_visit(inspector)
    for shade in (1, 2):
        await inspector.send_photo(make_jpeg(640, 480, shade))
    await inspector.expect("照片 2 张")
    await duban.settle()
    await fetch_evidence(duban)

    async def keep_working() -> None:
        for shade in (3, 4, 5):
            await inspector.send_photo(make_jpeg(640, 480, shade), caption=f"车间 {shade}")
        await inspector.expect("发现 4 已记录：车间 5")

    await asyncio.gather(duban.runtime.run_job("backups"), keep_working())
    await duban.settle()
    await fetch_evidence(duban)
    await duban.runtime.run_job("backups")  # the day's backup is taken: not again

    db = duban.db()
    try:
        taken = last_backup(db)
    finally:
        db.close()
    assert taken is not None and taken.folder.parent == backups.resolve()
    assert [entry.name for entry in backups.iterdir()] == [taken.folder.name]
    manifest = json.loads((taken.folder / "manifest.json").read_text(encoding="utf-8"))
    in_backup = _rows(taken.folder / "duban.sqlite", STORED)
    assert len(in_backup) >= 2  # the photos stored before it began, at least
    assert sorted({sha for _, _, sha in in_backup}) == [f["sha256"] for f in manifest["files"]]

    fresh = tmp_path / "new-server"
    fresh.mkdir()
    restored = at_the_desk(monkeypatch, fresh)
    assert main(["--lang", "en", "restore", str(taken.folder)]) == 0
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith("OK: every evidence file and every audit event matches")
    )
    assert main(["--lang", "en", "verify"]) == 0

    live = duban.settings.database_path
    assert _rows(restored, ITEMS) == _rows(live, ITEMS)
    # Every photo stored when the backup was taken is back, as it is in the live database;
    # those still on their way then are the next backup's.
    assert _rows(restored, STORED) == in_backup
    assert set(in_backup) <= set(_rows(live, STORED))
    for _, _, sha in in_backup:
        relative = Path(sha[:2]) / sha[2:4] / sha
        assert (fresh / "media" / relative).read_bytes() == (
            duban.settings.media_dir / relative
        ).read_bytes()


async def test_the_office_moves_backups_to_another_disk_from_the_chat(
    duban: Duban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """An absolute folder typed in /settings is taken as a value, not as a command (Telegram
    marks no command in ``/srv/...``), and ``duban backup`` then writes there."""
    other_disk = tmp_path / "mnt" / "backup-disk" / "duban"
    admin = await office(duban)
    await admin.send("/settings")
    await admin.expect("备份目录")
    await admin.tap("备份目录")
    await admin.expect("当前：backups")
    await admin.send(str(other_disk))
    await admin.expect(f"「备份目录」已改为 {other_disk}")
    at_the_desk(
        monkeypatch,
        tmp_path,
        database=duban.settings.database_path,
        media=duban.settings.media_dir,
    )
    assert main(["--lang", "en", "backup"]) == 0
    assert capsys.readouterr().out.startswith(f"backed up into {other_disk}/duban-")
