"""The follow-up scenarios on DingTalk: what the office is told of a person the robot cannot
reach there (DingTalk has no "block the bot"; it refuses a staff id no longer in the
organisation)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "admin.user_unreachable_dingtalk": (
        "⚠️ {name}（{role}{unit}）在钉钉上收不到机器人的消息（可能已不在本组织），无法收到提醒。",
        "⚠️ {name} ({role}{unit}) cannot be reached on DingTalk (perhaps no longer in the "
        "organisation) and cannot receive reminders.",
    ),
}
