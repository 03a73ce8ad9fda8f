"""Cards that carry what a decision needs (issue 14): the item card's facts in Chinese and
English, the verifier's close-out card with the record's figure beside the claim, a figure
typed during a close-out recorded as the figure, and levels set by hand with a reason."""

from __future__ import annotations

import json
from datetime import UTC, date

import pytest

from bot.domain.audit import Origin
from bot.domain.lifecycle import Event, Role
from bot.i18n.fit import utf16_len
from sandbox.phones import ChatMessage, Phone
from storage import followup, ledger, people
from tests.harness import ADMIN_ID, Duban, at, office, open_card, tap_on

pytestmark = pytest.mark.both_platforms

UNIT = "科技局"
TARGET = "净增105家高新技术企业"
MEASURE = "建立培育库，逐家辅导申报"
REFUSED = "只有办公室和领导可以调整督办等级"


def seed_report(duban: Duban, item_id: int, tg_user_id: int, text: str, figure: float) -> None:
    """赵联络's progress report of 20 May (79 toward 105), as storage records one."""
    db = duban.db()
    try:
        person_id = duban.person_id(tg_user_id)
        followup.add_progress(db, item_id, person_id, text, figure, at(5, 20).astimezone(UTC), None)
    finally:
        db.close()


def seed_hightech(duban: Duban, deadline: date, **extra: object):
    return duban.seed_task(
        "高新技术企业培育不足",
        UNIT,
        deadline,
        measure=MEASURE,
        target=TARGET,
        target_number=105,
        co_units=("工信局", "财政局"),
        **extra,
    )


async def english_card(phone: Phone, code: str) -> ChatMessage:
    await phone.send(f"/item {code}")
    return await phone.expect(f"{code}")


async def test_item_card_carries_what_a_decision_needs(duban_clock: Duban) -> None:
    """Sixteen days after its deadline, the card shows the problem, the measure, the target
    with the latest figure and its share, the deadline and how far overdue, the level and
    why, lead and co-units, assigned and involved inspectors and the latest progress — in
    Chinese for the office and in English for a leader."""
    admin = await office(duban_clock)
    leader = await duban_clock.register(7301, "Li Wei", Role.LEADER, language="en")
    await duban_clock.register(7302, "赵联络", Role.CONTACT, unit=UNIT)
    await duban_clock.register(7303, "王督查", Role.INSPECTOR)
    li = await duban_clock.register(7304, "李代表", Role.INSPECTOR)
    item = seed_hightech(duban_clock, date(2024, 6, 4), inspectors=(duban_clock.person_id(7303),))
    seed_report(duban_clock, item.id, 7302, "已认定 79 家", 79)
    await open_card(li, item.code)
    await li.tap("📎 补充材料")
    await li.expect("请发送要补充到")
    await li.send("培育库名单与申报情况不符")
    await duban_clock.settle()
    await duban_clock.travel(at(6, 20))

    card = (await open_card(admin, item.code)).text
    assert card.startswith(f"🟡 {item.code} 高新技术企业培育不足\n状态：")
    for line in (
        "督办等级：🟡 黄色（逾期 16 天）",
        "办理时限：2024-06-04（逾期 16 天）",
        f"措施：{MEASURE}",
        f"目标：{TARGET}（最新 79/105，75%，2024-05-20）",
        "牵头单位：科技局",
        "协办单位：工信局、财政局",
        "督查人员（办公室指派）：王督查",
        "参与督查（记录发现）：李代表",
        "2024-05-20 赵联络：已认定 79 家",
    ):
        assert line in card, line
    assert card.index("督办等级") < card.index("牵头单位") < card.index("最新进展")

    shown = (await english_card(leader, item.code)).text
    for line in (
        "Level: 🟡 yellow (16 days overdue)",
        "Deadline: 2024-06-04 (16 days overdue)",
        f"Measure: {MEASURE}",
        f"Target: {TARGET} (latest 79/105, 75%, 2024-05-20)",
        "Lead unit: 科技局",
        "Co-units: 工信局, 财政局",
        "Inspectors (assigned by the office): 王督查",
        "Involved (logged findings): 李代表",
    ):
        assert line in shown, line


async def test_card_says_due_today_and_counts_days_in_both_languages(duban_clock: Duban) -> None:
    """On the deadline the card says 今天到期 / due today, never "0 days"; one day either side
    reads "1 day", not "1 days"; an item without a figure yet says so beside its target."""
    admin = await office(duban_clock)
    leader = await duban_clock.register(7305, "Li Wei", Role.LEADER, language="en")
    today = seed_hightech(duban_clock, date(2024, 6, 3))
    tomorrow = duban_clock.seed_task("孵化器入驻率不足", UNIT, date(2024, 6, 4))
    yesterday = duban_clock.seed_task("科技金融产品少", UNIT, date(2024, 6, 2))

    card = (await open_card(admin, today.code)).text
    assert "办理时限：2024-06-03（今天到期）" in card and "0 天" not in card
    assert f"目标：{TARGET}（尚未报告数字）" in card
    assert "督办等级：⚪ 未标色" in card
    shown = (await english_card(leader, today.code)).text
    assert "Deadline: 2024-06-03 (due today)" in shown and "0 days" not in shown
    assert f"Target: {TARGET} (no figure reported yet)" in shown
    assert "Deadline: 2024-06-04 (in 1 day)" in (await english_card(leader, tomorrow.code)).text
    shown = (await english_card(leader, yesterday.code)).text
    assert "Deadline: 2024-06-02 (1 day overdue)" in shown
    assert "Level: 🟡 yellow (1 day overdue)" in shown


async def test_a_long_item_card_stays_within_telegrams_limit(duban_clock: Duban) -> None:
    """An item whose problem, measure and target run to thousands of characters still
    opens as one card under 4 096 characters, shortened with "…", its people and buttons
    kept."""
    admin = await office(duban_clock)
    item = duban_clock.seed_task(
        "研发" * 1500,
        UNIT,
        date(2024, 9, 30),
        measure="辅导" * 2500,
        target="目标" * 600,
        target_number=10,
    )
    await admin.send(f"/item {item.code}")
    card = await admin.expect("督查人员")
    assert utf16_len(card.text) <= 4096
    assert "措施：辅导" in card.text and "…" in card.text
    assert "🎚 调整督办等级" in card.buttons


async def request_close_out(phone: Phone, code: str, *typed: str) -> None:
    """The contact's 申请销号: each typed line, then one photo, then 提交."""
    await open_card(phone, code)
    await phone.tap("✅ 申请销号")
    await phone.expect("目标 105")
    for text in typed:
        await phone.send(text)
        await phone.expect("已收到")
    await phone.send_photo(caption="认定名单")
    await phone.expect("文件 1 个")
    await phone.tap("提交")


async def test_verifier_sees_the_record_beside_a_claim_that_does_not_match(
    duban_clock: Duban,
) -> None:
    """The contact writes "105家已全部完成" while the record says 79/105: the verifier's card
    shows the target, the last recorded figure (when, by whom) and that the request gave no
    figure, warns that the record falls short, and counts the photo sent above — in
    Chinese for 王督查 and in English for an English-speaking inspector."""
    await office(duban_clock)
    contact = await duban_clock.register(7306, "赵联络", Role.CONTACT, unit=UNIT)
    wang = await duban_clock.register(7307, "王督查", Role.INSPECTOR)
    smith = await duban_clock.register(7308, "Smith", Role.INSPECTOR, language="en")
    item = seed_hightech(
        duban_clock,
        date(2024, 12, 31),
        inspectors=(duban_clock.person_id(7307), duban_clock.person_id(7308)),
    )
    seed_report(duban_clock, item.id, 7306, "已认定 79 家", 79)

    await request_close_out(contact, item.code, "105家已全部完成")
    await contact.expect("销号申请已提交")
    card = (await wang.expect("销号核验")).text
    for line in (
        f"目标：{TARGET}",
        "台账最近完成数：79/105（75%），2024-05-20 赵联络",
        "本次申请所报：未填数字，见办结说明",
        "⚠️ 台账记录尚未达到目标",
        "办结说明：105家已全部完成",
        "佐证材料：1 个（其中照片 1 张，见上方）",
    ):
        assert line in card, line
    assert [m for m in wang.bot_messages if m.photo], "the evidence comes before the card"
    shown = (await smith.expect("Close-out check")).text
    for line in (
        f"Target: {TARGET}",
        "Last figure on record: 79/105 (75%), 2024-05-20, 赵联络",
        "Figure in this request: no figure; see the note",
        "⚠️ The record does not reach the target",
        "Evidence: 1 file (above), 1 photo among them",
    ):
        assert line in shown, line


async def test_a_number_sent_during_close_out_is_recorded_as_the_figure(
    duban_clock: Duban,
) -> None:
    """During 申请销号 the contact types "105家": it is taken as the figure (not a stray line
    of the note), the confirmation says it was recorded, the verifier sees 79/105 on record
    beside 105/105 claimed, and the item card's target shows the new figure as a claim until
    the verifier approves it."""
    admin = await office(duban_clock)
    contact = await duban_clock.register(7309, "赵联络", Role.CONTACT, unit=UNIT)
    wang = await duban_clock.register(7310, "王督查", Role.INSPECTOR)
    item = seed_hightech(duban_clock, date(2024, 12, 31), inspectors=(duban_clock.person_id(7310),))
    seed_report(duban_clock, item.id, 7309, "已认定 79 家", 79)

    await open_card(contact, item.code)
    await contact.tap("✅ 申请销号")
    await contact.expect("目标 105")
    await contact.send("第二批认定已公示")
    await contact.expect("文字 1 段")
    await contact.send("105家")
    await contact.expect("文字 1 段，文件 0 个，完成数 105")
    await contact.send_photo()
    await contact.expect("文件 1 个")
    await contact.tap("提交")
    done = await contact.expect("销号申请已提交")
    assert "完成数 105 已记录为本事项的最新完成数" in done.text

    card = (await wang.expect("销号核验")).text
    assert "台账最近完成数：79/105（75%），2024-05-20 赵联络" in card
    assert "本次申请所报：105/105（100%）" in card
    assert "办结说明：第二批认定已公示" in card and "105家" not in card.split("办结说明")[1]
    assert "尚未达到目标" not in card
    db = duban_clock.db()
    try:
        request = db.execute("SELECT text FROM closeout_requests").fetchone()
        assert request == ("第二批认定已公示",)
        figures = [r[0] for r in db.execute("SELECT figure FROM progress_reports ORDER BY id")]
        assert figures == [79.0, 105.0]
    finally:
        db.close()
    shown = (await open_card(admin, item.code)).text
    assert f"目标：{TARGET}（销号申请所报 105/105，100%，2024-06-03，待核验）" in shown

    await wang.tap("✅ 销号")
    await wang.expect("已销号")
    shown = (await open_card(admin, item.code)).text
    assert f"目标：{TARGET}（最新 105/105，100%，2024-06-03）" in shown


def level_audits(duban: Duban, item_id: int) -> list[tuple[dict, dict]]:
    db = duban.db()
    try:
        rows = db.execute(
            "SELECT before, after FROM audit_events WHERE item_id = ? AND action = 'level_set' "
            "ORDER BY id",
            [item_id],
        ).fetchall()
        return [(json.loads(before), json.loads(after)) for before, after in rows]
    finally:
        db.close()


async def set_level(phone: Phone, code: str, choice: str, reason: str) -> ChatMessage:
    """🎚 调整督办等级 on the card, a colour, what it will show, the reason."""
    await open_card(phone, code)
    await phone.tap("🎚 调整督办等级")
    await phone.expect("请选择手动等级")
    await phone.tap(choice)
    asked = await phone.expect("请输入理由")
    await phone.send(reason)
    await phone.expect("现在显示")
    return asked


async def test_office_sets_and_lowers_levels_by_hand_with_reasons(duban_clock: Duban) -> None:
    """The office sets an item not yet due blue, then yellow, each with a reason, shown on
    the card with who and why and audited with the level before and after; it clears it
    and the item shows no colour again."""
    admin = await office(duban_clock)
    item = seed_hightech(duban_clock, date(2024, 12, 31))

    asked = await set_level(admin, item.code, "🔵 蓝色", "申报进度需关注")
    assert "设置后显示：🔵 蓝色" in asked.text
    card = (await open_card(admin, item.code)).text
    assert "督办等级：🔵 蓝色（手动，办公室管理员：申报进度需关注）" in card

    await set_level(admin, item.code, "🟡 黄色", "两次提醒未回复")
    card = (await open_card(admin, item.code)).text
    assert card.startswith(f"🟡 {item.code}")
    assert "督办等级：🟡 黄色（手动，办公室管理员：两次提醒未回复）" in card

    asked = await set_level(admin, item.code, "↩️ 撤销手动等级", "已回复并说明情况")
    assert "设置后显示：⚪ 未标色" in asked.text
    assert "督办等级：⚪ 未标色" in (await open_card(admin, item.code)).text
    assert level_audits(duban_clock, item.id) == [
        ({"manual_level": "none"}, {"manual_level": "blue", "reason": "申报进度需关注"}),
        ({"manual_level": "blue"}, {"manual_level": "yellow", "reason": "两次提醒未回复"}),
        ({"manual_level": "yellow"}, {"manual_level": "none", "reason": "已回复并说明情况"}),
    ]
    await admin.send(f"/history {item.code}")
    history = await admin.expect("手动调整督办等级")
    assert "督办等级 一般督办（蓝） → 重点督办（黄）；理由：两次提醒未回复" in history.text


async def test_lowering_below_the_deadline_shows_what_the_deadline_gives(
    duban_clock: Duban,
) -> None:
    """A leader made an overdue item red by hand; lowering it to blue is told beforehand
    that the item will still show yellow (the deadline's colour), and afterwards the card
    says yellow, overdue, with the blue set by hand and its reason beside it."""
    await office(duban_clock)
    leader = await duban_clock.register(7311, "陈主任", Role.LEADER)
    phone = await duban_clock.register(7312, "赵联络", Role.CONTACT, unit=UNIT)
    item = seed_hightech(duban_clock, date(2024, 5, 31))

    await set_level(leader, item.code, "🔴 红色", "连续两月无进展")
    await phone.expect("已被提级督办")
    card = (await open_card(leader, item.code)).text
    assert "督办等级：🔴 红色（手动，陈主任：连续两月无进展）" in card

    asked = await set_level(leader, item.code, "🔵 蓝色", "已召开专题会，进度追上")
    assert "设置后显示：🟡 黄色" in asked.text and "不会低于办理时限" in asked.text
    card = (await open_card(leader, item.code)).text
    assert "督办等级：🟡 黄色（逾期 3 天；手动设为蓝色，陈主任：已召开专题会，进度追上）" in card
    assert level_audits(duban_clock, item.id)[-1] == (
        {"manual_level": "red"},
        {"manual_level": "blue", "reason": "已召开专题会，进度追上"},
    )


async def test_contacts_and_inspectors_cannot_set_levels(duban_clock: Duban) -> None:
    """Neither a contact nor an inspector is offered 🎚 on the card, and a forged level
    button or a stale 提级督办 from them is refused politely; nothing changes. A tap on a
    choice made stale by someone else's change is refused too."""
    admin = await office(duban_clock)
    contact = await duban_clock.register(7313, "赵联络", Role.CONTACT, unit=UNIT)
    inspector = await duban_clock.register(7314, "王督查", Role.INSPECTOR)
    item = seed_hightech(duban_clock, date(2024, 12, 31), inspectors=(duban_clock.person_id(7314),))

    for phone, tg in ((contact, 7313), (inspector, 7314)):
        card = await open_card(phone, item.code)
        assert "🎚 调整督办等级" not in card.buttons
        person = duban_clock.person_id(tg)
        for action, payload in (
            ("level.menu", {"item": item.id}),
            ("level.pick", {"item": item.id, "level": "yellow", "current": "none"}),
            ("esc.raise", {"item": item.id}),
        ):
            await duban_clock.forge_tap(phone, duban_clock.make_button(person, action, payload))
            await phone.expect(REFUSED)
    assert level_audits(duban_clock, item.id) == []

    await open_card(admin, item.code)
    await admin.tap("🎚 调整督办等级")
    menu = await admin.expect("请选择手动等级")
    await set_level(admin, item.code, "🔴 红色", "约谈无果")
    # The older menu's yellow still believes there was no level set by hand.
    await tap_on(admin, menu, "黄色")
    await admin.expect("等级已有变化")
    assert len(level_audits(duban_clock, item.id)) == 1


async def test_a_level_is_not_set_on_an_item_closed_meanwhile(duban_clock: Duban) -> None:
    """The office chose yellow and was asked for the reason; the item is closed before the
    reason arrives: the reason is refused politely, and so is the old menu's red; no level
    is set and nothing is audited."""
    admin = await office(duban_clock)
    await duban_clock.register(7315, "陈主任", Role.LEADER)
    item = seed_hightech(duban_clock, date(2024, 12, 31))
    await open_card(admin, item.code)
    await admin.tap("🎚 调整督办等级")
    menu = await admin.expect("请选择手动等级")
    await admin.tap("🟡 黄色")
    await admin.expect("请输入理由")
    db = duban_clock.db()
    try:
        origin = Origin.cli(duban_clock.clock.now())
        office_actor = people.by_id(db, duban_clock.person_id(ADMIN_ID)).actor
        leader_actor = people.by_id(db, duban_clock.person_id(7315)).actor
        ledger.apply_event(
            db, item.id, Event.REQUEST_CLOSE, office_actor, origin, has_evidence=True
        )
        ledger.apply_event(db, item.id, Event.APPROVE_CLOSE, leader_actor, origin)
    finally:
        db.close()
    await admin.send("情况有变")
    await admin.expect("这个事项当前的状态不允许此操作")
    await tap_on(admin, menu, "红色")
    await admin.expect("这个事项当前的状态不允许此操作", within=10)
    assert level_audits(duban_clock, item.id) == []
    card = await open_card(admin, item.code)
    assert "督办等级：⚪ 未标色" in card.text and "🎚 调整督办等级" not in card.buttons
