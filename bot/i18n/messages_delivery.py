"""Delivery: texts shortened to fit Telegram, files over its limit, messages given up."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- a text shortened to fit Telegram's 4 096 / 1 024 characters (bot/i18n/limits.py)
    "delivery.shortened_item": (
        "\n（内容较长，已节选；全文请发送 /history {code} 查看）",
        "\n(Long text shortened; send /history {code} for all of it)",
    ),
    "delivery.shortened": (
        "\n（内容较长，已节选）",
        "\n(Long text shortened)",
    ),
    # --- a file over Telegram's 50 MB, found before it was queued
    "delivery.file_too_big": (
        "⚠️ 文件「{name}」有 {size} MB，超过 Telegram 允许机器人发送的 50 MB，无法发送。"
        "管理员已收到通知。",
        "⚠️ The file “{name}” is {size} MB, over the 50 MB Telegram lets a bot send, so it "
        "cannot be sent. The administrators have been told.",
    ),
    # --- a dossier over the upload limit, sent in parts
    "delivery.dossier_split": (
        "\n档案照片较多，分 {count} 个 PDF 发送，每个都含完整文字记录。",
        "\nThe dossier has many photos: it comes as {count} {count:PDF|PDFs}, each with the whole "
        "text.",
    ),
    "delivery.dossier_part": ("第 {number}/{count} 部分", "Part {number} of {count}"),
    "delivery.dossier_part_caption": (
        "{caption}（第 {number}/{count} 部分）",
        "{caption} (part {number} of {count})",
    ),
    # --- the administrators' notice about a message given up
    "delivery.dead_notice": (
        "⚠️ <b>一条消息未能送达</b>\n收件人：{whom}\n类型：{kind}\n原因：{why}\n"
        "内容：{preview}\n{platform} 回复：{detail}",
        "⚠️ <b>A message could not be delivered</b>\nFor: {whom}\nKind: {kind}\n"
        "Why: {why}\nContent: {preview}\n{platform} said: {detail}",
    ),
    "delivery.whom": ("{name}（{role}）", "{name} ({role})"),
    "delivery.whom_unit": ("{name}（{role}，{unit}）", "{name} ({role}, {unit})"),
    "delivery.whom_unknown": ("未登记的聊天 {chat}", "an unregistered chat {chat}"),
    "delivery.kind.text": ("文字消息", "text message"),
    "delivery.kind.edit": ("消息更新", "update of a message"),
    "delivery.kind.photo": ("照片", "photo"),
    "delivery.kind.album": ("相册（多张照片）", "album of photos"),
    "delivery.kind.document": ("文件", "file"),
    "delivery.kind.media": ("音视频", "audio or video"),
    "delivery.kind.other": ("其他消息", "other message"),
    "delivery.why.refused": (
        "Telegram 拒收了这条消息（格式或内容不被接受），重发也不会成功",
        "Telegram refused the message (its form or content), so sending it again would fail too",
    ),
    "delivery.why.forbidden": (
        "Telegram 不允许向此人发送这类内容",
        "Telegram does not allow sending this kind of content to this person",
    ),
    "delivery.why.too_big": (
        "文件超过 Telegram 的 50 MB 上限",
        "the file is over Telegram's 50 MB limit",
    ),
    "delivery.why.no_file": (
        "要发送的文件已不在服务器上",
        "the file to send is no longer on the server",
    ),
    "delivery.why.timed_out": (
        "连续 24 小时发送失败（网络或 Telegram 故障），已停止重试",
        "sending failed for 24 hours (network or Telegram trouble), so retrying has stopped",
    ),
}
