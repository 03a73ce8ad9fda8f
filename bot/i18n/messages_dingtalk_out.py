"""DingTalk's delivery (issue 16): why a message to a DingTalk person was given up."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "delivery.why.dingtalk_refused": (
        "钉钉拒收了这条消息（参数或内容不被接受），重发也不会成功",
        "DingTalk refused the message (its parameters or content), "
        "so sending it again would fail too",
    ),
    "delivery.why.dingtalk_too_big": (
        "文件超过钉钉的 20 MB 上传上限",
        "the file is over DingTalk's 20 MB upload limit",
    ),
    "delivery.why.dingtalk_timed_out": (
        "连续 24 小时发送失败（网络或钉钉故障），已停止重试",
        "sending failed for 24 hours (network or DingTalk trouble), so retrying has stopped",
    ),
}
