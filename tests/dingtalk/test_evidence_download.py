"""DingTalk evidence reaches MEDIA_DIR: fetched by downloadCode, stored once under its hash.

The stand-in's robot file download (``/v1.0/robot/messageFiles/download`` and the URL it
returns) is dt-in's half of the stand-in (contract point 7); until it is merged this test
serves the two routes itself, shaped as the SDK's chatbot.py get_image_download_url calls
them: downloadCode + robotCode with the token header → ``{"downloadUrl"}``, then GET.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from bot.clock import SystemClock
from bot.config import load_settings
from bot.domain.visits import MediaIn
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

    async def token(self, request: web.Request) -> web.Response:
        return web.json_response({"accessToken": TOKEN, "expireIn": 7200})

    async def download(self, request: web.Request) -> web.Response:
        body = await request.json()
        if request.headers.get("x-acs-dingtalk-access-token") != TOKEN:
            return web.json_response({"code": "InvalidAuthentication"}, status=401)
        code = body.get("downloadCode")
        if body.get("robotCode") != ROBOT or code not in self.files:
            return web.json_response({"code": "invalidParameter", "message": "?"}, status=400)
        if code in self.broken:
            return web.json_response({"code": "ServiceUnavailable", "message": "!"}, status=503)
        return web.json_response({"downloadUrl": f"{self.url}/files/{code}?sig=x"})

    async def file(self, request: web.Request) -> web.Response:
        return web.Response(body=self.files[request.match_info["code"]])


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
    photo = MediaIn("photo", code, code, 100, "image/jpeg", None, "", None, now)
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
