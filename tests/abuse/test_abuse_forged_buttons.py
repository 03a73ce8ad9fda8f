"""Forged and replayed button presses: callback_data comes from the client and can say
anything, and a button shown last week may no longer fit the item, the visit or the person.
Each press below is refused politely and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.domain.lifecycle import Role
from sandbox.phones import Phone
from storage import visits
from tests.harness import Duban

# Tables a refused press may add to: the inbox (the press), the outbox (the refusal), and the
# periodic sweep's own marker.
UNTOUCHED = ("inbox", "outbox", "sweep_state")
NOT_YOURS = "这个按钮不属于您"
EXPIRED = "按钮已失效"


@dataclass
class World:
    contact: Phone
    other_contact: Phone
    inspector: Phone
    other_inspector: Phone
    own_item: int
    other_item: int
    closed_item: int
    finding: int
    visit: int


async def world(duban: Duban) -> World:
    contact = await duban.register(8401, "赵联络", Role.CONTACT, unit="科技局")
    other_contact = await duban.register(8402, "钱联络", Role.CONTACT, unit="工信局")
    inspector = await duban.register(8403, "王督查", Role.INSPECTOR)
    other_inspector = await duban.register(8404, "李督查", Role.INSPECTOR)
    own = duban.seed_task("孵化器入驻率不足", "科技局", date(2031, 6, 30))
    other = duban.seed_task("技改项目推进慢", "工信局", date(2031, 6, 30))
    closed = duban.seed_task("专利申报培训", "科技局", date(2031, 6, 30))
    company = duban.seed_company("卓远半导体", "磨头镇")
    db = duban.db()
    try:
        db.execute("UPDATE items SET status = 'closed' WHERE id = ?", [closed.id])
        at = datetime.now(UTC)
        visit = visits.start_visit(db, company, duban.person_id(8403), at, platform="telegram")
        finding = visits.add_finding(
            db,
            visit_id=visit,
            item_id=None,
            person_id=duban.person_id(8403),
            text="厂房审批慢",
            at=at,
            update_id=None,
        )
    finally:
        db.close()
    # Whatever the hour, the day's push for these new items goes out before the presses.
    await duban.sweep()
    await duban.settle()
    return World(
        contact, other_contact, inspector, other_inspector, own.id, other.id, closed.id,
        finding, visit,
    )  # fmt: skip


def item_rows(duban: Duban) -> list[tuple]:
    db = duban.db()
    try:
        return db.execute("SELECT * FROM items ORDER BY id").fetchall()
    finally:
        db.close()


async def test_forged_and_replayed_presses_are_refused_and_change_nothing(duban: Duban) -> None:
    """Someone else's button, a button for another unit's item, for a closed item, for a
    stranger's visit, an expired one, oversize or malformed data: each is refused with a
    polite word and nothing in the ledger, visits or dialogs changes."""
    w = await world(duban)
    contact_id, inspector_id = duban.person_id(8401), duban.person_id(8403)
    other_inspector_id = duban.person_id(8404)
    expired = datetime.now(UTC) - timedelta(minutes=1)
    cases: list[tuple[str, Phone, str, str | None]] = [
        # (what, who presses, callback_data, the answer's text if it is the refusal)
        ("someone else's token", w.other_contact,
         duban.make_button(contact_id, "fu.progress", {"item": w.own_item}), NOT_YOURS),
        ("another unit's item", w.contact,
         duban.make_button(contact_id, "fu.progress", {"item": w.other_item}), None),
        ("another unit's close-out", w.contact,
         duban.make_button(contact_id, "fu.closeout", {"item": w.other_item}), None),
        ("a closed item", w.contact,
         duban.make_button(contact_id, "fu.closeout", {"item": w.closed_item}), None),
        ("an item that does not exist", w.contact,
         duban.make_button(contact_id, "item.show", {"item": 99_999}), None),
        ("another inspector's visit", w.other_inspector,
         duban.make_button(inspector_id, "visit.done", {"visit": w.visit}), NOT_YOURS),
        ("another inspector's finding", w.other_inspector,
         duban.make_button(other_inspector_id, "finding.withdraw", {"finding": w.finding}), None),
        ("another inspector's finding tied", w.other_inspector,
         duban.make_button(other_inspector_id, "finding.tie",
                           {"finding": w.finding, "item": w.own_item}), None),
        ("an expired button", w.contact,
         duban.make_button(contact_id, "fu.progress", {"item": w.own_item}, expires=expired),
         EXPIRED),
        ("oversize data", w.contact, "A" * 65, EXPIRED),
        ("oversize unicode", w.contact, "按" * 40, EXPIRED),
        ("malformed json", w.contact, '{"action":"users.role","role":"admin"}', EXPIRED),
        ("an action name", w.contact, "users.role", EXPIRED),
        ("sql", w.contact, "' OR 1=1 --", EXPIRED),
        ("empty", w.contact, "", EXPIRED),
    ]  # fmt: skip
    # The daily pruning (bot/jobs/retention.py) also runs at start-up and removes expired
    # buttons: run it now, so it cannot change the tables in the middle of the presses.
    await duban.runtime.run_job("retention")
    before = duban.table_counts(skip=UNTOUCHED)
    items_before = item_rows(duban)
    for what, phone, data, answer in cases:
        phone.skip_to_end()
        inbox = duban.table_counts()["inbox"]
        query = duban.forge_callback(phone, data)
        await duban.received(inbox + 1)
        await duban.settle()
        answers = [a.get("text") or "" for a in duban.answers(query)]
        assert len(answers) == 1, f"{what}: answered {answers}"
        replies = [
            e["message"].get("text", "")
            for e in phone.events[phone._cursor :]
            if e.get("sender") == "bot" and e["kind"] == "message"
        ]
        if answer is not None:
            assert answer in answers[0] and not replies, f"{what}: {answers} {replies}"
        else:  # the action itself re-checked and said no, in one message
            assert len(replies) == 1 or answers[0], f"{what}: {answers} {replies}"
        for text in [*answers, *replies]:
            assert "Traceback" not in text and "Error" not in text, f"{what}: {text}"
        assert duban.table_counts(skip=UNTOUCHED) == before, what
        assert item_rows(duban) == items_before, what
    db = duban.db()
    try:
        assert db.execute("SELECT count(*) FROM dialogs").fetchone()[0] == 0
        assert db.execute("SELECT DISTINCT status FROM inbox").fetchall() == [("done",)]
        finding = visits.get_finding(db, w.finding)
        assert finding is not None and finding.item_id is None
    finally:
        db.close()
