"""An item's history as the export's 事项历史 sheet lays it out: what happened (事件) and
what people wrote (内容), for each event the chat's /history also shows
(bot/builders/timeline.py). Events without an entry here (audited changes, and decisions
with nothing written) show the chat's own sentence as 事件; an audited change's 内容 is
each field's old → new value."""

MESSAGES: dict[str, tuple[str, str]] = {
    "history.sheet.visit_finding": (
        "🚶 走访 {company}（照片 {photos}）",
        "🚶 Visit to {company} ({photos} {photos:photo|photos})",
    ),
    "history.detail.visit_finding": ("{text}", "{text}"),
    "history.sheet.finding": ("📝 发现问题", "📝 Finding"),
    "history.detail.finding": ("{text}", "{text}"),
    "history.sheet.progress": ("📈 办理进展", "📈 Progress"),
    "history.detail.progress": ("{text}{figure}", "{text}{figure}"),
    "history.sheet.closeout_requested": ("📮 申请销号", "📮 Close-out requested"),
    "history.detail.closeout_requested": ("{text}", "{text}"),
    "history.sheet.closeout_returned": ("↩️ 销号申请退回", "↩️ Close-out returned"),
    "history.detail.closeout_returned": ("{reason}", "{reason}"),
    "history.sheet.extension_requested": (
        "⏳ 申请延期至 {deadline}",
        "⏳ Extension to {deadline} requested",
    ),
    "history.detail.extension_requested": ("{reason}", "{reason}"),
    "history.sheet.deadline_changed": (
        "📅 办理时限 {old} → {new}",
        "📅 Deadline {old} → {new}",
    ),
    "history.detail.deadline_changed": ("{reason}", "{reason}"),
    "history.sheet.lookback_reopened": (
        "🔍 回头看：问题反弹，重新督办",
        "🔍 Look-back: the problem came back, reopened",
    ),
    "history.detail.lookback_reopened": ("{text}", "{text}"),
}
