"""Tamper evidence: evidence hashes in /history, exports and dossiers, the audit chain's head,
``duban verify`` and the weekly self-check.

The ``tamper.problem.*`` texts are also printed by ``duban verify`` (HTML unescaped), so they
hold no tags; each says which file or event, and what was expected.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- /history: the item's evidence files with their sha256
    "tamper.history.files": (
        "\n<b>🔐 证据文件（sha256）</b>",
        "\n<b>🔐 Evidence files (sha256)</b>",
    ),
    "tamper.history.file": (
        "{when} {kind}（{who}）\n<code>{sha256}</code>",
        "{when} {kind} ({who})\n<code>{sha256}</code>",
    ),
    "tamper.history.file_pending": (
        "{when} {kind}（{who}）：尚未下载保存",
        "{when} {kind} ({who}): not downloaded yet",
    ),
    "tamper.history.file_too_big": (
        "{when} {kind}（{who}）：文件过大，未保存副本",
        "{when} {kind} ({who}): too big to keep a copy",
    ),
    "tamper.kind.photo": ("照片", "photo"),
    "tamper.kind.document": ("文件", "document"),
    "tamper.kind.voice": ("语音", "voice"),
    "tamper.kind.video": ("视频", "video"),
    # --- exports and dossiers
    "tamper.export.sha256": ("sha256", "sha256"),
    "tamper.export.head": ("审计链头（sha256）", "Audit chain head (sha256)"),
    "tamper.export.head_event": ("第 {event} 条审计事件", "audit event #{event}"),
    "tamper.manifest.path": ("文件", "file"),
    "tamper.manifest.sha256": ("sha256", "sha256"),
    "tamper.manifest.code": ("督办编号", "code"),
    "tamper.manifest.kind": ("类型", "kind"),
    "tamper.manifest.taken_at": ("时间", "taken at"),
    "tamper.manifest.bytes": ("字节数", "bytes"),
    "tamper.dossier.files": (
        "证据文件（sha256 前 12 位）",
        "Evidence files (first 12 hex of sha256)",
    ),
    "tamper.dossier.file": (
        "{when} · {kind} · {who} · sha256 {short}",
        "{when} · {kind} · {who} · sha256 {short}",
    ),
    "tamper.dossier.photo_hash": ("sha256 {short}", "sha256 {short}"),
    "tamper.dossier.integrity": ("记录完整性", "Record integrity"),
    "tamper.dossier.head": (
        "本档案生成时（{when}），审计链头为第 {event} 条事件：\n{head}\n"
        "可在服务器上运行 duban verify --head {head} 核对此后记录未被改写。",
        "When this dossier was made ({when}) the audit chain head was event #{event}:\n{head}\n"
        "Run duban verify --head {head} on the server to check the record has not been "
        "rewritten since.",
    ),
    "tamper.dossier.no_head": (
        "本档案生成时审计记录为空。",
        "The audit trail was empty when this dossier was made.",
    ),
    # --- the weekly self-check, to the administrators
    "tamper.weekly.clean": (
        "🔐 <b>每周完整性自检</b>（{date}）\n"
        "已核对证据文件 {files} 个、审计事件 {events} 条，全部相符。\n\n"
        "当前审计链头（第 {event} 条事件）：\n<code>{head}</code>\n\n"
        "请把这个值另行保存（如抄入会议记录）。日后在服务器上运行 "
        "<code>duban verify --head 这个值</code>，可核对记录自此未被改写或删减。",
        "🔐 <b>Weekly integrity self-check</b> ({date})\n"
        "Checked {files} evidence {files:file|files} and {events} audit {events:event|events}: "
        "all match.\n\n"
        "Current audit chain head (event #{event}):\n<code>{head}</code>\n\n"
        "Keep this value somewhere else (e.g. in the meeting minutes). Later, "
        "<code>duban verify --head THIS_VALUE</code> on the server checks that nothing has "
        "been rewritten or cut off since.",
    ),
    "tamper.weekly.problems": (
        "⚠️ <b>每周完整性自检发现 {count} 处不符</b>（{date}）\n"
        "已核对证据文件 {files} 个、审计事件 {events} 条。\n\n{lines}\n\n"
        "请在服务器上运行 <code>duban verify</code> 查看全部详情，并与备份核对。\n"
        "当前审计链头（第 {event} 条事件）：\n<code>{head}</code>",
        "⚠️ <b>Weekly integrity self-check: {count} {count:mismatch|mismatches}</b> ({date})\n"
        "Checked {files} evidence {files:file|files} and {events} audit "
        "{events:event|events}.\n\n{lines}\n\n"
        "Run <code>duban verify</code> on the server for every detail, and compare with a "
        "backup.\nCurrent audit chain head (event #{event}):\n<code>{head}</code>",
    ),
    "tamper.weekly.more": ("……另有 {count} 处", "… and {count} more"),
    "tamper.weekly.no_head": ("（暂无审计事件）", "(no audit events yet)"),
    # --- duban verify (printed) and the weekly message: one line per mismatch
    "tamper.problem.media_missing": (
        "证据文件缺失：sha256 {sha256}（证据 #{evidence}）在 MEDIA_DIR 中找不到。",
        "Evidence file missing: sha256 {sha256} (evidence #{evidence}) is not in MEDIA_DIR.",
    ),
    "tamper.problem.media_altered": (
        "证据文件被改动：{path}（证据 #{evidence}）应为 sha256 {expected}，实际为 {actual}。",
        "Evidence file changed: {path} (evidence #{evidence}) should have sha256 {expected} "
        "but has {actual}.",
    ),
    "tamper.problem.evidence_rehashed": (
        "证据 #{evidence} 记录的 sha256 为 {stored}，而保存文件时写入审计链的是 {chained}："
        "证据记录在督办之外被改动，文件可能已被替换。",
        "Evidence #{evidence} records sha256 {stored}, but the audit chain recorded {chained} "
        "when its file was stored: the evidence row was changed outside Duban, and the file "
        "may have been replaced.",
    ),
    "tamper.problem.evidence_unchained": (
        "证据 #{evidence} 的 sha256 {stored} 没有写入审计链：这条记录不是由督办保存的。",
        "Evidence #{evidence} has sha256 {stored}, which the audit chain never recorded: the "
        "row was not stored by Duban.",
    ),
    "tamper.problem.event_unchained": (
        "审计事件 #{event} 没有链哈希：它不是由督办写入的。",
        "Audit event #{event} has no chain hash: it was not written by Duban.",
    ),
    "tamper.problem.event_altered": (
        "审计事件 #{event}（{action}，{at}）的内容与记录的哈希不符：记录为 {stored}，"
        "按内容计算为 {computed}。该事件在督办之外被改动。",
        "Audit event #{event} ({action}, {at}) does not match its stored hash: stored "
        "{stored}, computed from its content {computed}. It was changed outside Duban.",
    ),
    "tamper.problem.link_broken": (
        "审计事件 #{event} 记录的上一条哈希为 {stored}，但上一条事件 #{previous} 的哈希是 "
        "{expected}：两者之间有事件被删除，或前一条被改动。",
        "Audit event #{event} records the previous hash {stored}, but the event before it "
        "(#{previous}) has {expected}: an event between them was removed, or the earlier one "
        "was changed.",
    ),
    "tamper.problem.chain_start": (
        "审计记录的第一条事件 #{event} 记录的上一条哈希为 {stored}，而不是链的起点（全零）："
        "更早的事件被删除。",
        "The first audit event #{event} records the previous hash {stored} instead of the "
        "start of the chain (all zeros): earlier events were removed.",
    ),
    "tamper.problem.head_missing": (
        "发布过的链头 {head} 不在审计链中：此后有事件被删除或截断，或者整条链被重新计算过。",
        "The published head {head} is not in the audit chain: events were removed or cut off "
        "since, or the chain was recomputed.",
    ),
    "tamper.problem.head_behind_break": (
        "发布过的链头 {head} 是第 {event} 条事件，但链在它之前已经断开（见上）。",
        "The published head {head} is event #{event}, but the chain is broken before it "
        "(see above).",
    ),
}
