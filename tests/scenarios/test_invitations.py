"""Administrators from ADMIN_IDS and invitation links, as the office and newcomers meet them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.lifecycle import Role
from storage.db import backup
from storage.people import SCRUBBED_TEXT
from tests.harness import ADMIN_ID, TOKEN, AnyPhone, Duban, answered, invite_in_chat, office

pytestmark = pytest.mark.both_platforms


def _phone(duban: Duban, user_id: int, name: str, username: str | None = None) -> AnyPhone:
    """A phone whose Telegram account has an @username (duban.phone makes none); on
    DingTalk, which has no usernames, the person's DingTalk phone."""
    if duban.platform == "dingtalk":
        return duban.phone(user_id, name)
    phone = duban.sandbox.phone(user_id=user_id, name=name, username=username, token=TOKEN)
    duban.phones.append(phone)
    return phone


def _row(duban: Duban, sql: str, params: list) -> tuple:
    db = duban.db()
    try:
        return db.execute(sql, params).fetchone()
    finally:
        db.close()


def _person(duban: Duban, user_id: int) -> tuple:
    """Role, active and unit of the person a test's phone ``user_id`` registered as."""
    return _row(
        duban,
        "SELECT p.role, p.active, u.name FROM people p LEFT JOIN units u ON u.id = p.unit_id "
        "WHERE p.id = ?",
        [duban.person_id(user_id)],
    )


def _used(duban: Duban, name: str) -> tuple:
    return _row(
        duban, "SELECT used_at, used_by, revoked_at FROM invitations WHERE name = ?", [name]
    )


async def test_admin_ids_admin_is_restored_on_their_next_update(duban: Duban) -> None:
    """An ADMIN_IDS admin demoted and deactivated in the database is an active admin again
    at their next message, and the restoration is audited."""
    admin = await office(duban)
    db = duban.db()
    try:
        db.execute(
            "UPDATE people SET role = 'contact', active = 0 WHERE id = ?",
            [duban.person_id(ADMIN_ID)],
        )
    finally:
        db.close()
    await admin.send("/invite")
    await admin.expect("邀请哪类用户")
    assert _person(duban, ADMIN_ID)[:2] == ("admin", 1)
    restored = _row(
        duban,
        "SELECT count(*) FROM audit_events WHERE action = 'admin_restored_from_settings'",
        [],
    )
    assert restored == (1,)


async def test_admin_ids_admin_cannot_be_demoted_or_deactivated_from_users(duban: Duban) -> None:
    """Another administrator sees why the ADMIN_IDS admin's buttons do nothing: each tap is
    refused with the reason, and the ADMIN_IDS admin stays an active administrator."""
    await office(duban)
    other = await duban.register(5101, "钱主任", Role.ADMIN)
    await other.send("/users")
    await other.expect("位用户")
    await other.tap("🔒 办公室管理员 · 管理员")
    # The setting that makes them an administrator, named where the office would change it.
    setting = "DINGTALK_ADMIN_IDS" if duban.platform == "dingtalk" else "ADMIN_IDS"
    card = await other.expect(f"（{setting}）")
    assert "停用" in card.buttons
    await other.tap("督查人员")
    refused = await other.expect("不能在这里降级、停用或移交")
    assert f"请修改服务器上的 {setting} 设置" in refused.text
    await other.tap("停用")
    await other.expect("不能在这里降级、停用或移交")
    await other.tap("移交工作")
    await other.expect("不能在这里降级、停用或移交")
    assert _person(duban, ADMIN_ID)[:2] == ("admin", 1)


async def test_registered_person_confirms_before_an_invitation_changes_them(
    duban: Duban,
) -> None:
    """A contact who taps an inspector's link is shown what would change; keeping as is
    changes nothing and leaves the link unused, confirming changes role and unit."""
    contact = await duban.register(5102, "赵联络", Role.CONTACT, unit="科技局")
    code = duban.invitation(Role.INSPECTOR, "王督查")

    await contact.send(f"/start {code}")
    ask = await contact.expect("将更改您的登记信息")
    assert "联络员 → 督查人员" in ask.text and "科技局 → 无" in ask.text
    assert _person(duban, 5102) == ("contact", 1, "科技局")
    assert _used(duban, "王督查")[0] is None
    await contact.tap("保持不变")
    await contact.expect("邀请也没有被使用")
    assert _person(duban, 5102) == ("contact", 1, "科技局")
    assert _used(duban, "王督查")[0] is None

    await contact.send(f"/start {code}")
    await contact.expect("将更改您的登记信息")
    await contact.tap("✅ 确认更改")
    await contact.expect("您现在登记为 王督查（督查人员）")
    assert _person(duban, 5102) == ("inspector", 1, None)
    assert _used(duban, "王督查")[1] == duban.person_id(5102)


async def test_admin_ids_admin_cannot_redeem_an_invitation(duban: Duban) -> None:
    """The admin who taps the link they just made is told why nothing happened; they stay an
    administrator and the link still works for the invited person."""
    admin = await office(duban)
    code, _ = await invite_in_chat(admin, "督查人员", "王督查")
    await admin.send(f"/start {code}")
    await admin.expect("身份不能通过邀请链接更改")
    assert _person(duban, ADMIN_ID)[:2] == ("admin", 1)
    assert _used(duban, "王督查")[0] is None
    stored = _row(duban, "SELECT count(*) FROM inbox WHERE instr(raw, ?) > 0", [code])
    assert stored == (0,), "the refused /start kept the code in the inbox"

    invited = duban.phone(5103, "王")
    await invited.send(f"/start {code}")
    await invited.expect("欢迎，王督查")


async def test_inviter_is_told_who_used_the_link_and_can_deactivate_them(duban: Duban) -> None:
    """When a link is used, its maker learns who used it as their platform names them (on
    Telegram name, @username and id; on DingTalk nick and staff id), the message with the
    link says it was used, and one tap deactivates them."""
    admin = await office(duban)
    code, link_message = await invite_in_chat(admin, "督查人员", "王督查")
    stranger = _phone(duban, 5104, "张三", username="zhang_san")
    await stranger.send(f"/start {code}")
    await stranger.expect("欢迎，王督查")

    # DingTalk names a person by nick and staff id, and has no @usernames.
    named, handle = {
        "telegram": ("张三 @zhang_san（Telegram ID 5104）", "@zhang_san"),
        "dingtalk": ("张三（钉钉 ID staff5104）", "staff5104"),
    }[duban.platform]
    notice = await admin.expect("邀请已被使用")
    assert named in notice.text
    await duban.settle()
    edited = next(m for m in admin.bot_messages if m.message_id == link_message)
    assert "邀请已使用" in edited.text and handle in edited.text
    assert code not in edited.text and not edited.buttons

    await admin.tap("⛔ 立即停用")
    await admin.expect("王督查 已停用")
    assert _person(duban, 5104)[1] == 0
    await stranger.send("/help")
    await stranger.expect("仅限受邀人员")


async def test_admin_invitation_lapses_after_24_hours(clocked_duban: Duban) -> None:
    """An administrator's invitation expires after a day by default, while an inspector's
    made at the same time still works (it lasts invitation_days)."""
    duban = clocked_duban
    admin = await office(duban)
    admin_code, _ = await invite_in_chat(admin, "管理员", "钱主任")
    inspector_code, _ = await invite_in_chat(admin, "督查人员", "王督查")
    expires = _row(
        duban, "SELECT expires_at, created_at FROM invitations WHERE name = ?", ["钱主任"]
    )
    assert expires[0] > expires[1]
    duban.clock.advance(timedelta(hours=24, minutes=1))

    late = duban.phone(5105, "钱")
    await late.send(f"/start {admin_code}")
    await late.expect("已过期")
    inspector = duban.phone(5106, "王")
    await inspector.send(f"/start {inspector_code}")
    await inspector.expect("欢迎，王督查")


async def test_admin_invitation_hours_is_a_setting(duban: Duban) -> None:
    """The office can change how long an admin invitation lasts in /settings."""
    admin = await office(duban)
    await admin.send("/settings")
    await admin.expect("管理员邀请有效小时数")
    await admin.tap("管理员邀请有效小时数")
    await admin.expect("管理员邀请有效小时数")
    await admin.send("6小时")
    await admin.expect("「管理员邀请有效小时数」已改为 6")
    await invite_in_chat(admin, "管理员", "钱主任")
    created, expires = _row(
        duban, "SELECT created_at, expires_at FROM invitations WHERE name = ?", ["钱主任"]
    )
    lifetime = datetime.fromisoformat(expires) - datetime.fromisoformat(created)
    assert lifetime == timedelta(hours=6)


async def test_invite_lists_pending_invitations_with_revoke(duban: Duban) -> None:
    """/invite shows the invitations nobody has used yet; revoking one kills its link and
    its message says so, and the list no longer shows it."""
    admin = await office(duban)
    code, link_message = await invite_in_chat(admin, "督查人员", "王督查")
    duban.invitation(Role.LEADER, "陈主任")
    used = duban.invitation(Role.INSPECTOR, "李代表")
    await duban.phone(5107, "李").send(f"/start {used}")

    await admin.send("/invite")
    listing = await admin.expect("尚未使用的邀请（2 个）")
    assert "王督查" in listing.text and "陈主任" in listing.text and "李代表" not in listing.text
    await admin.tap("撤销：王督查（督查人员）")
    await admin.expect("邀请已撤销。")
    await duban.settle()
    edited = next(m for m in admin.bot_messages if m.message_id == link_message)
    assert "邀请已撤销" in edited.text and code not in edited.text

    late = duban.phone(5108, "王")
    await late.send(f"/start {code}")
    await late.expect("已被撤销")
    await admin.send("/invite")
    listing = await admin.expect("尚未使用的邀请（1 个）")
    assert "王督查" not in listing.text


async def test_no_plain_code_in_a_backup_of_a_running_bot(duban: Duban, tmp_path: Path) -> None:
    """The link exists only on the admin's phone: once sent, the outbox keeps no text of
    it, and a backup of the database holds neither a live code nor a used one."""
    admin = await office(duban)
    live, live_message = await invite_in_chat(admin, "管理员", "钱主任")
    used, _ = await invite_in_chat(admin, "督查人员", "王督查")
    await duban.phone(5109, "王").send(f"/start {used}")
    await admin.expect("邀请已被使用")
    await duban.settle()
    await duban.runtime.run_job("invitations.forget_links")
    stored = _row(
        duban,
        "SELECT json_extract(o.payload, '$.text') FROM outbox o "
        "JOIN invitations i ON i.message_key = o.dedup_key WHERE i.name = ?",
        ["钱主任"],
    )
    assert stored == (SCRUBBED_TEXT,)
    assert live in next(m for m in admin.bot_messages if m.message_id == live_message).text

    copy = tmp_path / "backup.sqlite"
    backup(duban.settings.database_path, copy)
    data = copy.read_bytes()
    assert live.encode() not in data and used.encode() not in data


async def test_long_pending_list_stays_within_telegram_limits(duban: Duban) -> None:
    """With more open invitations than fit, /invite lists the 30 that lapse soonest, says
    how many more there are, and counts them all."""
    admin = await office(duban)
    for number in range(32):
        duban.invitation(Role.INSPECTOR, f"督查{number:02d}")
    await admin.send("/invite")
    listing = await admin.expect("尚未使用的邀请（32 个）")
    assert "另有 2 个未列出" in listing.text
    assert len(listing.buttons) == 30 and "督查00" in listing.text and "督查31" not in listing.text


async def test_second_tap_on_confirm_is_answered_and_changes_nothing_more(duban: Duban) -> None:
    """The question is edited into its answer, without buttons; a double tap on ✅ that
    still arrives confirms once, and the second tap just says who they are now."""
    contact = await duban.register(5110, "赵联络", Role.CONTACT, unit="科技局")
    code = duban.invitation(Role.LEADER, "赵主任")
    await contact.send(f"/start {code}")
    await contact.expect("将更改您的登记信息")
    _, confirm = contact.find_button("✅ 确认更改")
    await contact.tap("✅ 确认更改")
    answered = await contact.expect("您现在登记为 赵主任（分管领导）")
    assert not answered.buttons, "the answered question still shows its buttons"
    await duban.forge_tap(contact, confirm)  # a second tap that was already on its way
    await contact.expect("您好，赵主任！您已登记为分管领导")
    assert _person(duban, 5110) == ("leader", 1, None)


async def test_keep_tapped_after_confirm_does_not_say_nothing_changed(duban: Duban) -> None:
    """✅ and then 保持不变 on the same question (the second tap on its way before the edit
    showed): the change stands, and the answer says who they are now — never that their
    registration stayed as it was and the invitation went unused."""
    contact = await duban.register(5111, "赵联络", Role.CONTACT, unit="科技局")
    code = duban.invitation(Role.LEADER, "赵主任")
    await contact.send(f"/start {code}")
    await contact.expect("将更改您的登记信息")
    _, keep = contact.find_button("保持不变")
    await contact.tap("✅ 确认更改")
    await contact.expect("您现在登记为 赵主任（分管领导）")
    await duban.forge_tap(contact, keep)
    answer = await contact.expect("您好，赵主任！您已登记为分管领导")
    assert "没有被使用" not in answer.text
    await contact.expect_silence()
    assert not any("没有被使用" in m.text for m in contact.bot_messages)
    assert _person(duban, 5111) == ("leader", 1, None)
    assert _used(duban, "赵主任")[1] == duban.person_id(5111)


async def test_deactivate_now_tapped_twice_deactivates_once(duban: Duban) -> None:
    """The inviter's ⛔ 立即停用 tapped again (a double tap, or later from the old notice)
    is answered that the person is already deactivated: no second "已停用" message and no
    second audit event claiming a change."""
    admin = await office(duban)
    code, _ = await invite_in_chat(admin, "督查人员", "王督查")
    stranger = _phone(duban, 5112, "张三")
    await stranger.send(f"/start {code}")
    await stranger.expect("欢迎，王督查")
    await admin.expect("邀请已被使用")
    _, deactivate = admin.find_button("⛔ 立即停用")
    await admin.tap("⛔ 立即停用")
    await admin.expect("王督查 已停用")
    await duban.settle()

    answer = await duban.forged_tap(admin, deactivate)
    await answered(admin, answer, "已经停用")
    await admin.expect_silence()
    changes = _row(
        duban,
        "SELECT count(*) FROM audit_events WHERE entity = 'person' AND action = 'changed' "
        "AND entity_id = ?",
        [duban.person_id(5112)],
    )
    assert changes == (1,)


async def test_a_role_tapped_twice_is_answered_and_changed_once(duban: Duban) -> None:
    """A role button on a person's /users card tapped again after the change (a double tap,
    or the card scrolled back to) is answered that they have that role already: no second
    audit event, no second message."""
    admin = await office(duban)
    await duban.register(5121, "孙联络", Role.CONTACT, unit="科技局")
    await admin.send("/users")
    await admin.expect("位用户")
    await admin.tap("孙联络 · 承办单位联络员 · 科技局")
    await admin.expect("孙联络\n角色")
    _, leader = admin.find_button("分管领导")
    await admin.tap("分管领导")
    await admin.expect("孙联络 的角色已改为分管领导")
    await duban.settle()

    answer = await duban.forged_tap(admin, leader)
    await answered(admin, answer, "已经是分管领导")
    await admin.expect_silence()
    changes = _row(
        duban,
        "SELECT count(*) FROM audit_events WHERE entity = 'person' AND action = 'changed' "
        "AND entity_id = ?",
        [duban.person_id(5121)],
    )
    assert changes == (1,)
