"""Buttons that no longer apply: stale and repeated taps, and corrections of sent messages.

Keys answered to a tap (``Work.answer_tap``) are plain text of at most 200 characters: a
toast or an alert, not a chat message.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- company choices (answered to the tap)
    "visit.choice_started": (
        "这次走访已经开始（{company}），这个按钮不再有效。",
        "This visit has already started ({company}); this button no longer applies.",
    ),
    "visit.choice_ended": (
        "这次走访已经结束，这个按钮不再有效。要开始新的走访，请发送 /visit。",
        "This visit has already ended; this button no longer applies. "
        "Send /visit to start a new one.",
    ),
    "visit.already_ended": (
        "走访（{company}）已经结束，总结已发送。",
        "The visit ({company}) has already ended; its summary has been sent.",
    ),
    # --- findings and files (answered to the tap)
    "finding.already_withdrawn": (
        "这条发现已经撤回了（记录保留备查）。",
        "This finding has already been withdrawn (kept on record).",
    ),
    "finding.already_tied": (
        "这条发现已关联到 {code}。",
        "This finding is already tied to {code}.",
    ),
    "evidence.already_withdrawn": (
        "这个文件已经撤回了（记录保留备查）。",
        "This file has already been withdrawn (kept on record).",
    ),
    # --- people (answered to the tap)
    "users.already_inactive": (
        "{name} 已经停用了，无需再次操作。",
        "{name} is already deactivated; nothing more to do.",
    ),
    "users.role_already": (
        "{name} 已经是{role}了，无需再次更改。",
        "{name} is already {role}; nothing to change.",
    ),
    # --- input hygiene
    "text.only_controls": (
        "这条消息只有无法显示的控制字符，没有保存。请重新输入文字。",
        "That message held only invisible control characters and was not saved. "
        "Please type it again.",
    ),
    # --- the corrected card and summary
    "finding.withdrawn_line": (
        "🗑 已撤回（记录保留备查，不再计入）",
        "🗑 Withdrawn (kept on record, no longer counted)",
    ),
    "visit.summary_corrected": (
        "✏️ 已更正（{when}）：走访结束后有发现被撤回或改关联，以上为最新统计。",
        "✏️ Corrected ({when}): findings were withdrawn or moved after the visit; "
        "the figures above are current.",
    ),
    "visit.contact_withdrawn": (
        "✏️ 更正：督查人员走访 <b>{company}</b> 时关于贵单位牵头事项的记录已撤回或改到其他事项，"
        "无需处理。",
        "✏️ Correction: what inspectors recorded at <b>{company}</b> about items your unit "
        "leads was withdrawn or moved to other items; nothing to do.",
    ),
}
