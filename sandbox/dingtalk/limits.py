"""DingTalk's documented limits and lifetimes, each with where it comes from.

``../shared/dingtalk/`` is the copy of DingTalk's open-source documentation kept beside the
repository; "SDK" is the ``dingtalk-stream`` package (0.24.3); "assumed" values are listed in
``sandbox/dingtalk/README.md``.
"""

from __future__ import annotations

# learn__stream__protocol.md, step one: "ticket的有效期为90秒且只能用来建立一条连接".
TICKET_LIFETIME_SECONDS = 90.0

# learn__stream__protocol.md, robot message example: sessionWebhookExpiredTime
# 1690367502152 - createAt 1690362101894 = 5 400 258 ms, i.e. a webhook lives 90 minutes.
SESSION_WEBHOOK_LIFETIME_SECONDS = 90 * 60.0

# Assumed: DingTalk's access-token page gives expireIn 7200 (two hours); the SDK
# (stream.py get_access_token) only reads expireIn and keeps a five-minute margin.
ACCESS_TOKEN_LIFETIME_SECONDS = 7200

# learn__stream__protocol.md, disconnect: "服务端在静默10s之后会主动断开 tcp 连接".
DISCONNECT_GRACE_SECONDS = 10.0

# Assumed: the FAQ says an EVENT not acknowledged is pushed again after a timeout, without
# saying how long or how often. The stand-in waits this long for the ACK and pushes at most
# this many times in all.
EVENT_ACK_TIMEOUT_SECONDS = 5.0
EVENT_MAX_PUSHES = 3

# Official page "批量发送人与机器人会话中机器人消息" (oToMessages/batchSend): userIds, at most 20.
BATCH_SEND_MAX_USERS = 20

# The robot message topic (learn__stream__protocol.md, 消息类型) and the card callback topic.
ROBOT_MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"
CARD_CALLBACK_TOPIC = "/v1.0/card/instances/callback"

# batchSend msgKey values the stand-in accepts (official page "机器人发送消息的类型").
BATCH_SEND_MSG_KEYS = frozenset(
    {
        "sampleText",
        "sampleMarkdown",
        "sampleImageMsg",
        "sampleLink",
        "sampleActionCard",
        "sampleActionCard2",
        "sampleFile",
        "sampleAudio",
        "sampleVideo",
    }
)

# Session webhook msgtypes the stand-in accepts: the SDK's reply_text and reply_markdown
# (chatbot.py) post {"msgtype": "text" | "markdown", ...} to the webhook.
WEBHOOK_MSGTYPES = frozenset({"text", "markdown"})
