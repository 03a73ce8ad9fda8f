"""Updates that failed every attempt: the office's notice, /stuck and its replay button."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.stuck": ("处理失败、已搁置的消息（可重新处理）", "Messages that failed, to replay"),
    "faults.set_aside_notice": (
        "⚠️ {who} 发来的一条消息（{kind}，编号 #{update_id}）处理 {attempts} 次均失败，"
        "已暂时搁置，其他消息照常处理。发送 /stuck 查看原因并重新处理。",
        "⚠️ A message from {who} ({kind}, #{update_id}) failed {attempts} {attempts:time|times} "
        "and was set "
        "aside; other messages are processed as usual. Send /stuck to see why and replay it.",
    ),
    "faults.none": ("目前没有搁置的消息。", "No message is set aside."),
    "faults.title": (
        "共 {count} 条消息处理失败、已搁置。排除原因后点“重新处理”，"
        "机器人会像刚收到一样再处理一次：",
        "{count} {count:message|messages} failed and {count:was|were} set aside. Once the cause "
        "is fixed, tap Replay and the bot processes {count:it|each} again as if it had just "
        "arrived:",
    ),
    "faults.entry": (
        "<b>#{update_id}</b> {who}\n{when} · {kind}{preview}\n"
        "失败 {attempts} 次：<code>{error}</code>",
        "<b>#{update_id}</b> {who}\n{when} · {kind}{preview}\nFailed {attempts} "
        "{attempts:time|times}: "
        "<code>{error}</code>",
    ),
    "faults.more": (
        "……另有 {count} 条未列出；处理完以上各条后再发送 /stuck 查看。",
        "…and {count} more; send /stuck again once these are dealt with.",
    ),
    "faults.replay": ("🔁 重新处理 #{update_id}", "🔁 Replay #{update_id}"),
    "faults.replayed": (
        "已将 #{update_id} 放回处理队列，几秒内重新处理。若仍失败，会再次通知你。",
        "#{update_id} is back in line and will be processed again within seconds. If it fails "
        "again you will be told.",
    ),
    "faults.replay_pending": (
        "#{update_id} 已在处理队列中，无需重复操作。",
        "#{update_id} is already in line; nothing more to do.",
    ),
    "faults.replay_done": (
        "#{update_id} 已处理完毕，无需重新处理。",
        "#{update_id} has been processed; there is nothing to replay.",
    ),
    "faults.replay_missing": ("找不到 #{update_id}。", "There is no #{update_id}."),
    "faults.preview": ("：{text}", ": {text}"),
    "faults.someone": ("未知发送者", "an unknown sender"),
    "faults.lock_long": (
        "⚠️ 数据库已被其他程序锁定约 {minutes} 分钟（导入、备份或其他工具未结束？），"
        "督办机器人正在等待，暂时无法处理新消息。已收到的内容不会丢失，锁定解除后会自动补办。",
        "⚠️ Another program has kept the database locked for about {minutes} min (an import, "
        "a backup or another tool still running?). Duban is waiting and cannot process new "
        "messages for now; nothing received is lost, and all is processed once it is released.",
    ),
    "faults.lock_back": (
        "✅ 数据库锁定已解除，督办机器人已继续处理消息。",
        "✅ The database lock is gone: Duban is processing messages again.",
    ),
    "faults.kind.command": ("命令", "command"),
    "faults.kind.text": ("文字", "text"),
    "faults.kind.photo": ("照片", "photo"),
    "faults.kind.document": ("文件", "file"),
    "faults.kind.media": ("音视频", "audio or video"),
    "faults.kind.location": ("位置", "location"),
    "faults.kind.button": ("按钮点击", "button tap"),
    "faults.kind.edit": ("消息修改", "edited message"),
    "faults.kind.other": ("其他消息", "other message"),
}
