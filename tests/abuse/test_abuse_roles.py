"""Role checks on the server: a role's buttons and commands do nothing for another role, even
when the button's token is the person's own (a role taken away, a crafted keyboard)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.lifecycle import Role
from sandbox.phones import Phone
from storage import followup
from tests.harness import Duban
from tests.sheets import XLSX, xlsx

# The press itself adds its token (made by the test) to buttons.
UNTOUCHED = ("inbox", "outbox", "sweep_state", "buttons")


async def tap_own(duban: Duban, phone: Phone, action: str, payload: dict) -> list[str]:
    """Press a button the bot made for this very person; returns what the bot then said."""
    token = duban.make_button(duban.person_id(phone.user_id), action, payload)
    phone.skip_to_end()
    inbox = duban.table_counts()["inbox"]
    query = duban.forge_callback(phone, token)
    await duban.received(inbox + 1)
    await duban.settle()
    said = [a.get("text") or "" for a in duban.answers(query)]
    return said + [
        e["message"].get("text", "")
        for e in phone.events[phone._cursor :]
        if e.get("sender") == "bot" and e["kind"] == "message"
    ]


async def test_contact_cannot_verify_own_close_out(duban: Duban) -> None:
    """A contact holding a verify button for their own unit's close-out request cannot approve
    or return it: the item stays awaiting verification by someone independent."""
    contact = await duban.register(8501, "赵联络", Role.CONTACT, unit="科技局")
    item = duban.seed_task("孵化器入驻率不足", "科技局", date(2031, 6, 30))
    db = duban.db()
    try:
        db.execute("UPDATE items SET status = 'close_requested' WHERE id = ?", [item.id])
        request = followup.add_closeout(
            db, item.id, duban.person_id(8501), "已完成", datetime.now(UTC), None
        )
    finally:
        db.close()
    # Whatever the hour, the day's push for the new item goes out before the presses.
    await duban.sweep()
    await duban.settle()
    before = duban.table_counts(skip=UNTOUCHED)
    for action in ("co.approve", "co.return"):
        said = await tap_own(duban, contact, action, {"request": request})
        assert said and any(said), f"{action}: no word of refusal"
    assert duban.table_counts(skip=UNTOUCHED) == before
    db = duban.db()
    try:
        status = db.execute("SELECT status FROM items WHERE id = ?", [item.id]).fetchone()[0]
        decided = followup.closeout(db, request)
        assert db.execute("SELECT count(*) FROM dialogs").fetchone()[0] == 0
    finally:
        db.close()
    assert status == "close_requested"
    assert decided is not None and decided.get("decision") in (None, "")


async def test_inspector_cannot_change_roles(duban: Duban) -> None:
    """/users and every users.* button are refused to an inspector; nobody's role changes."""
    inspector = await duban.register(8502, "王督查", Role.INSPECTOR)
    contact = await duban.register(8503, "赵联络", Role.CONTACT, unit="科技局")
    await inspector.send("/users")
    await inspector.expect("仅限管理员")
    await inspector.send("/invite")
    await inspector.expect("仅限管理员")
    target = duban.person_id(contact.user_id)
    me = duban.person_id(inspector.user_id)
    before = duban.table_counts(skip=UNTOUCHED)
    presses = [
        ("users.role", {"person": me, "role": "admin"}),
        ("users.role", {"person": target, "role": "inspector"}),
        ("users.show", {"person": target}),
        ("users.deactivate", {"person": target}),
        ("users.handover", {"person": target}),
        ("users.handover_to", {"person": target, "to": me}),
        ("invite.role", {"role": "admin"}),
        ("invite.unit", {"role": "contact", "unit": "科技局"}),
        ("invite.revoke", {"code": "whatever"}),
    ]
    for action, payload in presses:
        said = await tap_own(duban, inspector, action, payload)
        assert any("仅限管理员" in text for text in said), f"{action}: {said}"
    assert duban.table_counts(skip=UNTOUCHED) == before
    db = duban.db()
    try:
        roles = dict(db.execute("SELECT id, role FROM people").fetchall())
        active = dict(db.execute("SELECT id, active FROM people").fetchall())
    finally:
        db.close()
    assert roles[me] == "inspector" and roles[target] == "contact"
    assert active[target] == 1


async def test_leader_cannot_import_a_sheet(duban: Duban) -> None:
    """A leader's .xlsx is answered politely and imports nothing (no job, no items)."""
    leader = await duban.register(8504, "周主任", Role.LEADER)
    data = xlsx(
        ["序号", "问题", "承办单位", "办理时限"], [[1, "研发投入偏低", "科技局", "2031-12-31"]]
    )
    before = duban.table_counts(skip=UNTOUCHED)
    await leader.send_document(data, "任务表.xlsx", XLSX)
    await leader.expect("只有管理员可以通过发送表格导入")
    await duban.settle()
    assert duban.table_counts(skip=UNTOUCHED) == before
    said = await tap_own(duban, leader, "import.confirm", {"job": 1, "new": 1, "changed": 0})
    assert any("只有管理员" in text for text in said), said
    assert duban.table_counts(skip=UNTOUCHED) == before
