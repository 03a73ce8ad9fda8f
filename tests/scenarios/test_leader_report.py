"""The leader's report on a phone (issue 14): the summary, then one tall picture of the key
figures, the red and newly overdue items and the worst units, then the detailed charts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image

from bot.domain.audit import Origin
from bot.domain.lifecycle import Role
from storage import leader_units
from tests.harness import Duban, at, office
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms

WAIT = 20.0  # a job is picked up within a second; charts take a moment on a slow machine


async def test_leader_report_starts_with_one_tall_picture(duban: Duban) -> None:
    """A leader overseeing 工信局 asks for this year's report: after the summary comes one
    picture, alone, 1080 px wide and taller than wide; the detailed charts follow."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    leader = await duban.register(6201, "陈主任", Role.LEADER)
    person = duban.person_id(6201)
    db = duban.db()
    try:
        unit = db.execute("SELECT id FROM units WHERE name = '工信局'").fetchone()[0]
        leader_units.add(db, person, unit, Origin.cli(datetime.now(UTC)))
    finally:
        db.close()

    await leader.send("/report")
    await leader.expect("督办报表")
    await leader.tap("本年")
    await leader.expect("期间：本年")
    await leader.tap("📊 生成报表")
    await leader.expect("事项 6 项，已销号 2 项", within=WAIT)
    await duban.settle(WAIT)
    photos = [m for m in leader.bot_messages if m.photo]
    first, *charts = photos
    place = [m.message_id for m in leader.bot_messages]
    # The picture comes alone and first, with its caption; the charts follow as one album.
    if duban.platform == "telegram":
        assert first.get("media_group_id") is None and "督办一览" in first.text
        assert len({m["media_group_id"] for m in charts}) == 1
    else:  # DingTalk has no captions, nor albums: the words follow the picture on their own
        assert "督办一览" in leader.bot_messages[place.index(first.message_id) + 1].text
    assert len(charts) >= 5
    assert place.index(first.message_id) < min(place.index(m.message_id) for m in charts)
    largest = max(first.photo, key=lambda size: size.get("width", 0) * size.get("height", 0))
    with Image.open(io.BytesIO(leader.download(largest["file_id"]))) as picture:
        width, height = picture.size
    assert width >= 1000 and height > width


async def test_contact_report_has_no_leader_picture(duban: Duban) -> None:
    """The picture is the leader's page: a contact's report is the summary and charts."""
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    contact = await duban.register(6202, "钱联络", Role.CONTACT, unit="工信局")
    await contact.send("/report")
    await contact.expect("督办报表")
    await contact.tap("📊 生成报表")
    await contact.expect("本单位：工信局", within=WAIT)
    await duban.settle(WAIT)
    assert not any("督办一览" in m.text for m in contact.bot_messages)


async def test_weekly_digest_opens_with_the_picture_for_leaders(duban_clock: Duban) -> None:
    """On Monday the leader's digest is the week's picture, then the words with the 📄 完整周报
    button, his 分管 unit's red item listed first; the office gets the words alone."""
    admin = await office(duban_clock)
    leader = await duban_clock.register(6211, "陈主任", Role.LEADER)
    theirs = duban_clock.seed_task("技改项目推进缓慢", "工信局", date(2024, 4, 1))
    ours = duban_clock.seed_task("高企培育后备库入库企业偏少", "科技局", date(2024, 4, 20))
    db = duban_clock.db()
    try:
        person = duban_clock.person_id(6211)
        unit = db.execute("SELECT id FROM units WHERE name = '科技局'").fetchone()[0]
        leader_units.add(db, person, unit, Origin.cli(at(5, 31)))
    finally:
        db.close()
    await duban_clock.sweep(at(5, 31))
    await duban_clock.sweep(at(6, 3))
    words = await leader.expect("督办周报", within=WAIT)
    photos = [m for m in leader.bot_messages if m.photo]
    place = [m.message_id for m in leader.bot_messages]
    assert len(photos) == 1 and place.index(photos[0].message_id) < place.index(words.message_id)
    # DingTalk has no captions: the picture's words are the message after it.
    caption = place.index(photos[0].message_id) + (1 if duban_clock.platform == "dingtalk" else 0)
    assert "本周一览" in leader.bot_messages[caption].text
    assert words.text.index(ours.code) < words.text.index(theirs.code)
    assert "📄 完整周报" in words.buttons
    await admin.expect("督办周报")
    assert not any(m.photo for m in admin.bot_messages)
