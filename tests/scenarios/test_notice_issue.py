"""Issuing the 通报 from the chat, on the phones: a draft without a number, 📤 签发 that
numbers it in the year's sequence and sends it to the units' contacts (each in their
language), a second tap, a tap after 取消 and a forged button that take no number, and
/notices that gives the paper again."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.lifecycle import Role
from tests.harness import AnyPhone, Duban, answered, button_token, last_document
from tests.pdf_text import pdf_text
from tests.report_seed import seed

pytestmark = pytest.mark.both_platforms

WAIT = 40.0
YEAR = datetime.now(ZoneInfo("Asia/Shanghai")).year


def flat(text: str) -> str:
    return "".join(text.split())


def notice_rows(duban: Duban) -> list[tuple]:
    db = duban.db()
    try:
        return db.execute(
            "SELECT state, year, number, doc_number, recipients FROM notices ORDER BY id"
        ).fetchall()
    finally:
        db.close()


async def draft(duban: Duban, admin: AnyPhone) -> None:
    """/report → 📄: the draft, its chart and its PDF have all arrived."""
    admin.skip_to_end()
    await admin.send("/report")
    await admin.expect("督办报表")
    await admin.tap("📄 通报（PDF 和图片）")
    await admin.expect("通报样稿", within=WAIT)
    await duban.settle(WAIT)


async def test_a_draft_is_issued_once_with_the_years_next_number(duban: Duban) -> None:
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    zhao = await duban.register(6301, "赵联络", Role.CONTACT, unit="科技局")
    smith = await duban.register(6302, "Smith", Role.CONTACT, unit="工信局", language="en")
    admin = duban.admin()
    await duban.settle()

    # The draft: no number, marked 样稿, with 签发 and 取消 for the administrator.
    await draft(duban, admin)
    offer = next(m for m in reversed(admin.bot_messages) if "📤 签发" in m.buttons)
    assert "未编号" in offer.text and "3 个承办单位" in offer.text
    preview = flat(pdf_text(admin.download(last_document(admin)["file_id"])))
    assert f"人大办〔{YEAR}〕—号" in preview and "样稿" in preview
    assert notice_rows(duban) == []  # a draft takes no number
    issue_data = button_token(admin, offer, "📤 签发")

    await admin.tap("📤 签发")
    done = await admin.expect("通报已签发", within=WAIT)
    number = f"人大办〔{YEAR}〕1号"
    assert number in done.text
    assert "已发送给 2 位联络员" in done.text
    assert "以下单位没有联络员，未能送达：财政局" in done.text
    await duban.settle(WAIT)
    assert notice_rows(duban) == [("issued", YEAR, 1, number, 2)]

    # The issuer and each contact get the numbered paper, captioned in their language.
    mine = last_document(admin)
    assert mine["file_name"] == f"{number}.pdf"
    assert number in flat(pdf_text(admin.download(mine["file_id"])))
    received = next(m for m in reversed(zhao.bot_messages) if m.document)
    if duban.platform == "dingtalk":  # no captions on DingTalk: a message of its own
        await zhao.expect(number)
    else:
        assert number in received.text
    paper = flat(pdf_text(zhao.download(received.document["file_id"])))
    assert number in paper and "样稿" not in paper and "四、下步要求" in paper
    english = next(m for m in reversed(smith.bot_messages) if m.document)
    if duban.platform == "dingtalk":  # no captions on DingTalk: a message of its own
        await smith.expect(f"[{YEAR}] No. 1")
    else:
        assert f"[{YEAR}] No. 1" in english.text
    assert "4.Nextsteps" in flat(pdf_text(smith.download(english.document["file_id"])))

    # A second tap of the same 签发 (the old message, scrolled back to) takes no number.
    answer = await duban.forged_tap(admin, issue_data)
    await answered(admin, answer, f"已签发，文号 {number}")
    await duban.settle(WAIT)
    assert len(notice_rows(duban)) == 1

    # Cancelled: its 签发 then refuses; the next draft issued takes number 2.
    await draft(duban, admin)
    offer = next(m for m in reversed(admin.bot_messages) if "✖ 取消" in m.buttons)
    cancelled_issue = button_token(admin, offer, "📤 签发")
    await admin.tap("✖ 取消")
    await admin.expect("已取消，这份样稿不会签发")
    answer = await duban.forged_tap(admin, cancelled_issue)
    await answered(admin, answer, "已取消，不能签发")
    await draft(duban, admin)
    await admin.tap("📤 签发")
    second = await admin.expect("通报已签发", within=WAIT)
    assert f"人大办〔{YEAR}〕2号" in second.text
    await duban.settle(WAIT)
    assert [row[:3] for row in notice_rows(duban)] == [
        ("issued", YEAR, 1),
        ("cancelled", None, None),
        ("issued", YEAR, 2),
    ]

    # /notices lists both and gives a paper again.
    admin.skip_to_end()
    await admin.send("/notices")
    listed = await admin.expect("已签发的通报（2）")
    assert listed.text.index(f"〔{YEAR}〕2号") < listed.text.index(f"〔{YEAR}〕1号")
    await admin.tap(f"📄 {number}")
    await duban.settle(WAIT)
    again = last_document(admin)
    assert again["file_name"] == f"{number}.pdf"


async def test_forged_and_foreign_issue_buttons_take_no_number(duban: Duban) -> None:
    db = duban.db()
    try:
        seed(db, datetime.now(UTC))
    finally:
        db.close()
    admin = duban.admin()
    await draft(duban, admin)
    admin_id = duban.person_id(admin.user_id)
    db = duban.db()
    try:
        draft_job = db.execute("SELECT max(id) FROM report_jobs").fetchone()[0]
    finally:
        db.close()
    await admin.send("/notices")  # forged taps land on this text message
    await admin.expect("还没有签发过通报")

    # A button for a draft that does not exist.
    token = duban.make_button(admin_id, "notice.issue", {"job": 99_999, "figures": "x"})
    answer = await duban.forged_tap(admin, token)
    await answered(admin, answer, "这份样稿已失效")
    # A leader may ask for the draft, but issuing is the administrators': no 签发 under
    # theirs, and a 签发 button made for them is refused.
    leader = await duban.register(6303, "周主任", Role.LEADER)
    await draft(duban, leader)
    theirs = next(m for m in reversed(leader.bot_messages) if "通报由管理员签发" in m.text)
    assert "未编号" in theirs.text and not theirs.buttons
    token = duban.make_button(
        duban.person_id(6303), "notice.issue", {"job": draft_job, "figures": "x"}
    )
    leader.skip_to_end()
    query = await duban.forge_tap(leader, token)
    await duban.settle(WAIT)
    said = [a.get("text") or "" for a in duban.answers(query)] + [
        m.text for m in leader.bot_messages
    ]
    assert any("通报由管理员签发" in text for text in said), said
    # Figures that changed since the draft issue nothing and take no number.
    token = duban.make_button(admin_id, "notice.issue", {"job": draft_job, "figures": "stale"})
    await duban.forged_tap(admin, token)
    await admin.expect("数据已有变化", within=WAIT)
    await duban.settle(WAIT)
    assert notice_rows(duban) == []
