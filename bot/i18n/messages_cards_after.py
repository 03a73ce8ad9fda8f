"""The line a decision card gets once someone decided (bot/services/decided_cards.py):
what was decided, by whom, when; its buttons go with it (issue 16)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # 销号 verification cards, to every verifier asked (bot/services/closeout.py).
    "decided.co_approved": (
        "✅ 已由{by}于 {when} 核验销号",
        "✅ Verified and closed by {by} at {when}",
    ),
    "decided.co_returned": (
        "↩️ 已由{by}于 {when} 退回：{reason}",
        "↩️ Returned to the unit by {by} at {when}: {reason}",
    ),
    # Extension requests, to every administrator (bot/services/extensions.py).
    "decided.ext_approved": (
        "✅ 已由{by}于 {when} 同意延期至 {date}",
        "✅ Approved by {by} at {when}: now due {date}",
    ),
    "decided.ext_refused": (
        "✖️ 已由{by}于 {when} 不同意延期，原时限不变",
        "✖️ Refused by {by} at {when}; the deadline stands",
    ),
    # 回头看 tasks, to the item's inspectors (bot/services/lookback.py).
    "decided.lb_holds": (
        "✅ 已由{by}于 {when} 确认巩固",
        "✅ Confirmed as holding by {by} at {when}",
    ),
    "decided.lb_reopened": (
        "↩️ 已由{by}于 {when} 重新打开：{finding}",
        "↩️ Reopened by {by} at {when}: {finding}",
    ),
    # A company's place proposed from a visit, to every administrator (bot/services/presence.py).
    "decided.place_confirmed": (
        "✅ 已由{by}于 {when} 确认为企业坐标",
        "✅ Confirmed as the company's place by {by} at {when}",
    ),
    "decided.place_rejected": (
        "✖️ 已由{by}于 {when} 决定不采用",
        "✖️ Not used, as {by} decided at {when}",
    ),
    "decided.place_superseded": (
        "📍 已由{by}于 {when} 另行设置企业坐标：{point}",
        "📍 {by} set the company's place otherwise at {when}: {point}",
    ),
}
