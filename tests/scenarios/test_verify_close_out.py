"""Who may verify a close-out, through the phone: only inspectors the office assigned,
administrators and leaders — never the requester, never an inspector who merely added a
line of evidence — and the office assigning inspectors from the item card."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.domain.audit import AuditAction, Origin
from bot.domain.lifecycle import Role
from storage import followup, ledger, people
from storage.audit import record_item
from tests.harness import AnyPhone, Duban, answered, office, open_card
from tests.sheets import XLSX, xlsx

pytestmark = pytest.mark.both_platforms

UNIT = "科技局"
NOT_YOURS = "这个按钮不属于您。"
NOT_ASSIGNED = "只有办公室指派到该事项的督查人员才能核验销号"
WAIT = 20.0


async def request_close_out(phone: AnyPhone, code: str, text: str) -> None:
    """The contact's 申请销号 with a note and one photo."""
    await open_card(phone, code)
    await phone.tap("✅ 申请销号")
    await phone.expect("申请")
    await phone.send(text)
    await phone.send_photo()
    await phone.expect("文件 1 个")
    await phone.tap("提交")


def state(duban: Duban, item_id: int) -> tuple[str, str]:
    """The item's status and its latest close-out request's status."""
    db = duban.db()
    try:
        item = ledger.get_item(db, item_id)
        request = db.execute(
            "SELECT status FROM closeout_requests WHERE item_id = ? ORDER BY id DESC",
            [item_id],
        ).fetchone()
        return item.status.value, request[0]
    finally:
        db.close()


def pending_request(duban: Duban, item_id: int) -> int:
    db = duban.db()
    try:
        return followup.pending_closeout(db, item_id)["id"]
    finally:
        db.close()


async def test_an_inspector_who_only_added_evidence_cannot_verify(duban_clock: Duban) -> None:
    """李代表, never assigned, adds a line through 📎 补充材料: the card lists him as involved
    and offers him no 销号; he is not sent the verification card; 王督查's button, a button
    made out to him and a typed 退办 reason after the office removed 王督查 are all refused,
    and so is his kept card; the close-out stays pending until an allowed verifier decides."""
    admin = await office(duban_clock)
    contact = await duban_clock.register(7201, "赵联络", Role.CONTACT, unit=UNIT)
    wang = await duban_clock.register(7202, "王督查", Role.INSPECTOR)
    li = await duban_clock.register(7203, "李代表", Role.INSPECTOR)
    item = duban_clock.seed_task(
        "孵化器入驻率不足", UNIT, date(2024, 6, 28), inspectors=(duban_clock.person_id(7202),)
    )

    await open_card(li, item.code)
    await li.tap("📎 补充材料")
    await li.expect("请发送要补充到")
    await li.send("现场看过了，入驻企业名单与实际不符")
    await duban_clock.settle()

    await request_close_out(contact, item.code, "入驻率已达 85%")
    await contact.expect("已送 2 位核验人员审核")
    card = await wang.expect("销号核验")
    assert "可核验：王督查、办公室管理员、领导" in card.text
    assert card.buttons == ["✅ 销号", "↩️ 退办"]
    await admin.expect("销号核验")
    await li.expect_silence(0.3)
    assert not any("销号核验" in m.text for m in li.bot_messages)

    shown = await open_card(li, item.code)
    assert "督查人员（办公室指派）：王督查" in shown.text
    assert "参与督查（记录发现）：李代表" in shown.text
    assert "可核验销号：王督查、办公室管理员、领导" in shown.text
    assert "✅ 销号" not in shown.buttons and "↩️ 退办" not in shown.buttons

    # 王督查's own button, pressed from 李代表's phone.
    _, wang_token = wang.find_button("✅ 销号")
    await answered(li, await duban_clock.forged_tap(li, wang_token), NOT_YOURS)
    # A button made out to 李代表 himself (as an old card would hold), approve and return.
    request = pending_request(duban_clock, item.id)
    li_id = duban_clock.person_id(7203)
    for action in ("co.approve", "co.return"):
        await duban_clock.forge_tap(
            li, duban_clock.make_button(li_id, action, {"request": request})
        )
        await li.expect(NOT_ASSIGNED)
    assert state(duban_clock, item.id) == ("close_requested", "pending")

    # 王督查 starts a 退办, the office removes him, then he types the reason.
    await wang.tap("↩️ 退办")
    await wang.expect("请输入退办")
    await open_card(admin, item.code)
    await admin.tap("👤 指派督查")
    await admin.expect("指派督查（第 1/1 页）")
    await admin.tap("✅ 王督查")
    await admin.expect("已取消 王督查")
    await wang.expect("办公室已取消您对")
    await wang.send("入驻企业名单缺少合同")
    await wang.expect(NOT_ASSIGNED)
    # His verification card, kept in the chat, no longer acts either.
    await wang.tap("✅ 销号")
    await wang.expect(NOT_ASSIGNED)
    assert state(duban_clock, item.id) == ("close_requested", "pending")

    await admin.tap("✅ 销号")
    await admin.expect(f"{item.code} 已销号")
    assert state(duban_clock, item.id) == ("closed", "approved")
    # 王督查's stored card, replayed after the decision: answered, nothing changes.
    await duban_clock.forge_tap(wang, wang_token)
    await wang.expect("已经处理过了")


async def test_the_requester_is_never_asked_to_verify(duban_clock: Duban) -> None:
    """The office asks for a close-out on the unit's behalf: the assigned inspector is asked,
    the office is not; its card offers no 销号 and a button made out to it is refused."""
    admin = await office(duban_clock)
    await duban_clock.register(7211, "赵联络", Role.CONTACT, unit=UNIT)
    wang = await duban_clock.register(7212, "王督查", Role.INSPECTOR)
    item = duban_clock.seed_task(
        "研发投入占比偏低", UNIT, date(2024, 6, 28), inspectors=(duban_clock.person_id(7212),)
    )
    await request_close_out(admin, item.code, "单位已报送书面材料")
    await admin.expect("已送 1 位核验人员审核")
    card = await wang.expect("销号核验")
    assert "申请人：办公室管理员" in card.text
    assert "可核验：王督查、领导" in card.text
    await admin.expect_silence(0.3)
    assert not any("销号核验" in m.text for m in admin.bot_messages)

    shown = await open_card(admin, item.code)
    assert "✅ 销号" not in shown.buttons
    request = pending_request(duban_clock, item.id)
    admin_id = duban_clock.person_id(admin.user_id)
    await duban_clock.forge_tap(
        admin, duban_clock.make_button(admin_id, "co.approve", {"request": request})
    )
    await admin.expect("您是这项销号的申请人，不能自己核验")
    assert state(duban_clock, item.id) == ("close_requested", "pending")

    await wang.tap("✅ 销号")
    await wang.expect(f"{item.code} 已销号")


async def test_the_office_assigns_and_removes_inspectors_from_the_card(
    duban_clock: Duban,
) -> None:
    """👤 指派督查 pages through the inspectors; a tap assigns (the inspector is told and
    may then verify), a repeated tap from the old menu is answered and changes nothing,
    ✅ name removes. Every change is in the item's audit trail and its /history, by name."""
    admin = await office(duban_clock)
    li = await duban_clock.register(7221, "李代表", Role.INSPECTOR)
    db = duban_clock.db()
    try:
        for n in range(9):  # enough registered inspectors for a second page
            db.execute(
                "INSERT INTO people (account, name, role, created_at) "
                "VALUES (?, ?, 'inspector', '2024-06-01T00:00:00+00:00')",
                [7300 + n, f"督查{n}"],
            )
        db.conn.commit()
    finally:
        db.close()
    item = duban_clock.seed_task("科技金融产品少", UNIT, date(2024, 9, 30))

    await open_card(admin, item.code)
    await admin.tap("👤 指派督查")
    await admin.expect("第 1/2 页")
    await admin.tap("下一页 ▶")
    await admin.expect("第 2/2 页")
    await admin.tap("◀ 上一页")
    await admin.expect("第 1/2 页")

    _, old_token = admin.find_button("李代表")
    await admin.tap("李代表")
    await admin.expect("已指派 李代表 督查")
    told = await li.expect("办公室指派您督查")
    assert item.code in told.text and told.buttons == ["查看事项"]
    menu = await admin.expect("已指派：李代表")
    assert "✅ 李代表" in menu.buttons

    await duban_clock.forge_tap(admin, old_token)  # the same tap again, from the old menu
    await admin.expect("李代表 已经是")
    await admin.tap("✅ 李代表")
    await admin.expect("已取消 李代表")
    await li.expect("办公室已取消您对")

    db = duban_clock.db()
    try:
        assert ledger.get_item(db, item.id).inspector_ids == frozenset()
        actions = [
            row[0]
            for row in db.execute(
                "SELECT action FROM audit_events WHERE item_id = ? AND action LIKE 'inspector%'",
                [item.id],
            )
        ]
    finally:
        db.close()
    assert actions == ["inspector_assigned", "inspector_unassigned"]
    assert len([m for m in li.bot_messages if "办公室指派您督查" in m.text]) == 1
    await admin.send(f"/history {item.code}")
    history = await admin.expect("指派督查 李代表")
    assert "取消督查指派 李代表（办公室管理员）" in history.text


async def test_only_administrators_may_assign(duban_clock: Duban) -> None:
    """A contact or inspector never sees 👤 指派督查; a button made out to them is refused."""
    wang = await duban_clock.register(7231, "王督查", Role.INSPECTOR)
    item = duban_clock.seed_task("专利申报培训", UNIT, date(2024, 9, 30))
    shown = await open_card(wang, item.code)
    assert "👤 指派督查" not in shown.buttons
    wang_id = duban_clock.person_id(7231)
    payload = {"item": item.id, "person": wang_id, "on": True, "page": 0}
    await duban_clock.forge_tap(wang, duban_clock.make_button(wang_id, "assign.set", payload))
    await wang.expect("只有管理员可以指派督查人员")
    db = duban_clock.db()
    try:
        assert ledger.get_item(db, item.id).inspector_ids == frozenset()
    finally:
        db.close()


def _sheet(rows: list[list[object]]) -> bytes:
    return xlsx(["序号", "问题", "承办单位", "办理时限", "督查人员"], rows)


async def test_the_sheet_sent_in_the_chat_assigns_inspectors(duban: Duban) -> None:
    """督查人员 in the office's sheet: an unknown name is a row error naming row and column
    and nothing is imported; the fixed sheet's preview counts the assignments, and on
    confirm the inspector is assigned (and may verify) and a notice is queued for them."""
    admin = await office(duban)
    await duban.register(7241, "李代表", Role.INSPECTOR)
    await admin.send_document(
        _sheet([[1, "研发投入偏低", "科技局", "2030-06-30", "李代表、张三"]]), "任务表.xlsx", XLSX
    )
    preview = await admin.expect("导入预览", within=WAIT)
    assert '第 2 行「督查人员」：没有名为"张三"的已登记督查人员' in preview.text
    assert not preview.buttons

    await admin.send_document(
        _sheet([[1, "研发投入偏低", "科技局", "2030-06-30", "李代表"]]), "任务表.xlsx", XLSX
    )
    preview = await admin.expect("将新增 1 项督查指派", within=WAIT)
    await admin.tap("✅ 确认导入")
    await admin.expect("导入完成：新增 1 项", within=WAIT)
    # The notice is queued in the import's own commit (held back in quiet hours).
    li_id = duban.person_id(7241)
    db = duban.db()
    try:
        (item,) = ledger.list_items(db)
        li_chat = people.by_id(db, li_id).address
        notices = [
            json.loads(row[0]).get("text", "")
            for row in db.execute(
                "SELECT payload FROM outbox WHERE platform = ? AND chat = ?",
                [li_chat.platform, li_chat.id],
            )
        ]
    finally:
        db.close()
    assert item.inspector_ids == {li_id}
    assert any("办公室指派您督查" in text and item.code in text for text in notices)


async def test_assign_menu_leaves_the_item_card_in_place(duban_clock: Duban) -> None:
    """👤 指派督查 opens the menu as a message of its own: the item card it was tapped on
    keeps its text and buttons (销号, 回头看 and the rest stay within reach), and the menu's
    own taps edit the menu, never the card."""
    admin = await office(duban_clock)
    await duban_clock.register(7231, "李代表", Role.INSPECTOR)
    item = duban_clock.seed_task("科技金融产品少", UNIT, date(2024, 9, 30))
    card = await open_card(admin, item.code)

    await admin.tap("👤 指派督查")
    menu = await admin.expect("指派督查（第 1/1 页）")
    assert menu.message_id != card.message_id
    await admin.tap("李代表")
    edited = await admin.expect("已指派：李代表")
    assert edited.message_id == menu.message_id
    await duban_clock.settle()
    shown = next(m for m in admin.bot_messages if m.message_id == card.message_id)
    assert shown.text == card.text and "👤 指派督查" in shown.buttons


async def test_history_of_an_upgraded_item_calls_a_logged_finding_involvement(
    duban_clock: Duban,
) -> None:
    """Before the upgrade, logging a finding wrote an "inspector assigned" event (with
    ``by: finding``). Migration 0006 made that row involvement; /history must say the same
    (参与督查), not that the office assigned them, while a real office assignment still
    reads 指派督查."""
    admin = await office(duban_clock)
    await duban_clock.register(7241, "王督查", Role.INSPECTOR)
    await duban_clock.register(7242, "李代表", Role.INSPECTOR)
    item = duban_clock.seed_task("科技金融产品少", UNIT, date(2024, 9, 30))
    db = duban_clock.db()
    try:
        origin = Origin.cli(datetime(2024, 6, 5, tzinfo=UTC))
        for person, by in ((7241, "finding"), (7242, "office")):
            after = {"person_id": duban_clock.person_id(person), "by": by}
            record_item(db, origin, item.id, AuditAction.INSPECTOR_ASSIGNED, after=after)
        db.conn.commit()
    finally:
        db.close()

    await admin.send(f"/history {item.code}")
    history = await admin.expect("指派督查 李代表")
    assert "参与督查（记录发现）：王督查" in history.text
    assert "指派督查 王督查" not in history.text


async def test_when_only_leaders_can_verify_the_card_names_them_once(duban_clock: Duban) -> None:
    """The office asks for a close-out on the unit's behalf and no inspector is assigned:
    the leaders are asked, and the card names them — without a trailing "领导" as if some
    further leaders, not asked, could take it too."""
    admin = await office(duban_clock)
    zhao = await duban_clock.register(7251, "赵主任", Role.LEADER)
    item = duban_clock.seed_task("研发投入占比偏低", UNIT, date(2024, 6, 28))
    await request_close_out(admin, item.code, "单位已报送书面材料")
    await admin.expect("已送 1 位核验人员审核")
    card = await zhao.expect("销号核验")
    assert "可核验：赵主任\n" in card.text
