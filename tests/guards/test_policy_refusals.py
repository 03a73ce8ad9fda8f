"""Every reason the policy gives for refusing a value has its message in Chinese and English
(issue 15), filled by exactly the values the refusal carries: otherwise an admin's mistyped
value would end in a KeyError instead of a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest

from bot.domain.policy import Policy, PolicyError, Refusal, parse_setting
from bot.i18n import LANGUAGES, placeholders, t
from bot.i18n.catalogue import CATALOGUE


def _typed(key: str, text: str) -> Callable[[], object]:
    return lambda: Policy().with_setting(key, text)


def _built(**values: Any) -> Callable[[], object]:
    return lambda: Policy(**values)


# One way to meet each refusal: typed as an admin would, else built or stored as code would.
MISTAKES: list[Callable[[], object]] = [
    lambda: parse_setting("reminder_days", "7"),
    _typed("reminder_days_before", "7,x"),
    _typed("reminder_days_before", "3,3"),
    _typed("reminder_days_before", "0"),
    _built(reminder_days_before=(1, 3)),
    _typed("remind_on_deadline_day", "maybe"),
    _typed("overdue_every_days", "x"),
    _typed("ack_overdue_workdays", "x"),
    _typed("visit_idle_hours", "5天"),
    _typed("presence_radius_m", "far"),
    _typed("invitation_days", "0"),
    _typed("ack_overdue_workdays", "31"),
    _typed("admin_invitation_hours", "169"),
    _typed("presence_radius_m", "10"),
    _typed("quiet_start", "25:00"),
    _built(quiet_start=time(21, 0, 30)),
    _typed("ongoing_progress_every", "weekly"),
    _typed("weekly_digest_day", "someday"),
    _built(office_name=3),
    _typed("programme", "科" * 31),
    _built(office_name="人大\x07办公室"),
    _typed("daily_push_time", "22:00"),
    _typed("quiet_start", "08:30"),
    lambda: Policy.from_values({"visit_idle_hours": "4"}),
]


def _refused(mistake: Callable[[], object]) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        mistake()
    return caught.value


def test_every_refusal_has_its_message_in_both_languages() -> None:
    missing = [
        (refusal.value, lang)
        for refusal in Refusal
        for lang in LANGUAGES
        if not CATALOGUE.get(f"policy.error.{refusal.value}", {}).get(lang, "").strip()
    ]
    assert missing == []


def test_every_refusal_is_met_and_worded_with_its_own_values() -> None:
    """The table above reaches every refusal (so a new one must be added to it), and each
    message names exactly the values its refusal carries."""
    refused = [_refused(mistake) for mistake in MISTAKES]
    assert {error.refusal for error in refused} == set(Refusal)
    for error in refused:
        template = CATALOGUE[f"policy.error.{error.refusal.value}"]["zh"]
        if error.refusal is Refusal.CLASH:
            assert error.clash is not None and placeholders(template) == {"label", "reason"}
            continue
        assert placeholders(template) == set(error.values), error.refusal
        for lang in LANGUAGES:
            worded = t(lang, f"policy.error.{error.refusal.value}", **error.values)
            assert worded.strip() and "{" not in worded
