"""Messages found missing or doubled when the demo's stories ran on DingTalk (issue 16)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # The visit summary's line already reads 位置：/ Location:, so DingTalk's verdict there
    # is said without its own label (位置：钉钉未提供 · 确认到场 08:00, not 位置：位置：…).
    "presence.after_label_unavailable": ("钉钉未提供", "not provided by DingTalk"),
}
