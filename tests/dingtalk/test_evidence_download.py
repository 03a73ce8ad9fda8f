"""DingTalk evidence reaches MEDIA_DIR: fetched by downloadCode, stored once under its hash.

The stand-in's robot file download (``/v1.0/robot/messageFiles/download`` and the URL it
returns) is dt-in's half of the stand-in (contract point 7); until it is merged this test
serves the two routes itself, shaped as the SDK's chatbot.py get_image_download_url calls
them: downloadCode + robotCode with the token header → ``{"downloadUrl"}``, then GET.
It also says how many files it is serving at once, so the downloader's few-at-a-time is
seen, and fails a file a given number of times, so its retry is seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot.clock import SystemClock
from bot.config import Settings, load_settings
from bot.domain.visits import MediaIn
from bot.platforms import media_files
from bot.platforms.dingtalk import media
from bot.platforms.dingtalk.openapi import DingTalkConfig, DingTalkOpenAPI
from bot.platforms.media_files import media_path
from bot.runtime.context import Resources
from storage import evidence
from storage.db import Store

ROBOT = "dingrobot01"
TOKEN = uuid.uuid4().hex
SITE_PHOTO = b"\xff\xd8\xff\xe0 the lab's empty equipment room"


class FileHost:
    """DingTalk's robot file download for a few files; ``broken`` codes answer 500."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.broken: set[str] = set()
        self.url = ""
        self.delay = 0.0  # seconds each file takes to arrive
        self.fetching = 0  # files being fetched now
        self.most_at_once = 0
        self.fetched: dict[str, int] = {}
        self.failing: dict[str, int] = {}  # code → how many more tries DingTalk fails

    async def token(self, request: web.Request) -> web.Response:
        return web.json_response({"accessToken": TOKEN, "expireIn": 7200})

    async def download(self, request: web.Request) -> web.Response:
        body = await request.json()
        if request.headers.get("x-acs-dingtalk-access-token") != TOKEN:
            return web.json_response({"code": "InvalidAuthentication"}, status=401)
        code = body.get("downloadCode")
        if body.get("robotCode") != ROBOT or code not in self.files:
            return web.json_response({"code": "invalidParameter", "message": "?"}, status=400)
        if code in self.broken or self.failing.get(code, 0) > 0:
            self.failing[code] = self.failing.get(code, 0) - 1
            return web.json_response({"code": "ServiceUnavailable", "message": "!"}, status=503)
        return web.json_response({"downloadUrl": f"{self.url}/files/{code}?sig=x"})

    async def file(self, request: web.Request) -> web.Response:
        code = request.match_info["code"]
        self.fetching += 1
        self.most_at_once = max(self.most_at_once, self.fetching)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.fetching -= 1
        self.fetched[code] = self.fetched.get(code, 0) + 1
        return web.Response(body=self.files[code])


@pytest.fixture
async def host() -> AsyncIterator[FileHost]:
    files = FileHost()
    app = web.Application()
    app.router.add_post("/v1.0/oauth2/accessToken", files.token)
    app.router.add_post("/v1.0/robot/messageFiles/download", files.download)
    app.router.add_get("/files/{code}", files.file)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    files.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield files
    finally:
        await runner.cleanup()


def _photo(db, platform: str, account: str, code: str) -> int:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    person = db.execute(
        "SELECT id FROM people WHERE platform = ? AND account = ?", [platform, account]
    ).fetchone()
    person_id = (
        person[0]
        if person
        else db["people"]
        .insert(
            {
                "platform": platform,
                "account": account,
                "name": account,
                "role": "inspector",
                "created_at": now.isoformat(),
            }
        )
        .last_pk
    )
    photo = MediaIn("photo", code, code, 100, "image/jpeg", None, "", None, now, platform)
    return evidence.add_evidence(
        db, media=photo, finding_id=None, item_id=None, person_id=person_id, at=now, update_id=-1
    )


async def test_dingtalk_photos_are_stored_once_under_their_hash(
    host: FileHost, tmp_path: Path
) -> None:
    """Two DingTalk messages carrying the same photo are stored as one file named by its
    sha256, both rows pointing at it; a Telegram person's file is left to Telegram's job;
    a download DingTalk fails stays pending, to be tried again."""
    host.files = {"code-a": SITE_PHOTO, "code-b": SITE_PHOTO, "code-c": b"later"}
    host.broken = {"code-c"}
    settings = load_settings(
        {"DATABASE_PATH": str(tmp_path / "duban.sqlite"), "MEDIA_DIR": str(tmp_path / "media")},
        dotenv=tmp_path / "no.env",
    )
    store = Store(settings.database_path)
    await store.open()
    api = DingTalkOpenAPI(
        DingTalkConfig("id", "secret", ROBOT, openapi_endpoint=host.url, oapi_endpoint=host.url)
    )
    try:
        first = await store.run(_photo, "dingtalk", "wang01", "code-a")
        second = await store.run(_photo, "dingtalk", "wang01", "code-b")
        failing = await store.run(_photo, "dingtalk", "wang01", "code-c")
        telegram = await store.run(_photo, "telegram", "7001", "AgACAgIAAxkBAAIB")

        await media.download_pending(api, Resources(settings, store, SystemClock()))

        rows = await store.run(
            lambda db: {
                row[0]: row[1:]
                for row in db.execute(
                    "SELECT id, stored, sha256, download_attempts FROM evidence"
                ).fetchall()
            }
        )
    finally:
        await api.close()
        await store.close()
    sha = hashlib.sha256(SITE_PHOTO).hexdigest()
    assert rows[first][:2] == rows[second][:2] == ("stored", sha)
    assert media_path(settings.media_dir, sha).read_bytes() == SITE_PHOTO
    stored = [p for p in settings.media_dir.rglob("*") if p.is_file()]
    assert stored == [media_path(settings.media_dir, sha)]  # once, and no temporary left
    assert rows[failing] == ("pending", None, 1)
    assert rows[telegram] == ("pending", None, 0)


def _opened(tmp_path: Path) -> tuple[Settings, Store]:
    settings = load_settings(
        {"DATABASE_PATH": str(tmp_path / "duban.sqlite"), "MEDIA_DIR": str(tmp_path / "media")},
        dotenv=tmp_path / "no.env",
    )
    return settings, Store(settings.database_path)


def _api(host: FileHost) -> DingTalkOpenAPI:
    return DingTalkOpenAPI(
        DingTalkConfig("id", "secret", ROBOT, openapi_endpoint=host.url, oapi_endpoint=host.url)
    )


def _states(db) -> dict[str, tuple[str, int]]:  # type: ignore[no-untyped-def]
    rows = db.execute("SELECT file_id, stored, download_attempts FROM evidence").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


async def test_a_burst_is_fetched_a_few_files_at_a_time_each_once(
    host: FileHost, tmp_path: Path
) -> None:
    """Twelve pictures: fetched CONCURRENT at a time (not one by one, not all at once),
    each fetched once and stored under its own hash."""
    host.files = {f"code-{n}": f"photo {n}".encode() for n in range(12)}
    host.delay = 0.1
    settings, store = _opened(tmp_path)
    await store.open()
    api = _api(host)
    try:
        for code in host.files:
            await store.run(_photo, "dingtalk", "wang01", code)
        await media.download_pending(api, Resources(settings, store, SystemClock()))
        states = await store.run(_states)
    finally:
        await api.close()
        await store.close()
    assert states == {code: ("stored", 1) for code in host.files}
    assert host.fetched == {code: 1 for code in host.files}
    assert host.most_at_once == media.CONCURRENT
    for data in host.files.values():
        sha256 = hashlib.sha256(data).hexdigest()
        assert media_path(settings.media_dir, sha256).read_bytes() == data


async def test_the_running_downloader_fetches_when_woken_and_retries_a_failure_by_itself(
    host: FileHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started, it fetches what a restart left pending; a file committed later is fetched
    as soon as it is woken; a file DingTalk failed once is tried again when its retry time
    comes (here a fraction of a second), with nothing waking it."""
    monkeypatch.setattr(media_files, "MAX_RETRY_DELAY", timedelta(seconds=0.2))
    host.files = {"left": b"left by a restart", "new": b"sent just now", "flaky": b"flaky"}
    host.failing = {"flaky": 1}
    settings, store = _opened(tmp_path)
    await store.open()
    api = _api(host)
    downloader = media.Downloader(api, Resources(settings, store, SystemClock()))
    downloader.wake()  # as the runtime starts it
    await store.run(_photo, "dingtalk", "wang01", "left")
    task = asyncio.create_task(downloader.run())
    try:
        await _until(store, lambda states: states["left"] == ("stored", 1))
        await store.run(_photo, "dingtalk", "wang01", "new")
        await store.run(_photo, "dingtalk", "wang01", "flaky")
        downloader.wake()
        await _until(store, lambda states: states["new"] == ("stored", 1), within=1.0)
        await _until(store, lambda states: states["flaky"] == ("stored", 2), within=3.0)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await api.close()
        await store.close()
    assert host.fetched == {"left": 1, "new": 1, "flaky": 1}


async def _until(store: Store, holds, within: float = 2.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + within
    while not holds(await store.run(_states)):
        assert asyncio.get_running_loop().time() < deadline, await store.run(_states)
        await asyncio.sleep(0.02)


async def test_a_file_over_the_limit_is_kept_as_a_record_only(
    host: FileHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DingTalk hands a robot files of any size; one over DOWNLOAD_LIMIT is neither held in
    memory nor stored: its row says too_big, as a Telegram file over 20 MB does, and is not
    tried again. A picture beside it is stored as usual."""
    monkeypatch.setattr(media, "DOWNLOAD_LIMIT", 100_000)
    host.files = {"video": b"\x00" * 300_000, "photo": SITE_PHOTO}
    settings, store = _opened(tmp_path)
    await store.open()
    api = _api(host)
    try:
        for code in host.files:
            await store.run(_photo, "dingtalk", "wang01", code)
        services = Resources(settings, store, SystemClock())
        await media.download_pending(api, services)
        await media.download_pending(api, services)  # a later look leaves it as it is
        states = await store.run(_states)
    finally:
        await api.close()
        await store.close()
    assert states == {"video": ("too_big", 0), "photo": ("stored", 1)}
    assert host.fetched == {"video": 1, "photo": 1}
    stored = [p.read_bytes() for p in settings.media_dir.rglob("*") if p.is_file()]
    assert stored == [SITE_PHOTO]
