"""The retry pauses of a failing update, and how a set-aside update is described."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.retries import (
    KINDS,
    MAX_ATTEMPTS,
    pause_after,
    retry_at,
    sender_label,
    summarise,
)
from bot.i18n import t

AT = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


def test_pauses_grow_with_each_failure() -> None:
    """A failure is retried after 1 s, then 5 s, then 30 s; the fourth failure is the last."""
    assert [pause_after(n) for n in (1, 2, 3)] == [
        timedelta(seconds=1),
        timedelta(seconds=5),
        timedelta(seconds=30),
    ]
    assert MAX_ATTEMPTS == 4


def test_an_update_that_never_failed_is_due_at_once() -> None:
    """No pause before the first attempt (or after a replay, which resets the count)."""
    assert retry_at(AT, 0) == AT


def test_more_failures_than_pauses_keep_the_longest_pause() -> None:
    """A row with more failures than the schedule lists (an older, longer limit) waits the
    longest pause, not an index error."""
    assert retry_at(AT, 9) == AT + timedelta(seconds=30)


def test_kinds_of_updates_are_told_apart() -> None:
    """The office sees a command, a text, a photo, a location or a button tap by name."""
    sender = {"id": 7, "first_name": "王", "last_name": "督查", "username": "wang"}
    assert summarise({"message": {"from": sender, "text": "/visit"}}).kind == "command"
    assert summarise({"message": {"from": sender, "text": "企业反映"}}).kind == "text"
    assert summarise({"message": {"from": sender, "photo": [{}], "caption": "x"}}).kind == "photo"
    assert summarise({"message": {"from": sender, "location": {}}}).kind == "location"
    assert summarise({"callback_query": {"from": sender, "data": "t"}}).kind == "button"
    assert summarise({"edited_message": {"from": sender, "text": "改"}}).kind == "edit"


def test_every_kind_has_a_name_in_both_languages() -> None:
    """/stuck and the set-aside notice name the kind from the catalogue: every kind
    ``summarise`` can return (``KINDS``) has a zh and an en label, and no other is returned."""
    sender = {"id": 7}
    samples = [
        {"message": {"from": sender, "text": "/visit"}},
        {"message": {"from": sender, "text": "企业反映"}},
        {"message": {"from": sender, "photo": [{}]}},
        {"message": {"from": sender, "document": {}}},
        {"message": {"from": sender, "voice": {}}},
        {"message": {"from": sender, "location": {}}},
        {"message": {"from": sender, "sticker": {}}},
        {"callback_query": {"from": sender}},
        {"edited_message": {"from": sender}},
        {"my_chat_member": {"from": sender}},
    ]
    assert {summarise(raw).kind for raw in samples} == set(KINDS)
    for kind in KINDS:
        zh, en = t("zh", f"faults.kind.{kind}"), t("en", f"faults.kind.{kind}")
        assert zh and en and zh != en


def test_sender_is_named_by_registered_name_then_telegram() -> None:
    """The registered name comes first; @username and the id tell two namesakes apart."""
    summary = summarise({"message": {"from": {"id": 7, "first_name": "Wang"}, "text": "hi"}})
    assert sender_label(summary, "王督查") == "王督查 (7)"
    assert sender_label(summary, None) == "Wang (7)"
    assert summarise({"message": {"text": "x"}}).user_id is None
    assert sender_label(summarise({"message": {"text": "x"}}), None) is None


def test_malformed_update_is_summarised_without_error() -> None:
    """A set-aside update may be malformed: its summary is 'other', never an exception."""
    summary = summarise({"update_id": 1, "message": {"from": "nobody", "text": 5}})
    assert (summary.kind, summary.user_id, summary.preview) == ("other", None, "")


def test_long_text_is_cut_for_the_preview() -> None:
    """A long message shows its first words only, ending with an ellipsis."""
    summary = summarise({"message": {"from": {"id": 1}, "text": "长" * 100}})
    assert len(summary.preview) == 40 and summary.preview.endswith("…")
