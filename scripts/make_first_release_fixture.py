"""Make tests/fixtures/first_release/: a database written by Duban's FIRST released schema.

Why: upgrades must work from any version an office may still run, and the only honest
proof is a database made by that version's own code, not by today's migrations replayed
to an old point. The first release is commit 1e91b28 (26 Nov 2026): the last commit
before the 6 Dec work, its storage/migrations.py unchanged since 2369aa1 (migrations
0001_ledger … 0005_report_jobs).

How it was made (run once, the output committed; nothing here runs in the tests):

    git worktree add --detach /tmp/first 1e91b28
    cd /tmp/first
    /work/wt-ops-b/.venv/bin/python /work/wt-ops-b/scripts/make_first_release_fixture.py \
        /work/wt-ops-b/tests/fixtures/first_release
    git worktree remove /tmp/first

The script imports only the OLD tree's code (its bot, storage, sandbox and test harness,
found from the current directory): the old bot runs in-process against the old sandbox on
a fake clock in June 2024, and phones act as the office would: the administrator, contacts
of two units, two inspectors and a leader register with invitations; six items are
imported; the reminder sweep assigns them (acks); an inspector makes a visit with a
location, a typed finding and a captioned photo tied to an item; a stranger writes. One
item then gets a full history written the way that release's report tests wrote it
(progress, extension, escalation, a returned and an approved close-out, a look-back).
The database is written with VACUUM INTO (one file, no WAL) and the media folder copied.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the old tree's packages, never this checkout's

from bot.media import media_path

from bot.clock import FakeClock
from bot.domain.lifecycle import Role
from sandbox.server import Sandbox
from sandbox.state import SandboxState
from tests.conftest import CLOCK_START
from tests.harness import Duban, at, make_settings
from tests.report_seed import add_full_history, seed


async def _tap_if_offered(phone, label: str) -> None:  # type: ignore[no-untyped-def]
    try:
        await phone.tap(label)
    except Exception as error:  # the old bot may word it differently: say so, go on
        print(f"  ({phone.user_id} had no {label!r} button: {error})")


async def make(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="duban-first-"))
    sandbox = Sandbox(SandboxState(), strict=True)
    await sandbox.start("127.0.0.1", 0)
    duban = Duban(sandbox, make_settings(sandbox, work), clock=FakeClock(CLOCK_START))
    await duban.start()
    try:
        admin = duban.admin()
        await admin.send("/help")
        await admin.expect("可用命令")
        contact = await duban.register(6201, "赵联络", Role.CONTACT, unit="科技局")
        await duban.register(6202, "钱联络", Role.CONTACT, unit="工信局")
        inspector = await duban.register(6101, "王督查", Role.INSPECTOR)
        await duban.register(6102, "孙督查", Role.INSPECTOR)
        await duban.register(6301, "周主任", Role.LEADER)

        db = duban.db()
        seeded = seed(db, CLOCK_START)
        db.close()
        await duban.sweep(at(6, 3, 9, 5))
        await contact.expect("新交办")
        await _tap_if_offered(contact, "签收")
        await duban.settle()

        await duban.travel(at(6, 4, 10))
        await inspector.send("/visit")
        await inspector.expect("选择企业")
        await inspector.send("卓远")
        await inspector.expect("匹配的企业")
        await inspector.tap("卓远半导体（磨头镇）")
        await inspector.expect("走访中")
        await inspector.send_location(32.39, 120.57)
        await inspector.expect("已记录到场位置")
        await inspector.send("研发中心设备尚未到位，企业称下月安装")
        await inspector.send_photo(caption="研发中心现场")
        await inspector.expect("照片 1 张")
        await inspector.tap(seeded.codes["chip"])
        await inspector.expect(f"已关联：{seeded.codes['chip']}")
        await inspector.send("/done")
        await inspector.expect("走访结束")
        stranger = duban.phone(7777, "路人")
        await stranger.send("你好，请问这是督办室吗")
        await duban.settle()

        db = duban.db()
        ids = {tg: db.execute("SELECT id FROM people WHERE tg_user_id = ?", [tg]).fetchone()[0]
               for tg in (6101, 6202, 9000)}  # fmt: skip
        add_full_history(
            db,
            seeded.ids["valve"],
            CLOCK_START + timedelta(days=2),
            inspector_id=ids[6101],
            contact_id=ids[6202],
            admin_id=ids[9000],
            admin_tg=9000,
            photo_file_ids=["fixture-photo-a", "fixture-photo-b"],
            media_dir=work / "seeded",
        )
        for file in (work / "seeded").rglob("*"):  # where that release's bot keeps a file
            if file.is_file():
                target = media_path(duban.settings.media_dir, file.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                file.rename(target)
        db.conn.commit()
        db.close()
    finally:
        for phone in duban.phones:
            phone.close()
        await duban.stop()
        await sandbox.stop()

    _write(out, duban.settings.database_path, duban.settings.media_dir)
    shutil.rmtree(work)
    print(f"first-release fixture written to {out}")


def _write(out: Path, database: Path, media: Path) -> None:
    """One self-contained database file (VACUUM INTO leaves no WAL) and its media."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with sqlite3.connect(database) as source:
        source.execute("VACUUM INTO ?", [str(out / "duban.sqlite")])
    shutil.copytree(media, out / "media")


if __name__ == "__main__":
    asyncio.run(make(Path(sys.argv[1]).resolve()))
