"""``duban demo``: the seeded story, the roster the page offers, and the page's routes."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import aiohttp
import pytest

from bot.cli.demo import (
    COMPANY_PLACES,
    PEOPLE,
    ROWS,
    TIMEZONE,
    Demo,
    office_hours_offset,
    start_demo,
)
from bot.domain.workdays import WorkCalendar
from sandbox.images import make_jpeg
from storage.db import connect


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    """The whole demo on a free port, seeded into a temporary directory."""
    running = await start_demo(tmp_path / "demo")
    try:
        yield running
    finally:
        await running.stop()


async def _json(session: aiohttp.ClientSession, url: str) -> object:
    async with session.get(url) as response:
        assert response.status == 200, url
        return await response.json()


async def test_demo_seeds_the_table_through_the_import(demo: Demo) -> None:
    """Every row of the generated sheet becomes an item; some are moving, two are closed."""
    assert (demo.directory / "督查推进任务表.xlsx").is_file()
    db = connect(demo.directory / "duban.sqlite")
    try:
        statuses = dict(db.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall())
        assert sum(statuses.values()) == len(ROWS)
        assert statuses["closed"] == 2 and statuses["in_progress"] == 9
        assert db.execute("SELECT count(*) FROM items WHERE recurring = 'quarterly'").fetchone()[0]
        assert db.execute("SELECT count(*) FROM items WHERE ongoing = 1").fetchone()[0]
        target = db.execute("SELECT target_number FROM items WHERE target = '净增142家'").fetchone()
        assert target == (142.0,)
        names = {row[0] for row in db.execute("SELECT name FROM people WHERE active = 1")}
        assert names == {person.name for person in PEOPLE}
        # Nothing but the import and the demo itself wrote to the ledger.
        kinds = {row[0] for row in db.execute("SELECT DISTINCT actor_kind FROM audit_events")}
        assert kinds <= {"import", "system"}
    finally:
        db.close()


async def test_demo_companies_have_their_places_from_the_sheet(demo: Demo) -> None:
    """The sheet's 纬度/经度 columns place the companies near 如皋 (about 32.37N 120.56E);
    海泰科特 is left unplaced so its first located visit shows the proposal to 办公室."""
    db = connect(demo.directory / "duban.sqlite")
    try:
        rows = db.execute(
            "SELECT name, latitude, longitude, coordinates_source FROM companies ORDER BY name"
        ).fetchall()
    finally:
        db.close()
    placed = {name: (lat, lng, source) for name, lat, lng, source in rows if lat is not None}
    assert set(placed) == set(COMPANY_PLACES)
    assert "海泰科特" not in placed
    for lat, lng, source in placed.values():
        assert abs(lat - 32.37) < 0.2 and abs(lng - 120.56) < 0.2 and source == "sheet"


async def test_contact_gets_reminders_whenever_the_demo_starts(demo: Demo) -> None:
    """The demo clock is in office hours, so 赵联络 has the day's reminder within seconds."""
    local = demo.clock.now().astimezone(TIMEZONE)
    assert time(9) <= local.time() < time(21)
    async with aiohttp.ClientSession(demo.sandbox.url) as session:
        for _ in range(100):
            history = await _json(session, "/sandbox/chats/default/2001")
            texts = [m.get("text", "") for m in history["messages"]]
            if any("科技局" in text for text in texts):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"no reminder for 赵联络; the chat shows {texts}")
        commands = await _json(session, "/sandbox/chats/default/2001/commands")
        assert "help" in [command["command"] for command in commands]


async def test_page_and_roster_are_served(demo: Demo) -> None:
    """/ leads to the page, its files load, the roster lists the people, nothing else leaks."""
    async with aiohttp.ClientSession(demo.sandbox.url) as session:
        async with session.get("/") as response:
            assert str(response.url).endswith("/phone/")
            page = await response.text()
            assert "phone.js" in page and response.content_type == "text/html"
        for name, kind in (("phone.js", "text/javascript"), ("phone.css", "text/css")):
            async with session.get(f"/phone/{name}") as response:
                assert response.status == 200 and response.content_type == kind
        for bad in ("/phone/../server.py", "/phone/%2E%2E%2Fserver.py", "/phone/server.py"):
            async with session.get(bad) as response:
                assert response.status == 404, bad
        roster = await _json(session, "/sandbox/roster")
        assert [p["name"] for p in roster["people"]] == [p.name for p in PEOPLE]
        assert roster["places"][0]["name"].startswith("卓远半导体")


async def test_album_from_the_page_arrives_as_one_media_group(demo: Demo) -> None:
    """Several photos picked at once reach the bot as one album."""
    photos = [
        {
            "data": base64.b64encode(make_jpeg(64, 48, shade)).decode(),
            "file_name": f"{shade}.jpg",
            "mime_type": "image/jpeg",
        }
        for shade in range(3)
    ]
    async with (
        aiohttp.ClientSession(demo.sandbox.url) as session,
        session.post(
            "/sandbox/chats/default/1002/album", json={"photos": photos, "caption": "车间"}
        ) as response,
    ):
        messages = await response.json()
    assert len(messages) == 3
    assert len({message["media_group_id"] for message in messages}) == 1
    assert messages[0]["caption"] == "车间"


def test_demo_clock_moves_a_saturday_night_to_monday_morning() -> None:
    """Started on a weekend evening, the demo's clock reads the next working morning."""
    calendar = WorkCalendar({date(2025, 3, 8): False, date(2025, 3, 9): False})
    saturday_night = datetime(2025, 3, 8, 22, 30, tzinfo=TIMEZONE).astimezone(UTC)
    moved = (saturday_night + office_hours_offset(saturday_night, calendar)).astimezone(TIMEZONE)
    assert (moved.date(), moved.time()) == (date(2025, 3, 10), time(9, 5))
    tuesday_noon = datetime(2025, 3, 11, 12, 0, tzinfo=TIMEZONE)
    assert not office_hours_offset(tuesday_noon, calendar)


async def test_leader_opens_a_chat_with_an_escalation_and_the_digest(demo: Demo) -> None:
    """陈主任 oversees 科技局 and 高新区管委会 (分管); his chat holds the red item of his unit
    (not 吴窑镇's), and this week's digest opening with its picture, as the page promises."""
    db = connect(demo.directory / "duban.sqlite")
    try:
        units = {
            row[0]
            for row in db.execute(
                "SELECT u.name FROM leader_units l JOIN units u ON u.id = l.unit_id "
                "JOIN people p ON p.id = l.person_id WHERE p.name = '陈主任'"
            )
        }
        codes = dict(db.execute("SELECT seq, code FROM items").fetchall())
    finally:
        db.close()
    assert units == {"科技局", "高新区管委会"}
    async with aiohttp.ClientSession(demo.sandbox.url) as session:
        for _ in range(300):
            history = await _json(session, "/sandbox/chats/default/3001")
            messages = history["messages"]
            texts = [m.get("text") or m.get("caption") or "" for m in messages]
            if any("督办周报" in text for text in texts):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"no digest for 陈主任; the chat shows {texts}")
        office = await _json(session, "/sandbox/chats/default/9001")
    red = [text for text in texts if text.startswith("🔴 红色督办")]
    assert len(red) == 1 and codes["14"] in red[0]
    assert not any(codes["9"] in text for text in red)
    office_texts = [m.get("text", "") for m in office["messages"]]
    assert any(text.startswith("🔴 红色督办") and codes["9"] in text for text in office_texts)
    photos = [index for index, m in enumerate(messages) if m.get("photo")]
    digest_at = next(index for index, text in enumerate(texts) if "督办周报" in text)
    assert photos and photos[0] < digest_at  # the picture, then the words
