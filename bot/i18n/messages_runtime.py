"""What the runtime itself tells the office: storage trouble and its end."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "admin.storage_full": (
        "⚠️ 服务器磁盘已满，督办机器人暂时无法保存新消息。已收到的内容都已保存；"
        "新消息由 Telegram 暂存，腾出空间后会自动补办。请尽快清理服务器磁盘。",
        "⚠️ The server's disk is full: Duban cannot save new messages for now. Everything "
        "already received is kept; Telegram holds the new messages, and they are processed "
        "as soon as there is space again. Please free disk space on the server.",
    ),
    "admin.storage_back": (
        "✅ 磁盘空间已恢复，督办机器人已继续处理消息。",
        "✅ Disk space is back: Duban is processing messages again.",
    ),
}
