"""/settings shows each value as its reader says it (issue 14): 开/关, 每月, 周一 in Chinese,
on/off, monthly, Monday in English — not the codes the policy stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.lifecycle import Role
from storage import people
from tests.recording import Recording
from tests.report_seed import _person


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[Recording]:
    recording = Recording.open(tmp_path / "duban.sqlite")
    yield recording
    recording.close()


def test_settings_read_in_words_in_chinese_and_english(recording: Recording) -> None:
    admin_id = _person(recording.db, "办公室", Role.ADMIN, None, 6301)
    admin = recording.desk(admin_id)
    admin.send("/settings")
    shown = admin.expect("提醒规则").text
    assert "到期当天提醒：<b>开</b>" in shown
    assert "长期事项进展频率：<b>每月</b>" in shown
    assert "周报星期：<b>周一</b>" in shown
    for code in ("<b>on</b>", "<b>monthly</b>", "<b>mon</b>"):
        assert code not in shown

    admin.tap("周报星期")
    asked = admin.expect("请输入新的值").text
    assert "当前：周一（默认 周一）" in asked
    admin.send("周三")  # what the screen says is what the admin may type
    admin.expect("已改为")
    admin.send("/settings")
    assert "周报星期：<b>周三</b>（默认 周一）" in admin.expect("提醒规则").text

    people.set_language(recording.db, admin_id, "en")
    admin.send("/settings")
    shown = admin.expect("Weekly digest day").text
    assert "Weekly digest day: <b>Wednesday</b> (default Monday)" in shown
    assert "Ongoing items: progress every: <b>monthly</b>" in shown
    assert "Remind on the deadline day: <b>on</b>" in shown


def test_document_texts_show_the_wording_used_until_the_office_sets_its_own(
    recording: Recording,
) -> None:
    admin_id = _person(recording.db, "办公室", Role.ADMIN, None, 6302)
    admin = recording.desk(admin_id)
    admin.send("/settings")
    shown = admin.expect("提醒规则").text
    assert "发文机关：<b>人大常委会办公室（默认）</b>" in shown
    first_line = "一、各责任单位要对照督办清单逐项销号，逾期事项须说明原因并明确完成时限。"
    assert f"通报“下步要求”：<b>{first_line}…</b>" in shown  # one line each; whole when tapped

    admin.tap("发文机关")
    admin.send("如皋市人大常委会办公室")
    admin.expect("「发文机关」已改为 如皋市人大常委会办公室")
    admin.send("/settings")
    shown = admin.expect("提醒规则").text
    assert "发文机关：<b>如皋市人大常委会办公室</b>（默认 人大常委会办公室）" in shown
