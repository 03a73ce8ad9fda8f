"""Forged close-out decisions: whoever the rule does not accept as a verifier is refused
with the reason in their language, and neither the item nor the request changes — even
when the button was made out to them, as an old card or a modified client would have it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.audit import Origin
from bot.domain.lifecycle import Actor, Event, Role
from storage import followup, ledger
from tests.harness import Duban, office

REQUESTER = "您是这项销号的申请人，不能自己核验"
OWN_UNIT = "您属于该事项的牵头或配合单位，不能核验它的销号"
NOT_ASSIGNED = "只有办公室指派到该事项的督查人员才能核验销号"
NOT_A_VERIFIER = "您不能核验这个事项的销号"
ADMIN_ONLY = "只有管理员可以指派督查人员"


def _requested(duban: Duban, item_id: int, requester: int) -> int:
    """A pending close-out of the item, asked for by ``requester`` (a lead-unit contact)."""
    db = duban.db()
    try:
        with db.atomic():
            origin = Origin.cli(datetime.now(UTC))
            actor = Actor(requester, Role.CONTACT, ledger.get_item(db, item_id).unit_id)
            ledger.apply_event(db, item_id, Event.REQUEST_CLOSE, actor, origin, has_evidence=True)
            return followup.add_closeout(db, item_id, requester, "已整改", datetime.now(UTC), None)
    finally:
        db.close()


def _snapshot(duban: Duban, item_id: int) -> tuple:
    db = duban.db()
    try:
        item = db.execute("SELECT status, closed_at FROM items WHERE id = ?", [item_id]).fetchone()
        requests = db.execute("SELECT status, decided_by FROM closeout_requests").fetchall()
        assigned = db.execute("SELECT * FROM item_inspectors").fetchall()
        dialogs = db.execute("SELECT count(*) FROM dialogs").fetchone()
        return tuple(item), requests, assigned, tuple(dialogs)
    finally:
        db.close()


async def test_forged_close_out_decisions_are_refused_with_the_reason(duban: Duban) -> None:
    """The requester, a lead-unit and a co-unit contact, another unit's contact, an inspector
    who never was assigned and one who only tied a finding each press 销号 and 退办 made out
    to themselves: each is told why not, and nothing changes."""
    await office(duban)
    requester = await duban.register(8501, "赵联络", Role.CONTACT, unit="科技局")
    colleague = await duban.register(8502, "孙联络", Role.CONTACT, unit="科技局")
    co_contact = await duban.register(8503, "周联络", Role.CONTACT, unit="工信局")
    stranger = await duban.register(8504, "钱联络", Role.CONTACT, unit="人社局")
    outsider = await duban.register(8505, "李代表", Role.INSPECTOR)
    involved = await duban.register(8506, "张督查", Role.INSPECTOR)
    await duban.register(8507, "王督查", Role.INSPECTOR)
    item = duban.seed_task(
        "孵化器入驻率不足",
        "科技局",
        date(2031, 6, 30),
        co_units=("工信局",),
        inspectors=(duban.person_id(8507),),
    )
    db = duban.db()
    try:
        origin = Origin.cli(datetime.now(UTC))
        ledger.record_involvement(db, item.id, duban.person_id(8506), origin)
    finally:
        db.close()
    request = _requested(duban, item.id, duban.person_id(8501))
    await duban.settle()
    before = _snapshot(duban, item.id)

    cases = [
        (requester, REQUESTER),
        (colleague, OWN_UNIT),
        (co_contact, OWN_UNIT),
        (stranger, NOT_A_VERIFIER),
        (outsider, NOT_ASSIGNED),
        (involved, NOT_ASSIGNED),
    ]
    for phone, reason in cases:
        person = duban.person_id(phone.user_id)
        for action in ("co.approve", "co.return"):
            token = duban.make_button(person, action, {"request": request})
            duban.forge_callback(phone, token)
            await phone.expect(reason)
    await duban.settle()
    assert _snapshot(duban, item.id) == before


async def test_forged_assignment_and_another_persons_verify_button(duban: Duban) -> None:
    """An inspector cannot assign themselves with a forged 指派 button, nor press the
    assigned inspector's 销号 token; after the decision the old token only says so."""
    await office(duban)
    await duban.register(8511, "赵联络", Role.CONTACT, unit="科技局")
    outsider = await duban.register(8512, "李代表", Role.INSPECTOR)
    await duban.register(8513, "王督查", Role.INSPECTOR)
    wang_id, li_id = duban.person_id(8513), duban.person_id(8512)
    item = duban.seed_task("研发投入占比偏低", "科技局", date(2031, 6, 30), inspectors=(wang_id,))
    request = _requested(duban, item.id, duban.person_id(8511))
    await duban.settle()
    before = _snapshot(duban, item.id)

    payload = {"item": item.id, "person": li_id, "on": True, "page": 0}
    duban.forge_callback(outsider, duban.make_button(li_id, "assign.set", payload))
    await outsider.expect(ADMIN_ONLY)
    wang_token = duban.make_button(wang_id, "co.approve", {"request": request})
    query = duban.forge_callback(outsider, wang_token)
    await duban.settle()
    assert [a.get("text") for a in duban.answers(query)] == ["这个按钮不属于您。"]
    assert _snapshot(duban, item.id) == before

    db = duban.db()
    try:
        origin = Origin.cli(datetime.now(UTC))
        ledger.apply_event(db, item.id, Event.APPROVE_CLOSE, Actor(wang_id, Role.INSPECTOR), origin)
        followup.decide_closeout(db, request, "approved", wang_id, datetime.now(UTC))
    finally:
        db.close()
    li_token = duban.make_button(li_id, "co.return", {"request": request})
    duban.forge_callback(outsider, li_token)
    await outsider.expect("已经处理过了")
