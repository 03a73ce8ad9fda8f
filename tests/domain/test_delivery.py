"""The delivery rules: which failures are for good, when waiting ends, what admins see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.delivery import (
    GIVE_UP_AFTER,
    Kind,
    gave_up_waiting,
    is_blocked,
    is_entity_too_large,
    kind_of,
    preview_of,
)

AT = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("description", "too_large"),
    [
        ("Request Entity Too Large", True),  # Telegram's JSON answer
        ("Request Entity Too Large (413). Parsing the server response b'<html>' failed", True),
        ("Bad Gateway (502)", False),
        ("Timed out", False),
    ],
)
def test_a_413_is_recognised_as_python_telegram_bot_reports_it(
    description: str, too_large: bool
) -> None:
    """Only an upload Telegram will never take is given up; a 502 or a timeout is not."""
    assert is_entity_too_large(description) is too_large


@pytest.mark.parametrize(
    ("description", "blocked"),
    [
        ("Forbidden: bot was blocked by the user", True),
        ("Forbidden: user is deactivated", True),
        ("Forbidden: bot can't initiate conversation with a user", True),
        ("Forbidden: user restricted receiving of video messages", False),
        ("Forbidden: not enough rights to send documents to the chat", False),
    ],
)
def test_a_403_marks_a_person_unreachable_only_when_it_means_the_chat(
    description: str, blocked: bool
) -> None:
    """A 403 on one kind of file gives up that message, not the person."""
    assert is_blocked(description) is blocked


def test_waiting_ends_after_a_day_of_failures() -> None:
    """A row that never failed waits on; one failing for just under a day too."""
    assert not gave_up_waiting(None, AT)
    assert not gave_up_waiting(AT, AT + GIVE_UP_AFTER - timedelta(seconds=1))
    assert gave_up_waiting(AT, AT + GIVE_UP_AFTER)


def test_the_notice_names_the_kind_and_shows_the_start_of_the_message() -> None:
    """Administrators recognise the message: its kind, its first words without markup, or
    its file's name."""
    assert kind_of("sendMessage") is Kind.TEXT and kind_of("senddocument") is Kind.DOCUMENT
    assert kind_of("sendMediaGroup") is Kind.ALBUM and kind_of("setMyCommands") is Kind.OTHER
    assert preview_of({"text": "<b>销号核验</b> 2024-007 &lt;急&gt;"}) == "销号核验 2024-007 <急>"
    assert preview_of({"document": {"path": "/m/out/5/dossier-2024-007.pdf"}}) == (
        "dossier-2024-007.pdf"
    )
    assert preview_of({"text": "字" * 100}, length=10) == "字" * 9 + "…"
