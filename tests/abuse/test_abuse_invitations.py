"""Invitation links are bearer tokens: a forwarded link, a link used twice, a stale or
crafted confirmation. Each is refused or reported, and nothing changes that should not."""

from __future__ import annotations

from bot.domain.lifecycle import Role
from tests.abuse.test_abuse_roles import UNTOUCHED, tap_own
from tests.harness import TOKEN, Duban, invite_in_chat, office


def _people(duban: Duban) -> dict[int, tuple]:
    db = duban.db()
    try:
        rows = db.execute(
            "SELECT CAST(account AS INTEGER), role, active, name FROM people"
        ).fetchall()
    finally:
        db.close()
    return {row[0]: row[1:] for row in rows}


async def test_forwarded_admin_link_is_reported_and_stopped(duban: Duban) -> None:
    """An admin link forwarded to someone else registers them, but the admin who made it
    is told exactly who (name, @username, id) and shuts them out with one tap; the
    intended person then finds the link used."""
    admin = await office(duban)
    code, _ = await invite_in_chat(admin, "管理员", "钱主任")

    thief = duban.sandbox.phone(user_id=8601, name="不明人", username="not_qian", token=TOKEN)
    duban.phones.append(thief)
    await thief.send(f"/start {code}")
    await thief.expect("欢迎，钱主任")
    notice = await admin.expect("邀请已被使用")
    assert "不明人 @not_qian（Telegram ID 8601）" in notice.text
    await admin.tap("⛔ 立即停用")
    await admin.expect("钱主任 已停用")
    assert _people(duban)[8601][:2] == ("admin", 0)

    await thief.send("/users")
    await thief.expect("仅限受邀人员")
    real = duban.phone(8602, "钱")
    await real.send(f"/start {code}")
    await real.expect("已经使用过了")
    assert 8602 not in _people(duban)


async def test_used_link_cannot_be_redeemed_again(duban: Duban) -> None:
    """Re-redeeming a used link, by its owner or anyone else, is refused and changes
    nobody; the inviter is not told a second time."""
    admin = await office(duban)
    code = duban.invitation(Role.INSPECTOR, "王督查")
    owner = duban.phone(8603, "王")
    await owner.send(f"/start {code}")
    await owner.expect("欢迎，王督查")
    await admin.expect("邀请已被使用")
    await duban.settle()
    before_people = _people(duban)
    before = duban.table_counts(skip=UNTOUCHED)

    await owner.send(f"/start {code}")
    await owner.expect("已经使用过了")
    other = duban.phone(8604, "李")
    await other.send(f"/start {code}")
    await other.expect("已经使用过了")
    await duban.settle()
    assert _people(duban) == before_people
    assert duban.table_counts(skip=UNTOUCHED) == before
    await admin.expect_silence()


async def test_stale_confirmation_redeems_nothing(duban: Duban) -> None:
    """A registered person's confirm button for a link someone else used (or that was
    revoked) meanwhile is refused; their registration stays as it was."""
    await office(duban)
    contact = await duban.register(8605, "赵联络", Role.CONTACT, unit="科技局")
    code = duban.invitation(Role.INSPECTOR, "王督查")
    await contact.send(f"/start {code}")
    await contact.expect("将更改您的登记信息")
    quicker = duban.phone(8606, "王")
    await quicker.send(f"/start {code}")
    await quicker.expect("欢迎，王督查")

    await contact.tap("✅ 确认更改")
    await contact.expect("已经使用过了")
    assert _people(duban)[8605] == ("contact", 1, "赵联络")

    revoked = duban.invitation(Role.LEADER, "陈主任")
    db = duban.db()
    try:
        db.execute("UPDATE invitations SET revoked_at = created_at WHERE name = '陈主任'")
    finally:
        db.close()
    await contact.send(f"/start {revoked}")
    await contact.expect("已被撤销")
    assert _people(duban)[8605] == ("contact", 1, "赵联络")


async def test_confirm_button_of_someone_else_does_nothing(duban: Duban) -> None:
    """The confirm button belongs to the person it was shown to: pressed by anyone else it
    is refused, and the invitation stays unused."""
    await office(duban)
    contact = await duban.register(8607, "赵联络", Role.CONTACT, unit="科技局")
    intruder = await duban.register(8608, "孙联络", Role.CONTACT, unit="工信局")
    code = duban.invitation(Role.ADMIN, "钱主任")
    await contact.send(f"/start {code}")
    await contact.expect("将更改您的登记信息")
    _, data = contact.find_button("✅ 确认更改")
    query = duban.forge_callback(intruder, data)
    await duban.settle()
    assert [a.get("text") for a in duban.answers(query)] == ["这个按钮不属于您。"]
    assert _people(duban)[8608] == ("contact", 1, "孙联络")
    db = duban.db()
    try:
        used = db.execute("SELECT used_at FROM invitations WHERE name = '钱主任'").fetchone()
    finally:
        db.close()
    assert used == (None,)


async def test_crafted_revoke_payloads_change_nothing(duban: Duban) -> None:
    """An admin's revoke button whose payload names no invitation, an old-style code or a
    text is answered politely and revokes nothing."""
    admin = await office(duban)
    duban.invitation(Role.INSPECTOR, "王督查")
    await duban.settle()
    before = duban.table_counts(skip=UNTOUCHED)
    for payload in ({"code": "whatever"}, {"invitation": "1"}, {"invitation": 999}, {}):
        said = await tap_own(duban, admin, "invite.revoke", payload)
        assert any("已被使用或已撤销" in text for text in said), f"{payload}: {said}"
    assert duban.table_counts(skip=UNTOUCHED) == before
    db = duban.db()
    try:
        assert db.execute("SELECT revoked_at FROM invitations").fetchone() == (None,)
    finally:
        db.close()


async def test_a_code_typed_with_extra_spaces_leaves_no_trace_in_the_inbox(duban: Duban) -> None:
    """Someone types the link's code by hand as "/start   CODE" (Telegram keeps the inner
    spaces, and the bot still reads the code): they are registered, and the stored update
    keeps no copy of the code, as with a tapped link."""
    code = duban.invitation(Role.INSPECTOR, "孙督查")
    typist = duban.sandbox.phone(user_id=8611, name="孙", token=TOKEN)
    duban.phones.append(typist)
    await typist.send(f"/start   {code}")
    await typist.expect("欢迎，孙督查")
    await duban.settle()
    db = duban.db()
    try:
        kept = db.execute("SELECT count(*) FROM inbox WHERE instr(raw, ?) > 0", [code]).fetchone()
    finally:
        db.close()
    assert kept == (0,)
    assert _people(duban)[8611][:2] == ("inspector", 1)
