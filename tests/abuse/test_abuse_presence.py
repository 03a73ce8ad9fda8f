"""Proof of presence under abuse: forged coordinate buttons, impossible locations, and a
proposal overtaken by the office. Each is refused or answered politely and changes nothing
it should not."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.audit import ActorKind, Origin
from bot.domain.lifecycle import Role
from bot.domain.presence import Point
from storage import presence, visits
from tests.harness import Duban, office, start_visit

ADMIN_ONLY = "此操作仅限管理员"


def _places(duban: Duban) -> list[tuple]:
    db = duban.db()
    try:
        return db.execute(
            "SELECT id, latitude, longitude, coordinates_source FROM companies ORDER BY id"
        ).fetchall()
    finally:
        db.close()


async def test_inspector_cannot_set_or_confirm_coordinates(duban: Duban) -> None:
    """Buttons forged for an inspector (confirm a proposal, set a place, open /company) and
    the typed command are refused with the admin-only answer; no company moves."""
    company = duban.seed_company("力威机械", "磨头镇")
    wang = await duban.register(8601, "王督查", Role.INSPECTOR)
    db = duban.db()
    try:
        at = datetime.now(UTC)
        origin = Origin(ActorKind.USER, "8601", at, person_id=duban.person_id(8601))
        with db.atomic():
            visit = visits.start_visit(db, company, duban.person_id(8601), at, platform="telegram")
            proposal = presence.propose(db, company, visit, Point(32.37, 120.56), origin)
    finally:
        db.close()
    before = _places(duban)
    inspector_id = duban.person_id(8601)
    for action, payload in (
        ("place.confirm", {"p": proposal}),
        ("place.reject", {"p": proposal}),
        ("place.set", {"company": company}),
        ("place.company", {"company": company}),
    ):
        wang.skip_to_end()
        duban.forge_callback(wang, duban.make_button(inspector_id, action, payload))
        await wang.expect(ADMIN_ONLY)
    await wang.send("/company 力威")
    await wang.expect(ADMIN_ONLY)
    assert _places(duban) == before
    db = duban.db()
    try:
        assert db.execute("SELECT outcome FROM company_place_proposals").fetchone() == (None,)
        assert db.execute("SELECT count(*) FROM dialogs").fetchone()[0] == 0
    finally:
        db.close()


async def test_impossible_location_is_refused_and_not_recorded(duban: Duban) -> None:
    """A modified client's latitude 91 / longitude 200 during a visit: a polite word, the
    visit stays unlocated, and no proposal reaches the office."""
    duban.seed_item("高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局")
    admin = await office(duban)
    wang = await duban.register(8611, "王督查", Role.INSPECTOR)
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    duban.send_raw(wang, {"location": {"latitude": 91.0, "longitude": 200.0}})
    await wang.expect("这个位置无法识别")
    db = duban.db()
    try:
        assert db.execute("SELECT located_at FROM visits").fetchone() == (None,)
        assert db.execute("SELECT count(*) FROM company_place_proposals").fetchone()[0] == 0
    finally:
        db.close()
    await admin.expect_silence(0.5)


async def test_proposal_overtaken_by_the_office_is_answered_not_applied(duban: Duban) -> None:
    """An administrator sets the place with /company while a visit's proposal waits; a later
    ✅ on the old notice says it was decided and keeps the office's place."""
    duban.seed_item("高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局")
    admin = await office(duban)
    wang = await duban.register(8621, "王督查", Role.INSPECTOR)
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    await wang.send_location(32.3700, 120.5930)
    await admin.expect("企业坐标待确认")
    _, kept = admin.find_button("✅ 确认为企业坐标")  # the notice loses it once settled
    await admin.send("/company 力威机械")
    await admin.expect("待确认的坐标建议")
    await admin.tap("📍 设置坐标")
    await admin.expect("请发送 力威机械 的位置")
    await admin.send("32.37N 120.56E")
    await admin.expect("已为 1 次走访补算距离")
    notice = await admin.expect("另行设置企业坐标：32.37000N 120.56000E")  # the notice, redrawn
    assert "企业坐标待确认：力威机械" in notice.text and notice.buttons == []
    await duban.forge_tap(admin, kept)
    await admin.expect("已处理过了")
    db = duban.db()
    try:
        place = db.execute(
            "SELECT latitude, longitude, coordinates_source FROM companies WHERE name = '力威机械'"
        ).fetchone()
        assert place == (32.37, 120.56, "admin")
        assert db.execute("SELECT outcome FROM company_place_proposals").fetchone() == (
            "superseded",
        )
        assert 3000 < db.execute("SELECT distance_m FROM visits").fetchone()[0] < 3200
    finally:
        db.close()


async def test_setting_a_place_for_a_company_that_is_gone(duban: Duban) -> None:
    """A 📍 设置坐标 button for a company id that does not exist gets a plain answer."""
    admin = await office(duban)
    duban.forge_callback(
        admin, duban.make_button(duban.person_id(9000), "place.set", {"company": 99_999})
    )
    await admin.expect("这家企业已不在台账中")


async def test_a_picked_venue_is_not_proof_of_presence(duban: Duban) -> None:
    """A venue picked from Telegram's list (the company itself, 0 m away) is not where the
    phone is: it is refused as arrival and the visit stays unlocated; the real location
    sent next is recorded."""
    duban.seed_item("高企申报材料不全", company="力威机械", town="磨头镇", unit="科技局")
    wang = await duban.register(8631, "王督查", Role.INSPECTOR)
    await start_visit(wang, "力威", "力威机械（磨头镇）")
    spot = {"latitude": 32.37, "longitude": 120.56}
    venue = {"location": spot, "title": "力威机械", "address": "磨头镇"}
    duban.send_raw(wang, {"location": spot, "venue": venue})
    await wang.expect("这是从列表中选取的地点")
    db = duban.db()
    try:
        assert db.execute("SELECT located_at FROM visits").fetchone() == (None,)
    finally:
        db.close()
    await wang.send_location(32.3701, 120.5601)
    await wang.expect("已记录到场位置")
