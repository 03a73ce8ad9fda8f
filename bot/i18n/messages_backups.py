"""Backups and restores (issue 17): the three backup settings, ``duban backup``,
``duban restore`` with its refusals, and ``duban alive`` (the container's health check)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "setting.backup_dir": ("备份目录", "Backup folder"),
    "setting.backup_time": ("每日备份时间", "Daily backup time"),
    "setting.backup_keep": ("备份保留份数", "Backups kept"),
    "cli.backup.taken": (
        "已备份到 {folder}：数据库和 {files} 个证据文件（其中 {linked} 个为硬链接，不占空间）",
        "backed up into {folder}: the database and {files} evidence "
        "{files:file|files} ({linked} hard-linked, taking no space)",
    ),
    "cli.backup.removed": (
        "已删除较早的 {count} 份备份：{names}",
        "older {count:backup|backups} removed: {names}",
    ),
    "cli.backup.left_out": ("未备份：{problem}", "not backed up: {problem}"),
    "cli.backup.left_out_count": (
        "共 {count} 个证据文件未能备份；请运行 duban verify 查明原因",
        "{count} evidence {count:file was|files were} not backed up; run duban verify to "
        "find out why",
    ),
    "cli.backup.failed": (
        "duban: 备份失败，未留下不完整的备份：{reason}",
        "duban: the backup failed and left nothing half-written: {reason}",
    ),
    "cli.restore.done": (
        "已从 {backup} 恢复数据库 {database} 和 {files} 个证据文件到 {media}；下面是校验结果",
        "restored the database {database} and {files} evidence {files:file|files} into "
        "{media} from {backup}; the check follows",
    ),
    "cli.restore.other_media": (
        "注意：证据文件恢复到了 {media}，而配置的 MEDIA_DIR 是 {configured}；"
        "启动前请修改 MEDIA_DIR",
        "note: the evidence files went into {media} but MEDIA_DIR is {configured}; change "
        "MEDIA_DIR before starting the bot",
    ),
    "backup.refused.database_exists": (
        "duban: 不予恢复：{path} 已存在。恢复只写入空的数据目录，绝不覆盖已有的数据库；"
        "请停止机器人，把现有数据移走后再试",
        "duban: not restoring: {path} exists. A restore only fills an empty data folder and "
        "never overwrites a database; stop the bot and move the present data away first",
    ),
    "backup.refused.media_not_empty": (
        "duban: 不予恢复：证据目录 {path} 不是空的；请指定空目录（--media）或先把其中文件移走",
        "duban: not restoring: the evidence folder {path} is not empty; give an empty one "
        "(--media) or move its files away first",
    ),
    "backup.refused.no_manifest": (
        "duban: 不予恢复：{path} 不是督办的备份清单（缺失、损坏或格式不符）",
        "duban: not restoring: {path} is not a Duban backup manifest (missing, damaged or "
        "of another format)",
    ),
    "backup.refused.file_missing": (
        "duban: 不予恢复：备份清单列出的 {path} 不存在；这份备份不完整，请换一份",
        "duban: not restoring: {path}, listed in the manifest, is missing; this backup is "
        "incomplete, use another one",
    ),
    "backup.refused.file_altered": (
        "duban: 不予恢复：{path} 的 sha256 与备份清单不符，文件已被改动；请换一份备份",
        "duban: not restoring: the sha256 of {path} differs from the manifest's, the file "
        "was changed; use another backup",
    ),
    "backup.refused.too_new": (
        "duban: 不予恢复：{path} 由更新版本的督办写入（含本版本不认识的迁移 {migrations}）；"
        "请先升级督办再恢复",
        "duban: not restoring: {path} was written by a newer version of Duban (it has "
        "migrations {migrations} this version does not know); upgrade Duban first",
    ),
    "cli.alive.ok": (
        "正常：数据库 {path} 可以打开并应答",
        "alive: the database {path} opens and answers",
    ),
    "cli.alive.failed": (
        "duban: 数据库 {path} 无法应答：{reason}",
        "duban: the database {path} does not answer: {reason}",
    ),
}
