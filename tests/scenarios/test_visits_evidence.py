"""Evidence is precious: files are fetched once into MEDIA_DIR, big ones are kept as
records, idle visits end themselves, and late photos find their visit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.lifecycle import Role
from sandbox.images import make_jpeg
from tests.harness import Duban, fetch_evidence

pytestmark = pytest.mark.both_platforms


def _path(digest: str) -> Path:
    """Where MEDIA_DIR keeps a file: under its sha256, two levels deep."""
    return Path(digest[:2], digest[2:4], digest)


def _media_files(duban: Duban) -> list[Path]:
    root = duban.settings.media_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


Rows = list[tuple[str, int]]


async def _fetched(duban: Duban, done: Callable[[Rows], bool], within: float = 10.0) -> None:
    """Run the download job, then wait until every evidence row's (stored, attempts) is
    ``done``: on DingTalk the downloader may still be fetching when its job returns."""
    await fetch_evidence(duban)
    deadline = asyncio.get_running_loop().time() + within
    db = duban.db()
    try:
        query = "SELECT stored, download_attempts FROM evidence ORDER BY id"
        while not done(db.execute(query).fetchall()):
            if asyncio.get_running_loop().time() > deadline:
                return  # the test's own assertions say what is wrong
            await asyncio.sleep(0.05)
    finally:
        db.close()


async def test_same_photo_twice_is_stored_once_and_big_files_are_kept_as_records(
    duban: Duban,
) -> None:
    """Two evidence rows for the same picture, one file on disk named by its sha256; a
    25 MB document is never fetched (Telegram refuses) but its record is kept and said so.
    On DingTalk, which hands its robot files of any size, the 25 MB file is fetched and kept."""
    duban.seed_company("万达轴承", "吴窑镇")
    wang = await duban.register(6301, "王督查", Role.INSPECTOR)
    await wang.send("/visit 万达")
    await wang.expect("匹配的企业")
    await wang.tap("万达轴承（吴窑镇）")
    await wang.expect("走访中")

    picture = make_jpeg(800, 600, 3)
    await wang.send_photo(picture, caption="轴承车间")
    await wang.send_photo(picture)
    await wang.expect("照片 2 张")
    big = b"\0" * (25 * 1024 * 1024)
    await wang.send_document(big, "录像.zip", "application/zip")
    on_dingtalk = duban.platform == "dingtalk"
    # Telegram hands a bot no file over 20 MB; DingTalk hands its robot a file of any size.
    await wang.expect("文件 1 份" if on_dingtalk else "超过 20 MB")
    await duban.settle()
    await fetch_evidence(duban)
    await _fetched(duban, lambda rows: all(stored != "pending" for stored, _ in rows))

    db = duban.db()
    try:
        rows = db.execute("SELECT kind, stored, sha256 FROM evidence ORDER BY id").fetchall()
    finally:
        db.close()
    assert [(kind, stored) for kind, stored, _ in rows] == [
        ("photo", "stored"),
        ("photo", "stored"),
        ("document", "stored" if on_dingtalk else "too_big"),
    ]
    assert rows[0][2] == rows[1][2]
    digest = rows[0][2]
    photo = duban.settings.media_dir / _path(digest)
    assert photo.read_bytes() == picture
    files = _media_files(duban)
    if on_dingtalk:  # the big file kept beside the one picture
        assert sorted(files) == sorted([photo, duban.settings.media_dir / _path(rows[2][2])])
        assert files[0].stat().st_size + files[1].stat().st_size == len(picture) + len(big)
    else:
        assert files == [photo]
        # getFile was asked for the photos only, never for the 25 MB file.
        assert len(duban.sandbox.state.calls_to("getFile")) == 2


async def test_failed_download_is_retried_from_its_file_id(duban: Duban) -> None:
    """A download that fails stays pending with its attempt counted, and succeeds later."""
    duban.seed_company("斯密特森", "石庄镇")
    wang = await duban.register(6311, "王督查", Role.INSPECTOR)
    await wang.send("/visit 斯密特森")
    await wang.expect("匹配的企业")
    await wang.tap("斯密特森（石庄镇）")
    await wang.expect("走访中")
    if duban.platform == "dingtalk":  # the robot file download fails at DingTalk's end
        fault = duban.standin.fail_downloads(times=50)
    else:
        fault = duban.sandbox.faults.inject("getFile", times=50, status=502)
    await wang.send_voice()
    await wang.expect("语音 1 条")
    await duban.settle()
    await _fetched(duban, lambda rows: all(attempts >= 1 for _, attempts in rows))
    db = duban.db()
    try:
        stored, attempts = db.execute("SELECT stored, download_attempts FROM evidence").fetchone()
        assert stored == "pending" and attempts >= 1
        assert fault.fired == attempts  # every attempt so far met the failing download
        db.execute("UPDATE evidence SET next_download_at = NULL")
    finally:
        db.close()
    if duban.platform == "dingtalk":
        fault.clear()
    else:
        duban.sandbox.faults.clear()
    await _fetched(duban, lambda rows: all(stored == "stored" for stored, _ in rows))
    db = duban.db()
    try:
        assert db.execute("SELECT stored FROM evidence").fetchone()[0] == "stored"
    finally:
        db.close()


async def test_idle_visit_closes_itself_and_a_late_photo_finds_it(clocked_duban: Duban) -> None:
    """A visit idle longer than visit_idle_hours ends with the usual summary; a photo sent
    during the visit but processed after it ended is placed in it by its message date."""
    duban = clocked_duban
    assert duban.clock is not None
    duban.seed_item("人才公寓未落实", company="汤臣汽配", town="如城街道", unit="人社局")
    admin = duban.admin()
    await admin.send("/help")
    await admin.expect("可用命令")
    wang = await duban.register(6321, "王督查", Role.INSPECTOR)
    await wang.send("/visit 汤臣")
    await wang.expect("匹配的企业")
    await wang.tap("汤臣汽配（如城街道）")
    await wang.expect("走访中")
    await wang.send("企业反映招工难")
    await asyncio.sleep(0.2)  # the sandbox hands the update over on the next poll
    await duban.processed()
    duban.clock.advance(timedelta(seconds=3))  # confirmations wait a moment for photos
    await wang.expect("发现 1")

    duban.clock.advance(timedelta(hours=3))
    await duban.runtime.run_job("visits.idle")
    await wang.expect_silence(0.3)
    duban.clock.advance(timedelta(hours=1, minutes=1))
    await duban.runtime.run_job("visits.idle")
    summary = await wang.expect("走访结束：汤臣汽配")
    assert "4 小时无新记录，自动结束" in summary.text
    await admin.expect("自动结束")

    # The phone's clock (message.date) still says "during the visit".
    await wang.send_photo()
    await asyncio.sleep(0.2)
    await duban.processed()
    duban.clock.advance(timedelta(seconds=3))
    late = await wang.expect("按拍摄时间归入")
    assert "发现 2" in late.text and "照片 1 张" in late.text  # a new finding: hours passed
    db = duban.db()
    try:
        assert db.execute("SELECT end_reason FROM visits").fetchone()[0] == "idle"
        placed = db.execute(
            "SELECT f.visit_id FROM evidence e JOIN findings f ON f.id = e.finding_id"
        ).fetchone()
        assert placed[0] == 1
    finally:
        db.close()
