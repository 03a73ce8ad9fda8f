"""Import errors and the command line, in the reader's language (issue 14).

A sheet's row errors (``import.row.*``), the reasons behind them (``import.error.*``,
``deadline.error.*``) and a refused file (``import.file.*``) are shown in the chat preview,
written into the annotated workbook and printed by ``duban import``; each says the value it
could not use, as the sheet has it. ``cli.*`` is what the ``duban`` command prints. None of
these carries markup: they are also plain text (``bot.i18n.plain``).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # Where a row error is: a cell (the column as the sheet heads it) or the whole row.
    "import.row.cell": (
        "第 {row} 行「{column}」：{reason}",
        'Row {row}, column "{column}": {reason}',
    ),
    "import.row.whole": ("第 {row} 行：{reason}", "Row {row}: {reason}"),
    # The same reasons in the annotated workbook's error column, whose row is the error's.
    "import.row.cell_note": ("「{column}」：{reason}", '"{column}": {reason}'),
    # Why a row cannot be imported.
    "import.error.duplicate": (
        '"{value}"与第 {other} 行重复',
        '"{value}" also appears in row {other}',
    ),
    "import.error.unknown_area": (
        '无法识别的领域"{area}"（应为 1+8 领域之一）',
        'unknown area "{area}" (one of the 1+8 areas)',
    ),
    "import.error.unknown_code": (
        '没有编号为"{code}"的事项；新增事项请清空此格',
        'no item has the code "{code}"; clear it to add a new one',
    ),
    "import.error.seq_taken": (
        '序号 {seq} 已是事项 {code}（"{existing}"），而此行写的是"{written}"；'
        "新增事项请用新的序号，修改问题内容请用导出表的编号列",
        'number {seq} is item {code} ("{existing}") but this row says "{written}"; give a '
        "new row a new number, or use the code column of an export to change an item's "
        "problem text",
    ),
    "import.error.no_inspector": (
        '没有名为"{name}"的已登记督查人员',
        'no registered inspector is named "{name}"',
    ),
    "import.error.many_inspectors": (
        '有 {count} 名在岗督查人员都叫"{name}"，请先为其中一人改名',
        '{count} active inspectors are named "{name}"; rename one first',
    ),
    "import.error.other_place": (
        '"{company}"在第 {other} 行有另一组坐标',
        '"{company}" has other coordinates in row {other}',
    ),
    "import.error.no_problem": ("没有填写问题", "no problem text"),
    "import.error.level": (
        '无法把"{text}"读作督办等级（请写一般督办、重点督办或提级督办）',
        'cannot read "{text}" as a level (write 一般督办, 重点督办 or 提级督办, or blue, '
        "yellow, red)",
    ),
    "import.error.no_partner_column": (
        "表中没有与之配对的「{wanted}」列",
        'there is no "{wanted}" column to go with it',
    ),
    "import.error.partner_empty": (
        "已填「{other}」，但此格为空",
        '"{other}" is given but this cell is empty',
    ),
    "import.error.place_without_company": (
        "坐标属于企业，但此行没有填写企业",
        "coordinates belong to a company, but this row names none (企业 column)",
    ),
    # An unreadable deadline (bot/domain/deadlines.py DeadlineError.kind).
    "deadline.error.unreadable": ('无法把"{text}"读作日期', 'cannot read "{text}" as a date'),
    "deadline.error.plain_number": (
        '无法把"{text}"读作日期（这是一个普通数字；请把单元格设为日期格式，或写成 2024-06-30）',
        'cannot read "{text}" as a date (it is a plain number; format the cell as a date '
        "or write it like 2024-06-30)",
    ),
    "deadline.error.unlikely_year": (
        '无法把"{text}"读作日期（{year} 年不合常理）',
        'cannot read "{text}" as a date (the year {year} is unlikely)',
    ),
    "deadline.error.no_such_date": (
        '无法把"{text}"读作日期（没有这一天）',
        'cannot read "{text}" as a date (there is no such date)',
    ),
    "deadline.error.no_month": (
        '无法把"{text}"读作日期（没有 {month} 月）',
        'cannot read "{text}" as a date (there is no month {month})',
    ),
    "deadline.error.no_quarter": (
        '无法把"{text}"读作日期（没有第 {quarter} 季度）',
        'cannot read "{text}" as a date (there is no quarter {quarter})',
    ),
    # A file refused as a whole (bot/sheets/model.py SheetFileError.key).
    "import.file.old_style": (
        "{file} 是旧版工作簿；请用 Excel 或 WPS 打开，另存为 .xlsx（Excel 工作簿）后重新发送",
        "{file} is an old-style workbook; open it in Excel or WPS and save it as .xlsx "
        "(Excel workbook), then send it again",
    ),
    "import.file.wrong_suffix": (
        "{file}：只能读取 .xlsx 和 .csv 文件（收到的是 {suffix}）",
        "{file}: only .xlsx and .csv files can be read (got {suffix})",
    ),
    "import.file.no_suffix": (
        "{file}：只能读取 .xlsx 和 .csv 文件（此文件没有扩展名）",
        "{file}: only .xlsx and .csv files can be read (got no extension)",
    ),
    "import.file.unreadable_workbook": (
        "{file} 无法作为 Excel 工作簿读取（{detail}）",
        "{file} cannot be read as an Excel workbook ({detail})",
    ),
    "import.file.no_such_sheet": (
        "{file} 中没有名为「{sheet}」的工作表（现有：{names}）",
        '{file} has no sheet named "{sheet}" (it has {names})',
    ),
    "import.file.no_visible_sheet": (
        "{file} 中没有可见的工作表",
        "{file} has no visible worksheet",
    ),
    "import.file.damaged": (
        "{file} 已损坏，无法读取（{detail}）",
        "{file} is damaged and cannot be read ({detail})",
    ),
    "import.file.xlsx_named_csv": (
        "{file} 其实是 .xlsx 工作簿，却以 .csv 命名；请改名为 .xlsx",
        "{file} is an .xlsx workbook named .csv; rename it to .xlsx",
    ),
    "import.file.no_csv_header": (
        "按 {utf8} 或 {gbk} 读取 {file}，在前 {rows} 行中都找不到表头（写有问题等已知列名的一行）；"
        "请在 Excel 或 WPS 中另存为 {csv_utf8} 或 .xlsx",
        "cannot find the header row (a row naming 问题 and other known columns) in the "
        "first {rows} {rows:row|rows} of {file} when read as {utf8} or {gbk}; save it from Excel "
        "or WPS as "
        "{csv_utf8} or as .xlsx",
    ),
    "import.file.bad_csv": (
        "{file} 不是可读的 .csv 文件（{detail}）",
        "{file} is not a readable CSV file ({detail})",
    ),
    "import.file.no_header": (
        "在「{where}」的前 {rows} 行中找不到表头：没有哪一行含有问题、措施、承办单位、办理时限、"
        "跟踪督办目标中的至少两列",
        'cannot find the header row in the first {rows} {rows:row|rows} of "{where}": no row '
        "names at "
        "least two of the columns 问题, 措施, 承办单位, 办理时限, 跟踪督办目标 (or Problem, "
        "Measures, Responsible unit, Deadline, Target)",
    ),
    "import.file.no_problem_column": (
        "「{where}」第 {row} 行的表头中没有问题列（{names}）（找到的列：{found}）",
        '"{where}" has no problem column ({names}) in header row {row} (found {found})',
    ),
    "import.file.cannot_open": ("无法打开 {file}：{detail}", "cannot open {file}: {detail}"),
    "import.file.too_big": (
        "{file} 有 {size} MB；表格不能超过 {limit} MB",
        "{file} is {size} MB; sheets up to {limit} MB are accepted",
    ),
    "import.file.empty": ("{file} 是空文件", "{file} is empty"),
    "import.file.ole": (
        "{file} 是旧版 .xls 工作簿或设有密码；请用 Excel 或 WPS 打开，另存为不设密码的 .xlsx",
        "{file} is an old-style .xls workbook or is password-protected; open it in Excel "
        "or WPS and save it as .xlsx without a password",
    ),
    "import.file.not_zip": (
        "{file} 不是 .xlsx 工作簿（它不是压缩包）",
        "{file} is not an .xlsx workbook (it is not a zip archive)",
    ),
    "import.file.bad_zip": (
        "{file} 已损坏或不完整（读不出其压缩目录）；请重新发送",
        "{file} is damaged or truncated (its zip directory cannot be read); send the file again",
    ),
    "import.file.too_many_parts": (
        "{file} 含有 {count} 个部件，这不是一份督办表格",
        "{file} has {count} {count:part|parts}; this is not a task table",
    ),
    "import.file.bomb": (
        "{file} 被拒收：其中的 {part} 解压后会膨胀 {ratio} 倍（疑似压缩炸弹）",
        "{file} is refused: part {part} would inflate {ratio}× (a zip bomb?)",
    ),
    "import.file.inflates": (
        "{file} 被拒收：解压后将达 {size} MB（上限 {limit} MB）",
        "{file} is refused: it would inflate to {size} MB (limit {limit} MB)",
    ),
    "import.file.not_workbook": (
        "{file} 是压缩包，但不是 Excel 工作簿",
        "{file} is a zip archive but not an Excel workbook",
    ),
    "import.file.truncated": (
        "{file} 已损坏或不完整；请重新发送",
        "{file} is damaged or truncated; send the file again",
    ),
    "import.file.missing_part": (
        "工作簿缺少 {part}，已损坏",
        "the workbook has no {part}; it is damaged",
    ),
    "import.file.bad_part": (
        "工作簿的 {part} 已损坏或不安全（{detail}）",
        "the workbook's {part} is damaged or unsafe ({detail})",
    ),
    # What ``duban`` prints (bot/cli/). "duban: " starts an error, as Unix commands do.
    "cli.error": ("duban: {text}", "duban: {text}"),
    "cli.no_such_file": ("duban: 找不到文件 {path}", "duban: {path}: no such file"),
    "cli.no_database": ("duban: {path} 处没有数据库", "duban: no database at {path}"),
    "cli.config": ("duban: 配置有误：{problem}", "duban: {problem}"),
    "cli.schema_too_new": (
        "duban: {path} 由更新版本的督办写入（含本版本不认识的迁移 {migrations}）；"
        "请升级督办，或恢复由本版本做的备份",
        "duban: {path}: this database was written by a newer version of Duban (it has "
        "migrations {migrations} that this version does not know); upgrade Duban or restore "
        "a backup made by this version",
    ),
    "cli.no_token": (
        "duban: 未设置 TELEGRAM_BOT_TOKEN；请写入环境变量或 .env"
        "（或运行 duban demo，在本机沙盒中试用）",
        "duban: TELEGRAM_BOT_TOKEN is not set; put it in the environment or .env (or run "
        "`duban demo` to try the bot on the local sandbox)",
    ),
    "cli.import.imported": (
        "已导入 {total} 项：新增 {new} 项，修改 {changed} 项",
        "imported {total} {total:item|items}: {new} new, {changed} updated",
    ),
    "cli.import.would_import": (
        "试运行：将导入 {total} 项：新增 {new} 项，修改 {changed} 项",
        "dry run: would have imported {total} {total:item|items}: {new} new, {changed} updated",
    ),
    "cli.import.assigned": (
        "，指派督查人员 {count} 人次",
        ", {count} inspector {count:assignment|assignments}",
    ),
    "cli.import.skipped": (
        "，跳过 {count} 行（空行或小计）",
        ", {count} {count:row|rows} skipped (blank/subtotal)",
    ),
    "cli.import.places": (
        "，设置 {count} 家企业的坐标",
        ", coordinates for {count} {count:company|companies}",
    ),
    "cli.import.refused": (
        "共 {count} 处错误，未导入任何内容",
        "{count} row {count:error|errors}; nothing was imported",
    ),
    "cli.export.bad_name": (
        "duban: {path}：文件名须以 .xlsx 或 .csv 结尾",
        "duban: {path}: the file name must end in .xlsx or .csv",
    ),
    "cli.export.done": (
        "已导出 {count} 项到 {path}",
        "exported {count} {count:item|items} to {path}",
    ),
    "cli.export.head": (
        "审计链头：事件 #{event} {hash}",
        "audit chain head: event #{event} {hash}",
    ),
    "cli.items.count": ("（共 {count} 项）", "({count} {count:item|items})"),
    "cli.items.head.code": ("编号", "code"),
    "cli.items.head.status": ("状态", "status"),
    "cli.items.head.level": ("等级", "level"),
    "cli.items.head.deadline": ("办理时限", "deadline"),
    "cli.items.head.unit": ("承办单位", "unit"),
    "cli.items.head.problem": ("问题", "problem"),
    "cli.items.level.none": ("-", "-"),
    "cli.items.level.blue": ("蓝", "blue"),
    "cli.items.level.yellow": ("黄", "yellow"),
    "cli.items.level.red": ("红", "red"),
    "cli.invite.needs_unit": (
        "duban: 邀请联络员须指定 --unit（如 --unit 科技局）",
        "duban: a contact invitation needs --unit (e.g. --unit 科技局)",
    ),
    "cli.invite.no_link": (
        "duban: 无法生成邀请链接：{reason}；请受邀人向机器人发送上面的 /start 一行",
        "duban: no t.me link: {reason}; the invited person sends the bot the /start line",
    ),
    "cli.invite.valid_until": ("有效期至 {until}", "valid until {until}"),
    "cli.assign.no_item": ('没有编号为"{code}"的事项', 'no item has the code "{code}"'),
    "cli.assign.no_inspector": (
        '没有名为"{name}"的在岗督查人员',
        'no active inspector is named "{name}"',
    ),
    "cli.assign.removed": ("{name} 不再负责 {code}", "{name} is no longer assigned to {code}"),
    "cli.assign.was_not": ("{name} 本来就未被指派到 {code}", "{name} was not assigned to {code}"),
    "cli.assign.assigned": ("已指派 {name} 负责 {code}", "assigned {name} to {code}"),
    "cli.assign.already": ("{name} 早已被指派到 {code}", "{name} was already assigned to {code}"),
    "cli.backup.done": ("已将 {source} 备份到 {target}", "backed up {source} to {target}"),
    "cli.verify.bad_head": (
        'duban: --head "{head}" 不是链头：须为每周消息、导出表或档案中公布的 64 位十六进制字符',
        'duban: --head "{head}" is not a chain head: it must be the 64 hex characters '
        "published in the weekly message, an export or a dossier",
    ),
    "cli.verify.checked": (
        "已核对 {files} 个证据文件和 {events} 条审计事件",
        "checked {files} evidence {files:file|files} and {events} audit {events:event|events}",
    ),
    "cli.verify.head": ("链头：事件 #{event} {hash}", "chain head: event #{event} {hash}"),
    "cli.verify.mismatch": ("不符：{problem}", "MISMATCH: {problem}"),
    "cli.verify.mismatches": (
        "共 {count} 处不符：记录与原样不一致",
        "{count} {count:mismatch|mismatches}: the record does not hold as it is",
    ),
    "cli.verify.published": (
        "公布的链头 {head} 在链中，截至该处完好",
        "the published head {head} is in the chain, intact up to it",
    ),
    "cli.verify.ok": (
        "正常：每个证据文件和每条审计事件都相符",
        "OK: every evidence file and every audit event matches",
    ),
    "cli.company.several": (
        'duban: "{name}"匹配到多家企业：',
        'duban: "{name}" matches several companies:',
    ),
    "cli.company.none": ('duban: 没有企业匹配"{name}"', 'duban: no company matches "{name}"'),
    "cli.company.bad_at": ("duban: --at：{reason}", "duban: --at: {reason}"),
    "cli.company.set": (
        "已将 {company} 的坐标设为 {point}（WGS-84）；已测算 {count} 次走访",
        "set {company} to {point} (WGS-84); {count} {count:visit|visits} measured",
    ),
    "cli.company.place": ("{company}{town}：{place}", "{company}{town}: {place}"),
    "cli.company.point": ("{point}（WGS-84）  {url}", "{point} (WGS-84)  {url}"),
    "cli.company.no_point": ("暂无坐标", "no coordinates"),
    "cli.company.town": ("（{town}）", " ({town})"),
    "cli.inbox.none": ("没有被搁置的更新", "no update is set aside"),
    "cli.inbox.count": (
        "共 {count} 条更新被搁置；重放其中一条：duban inbox retry ID",
        "{count} {count:update is|updates are} set aside; replay one with: duban inbox retry ID",
    ),
    "cli.inbox.unknown_sender": ("发送者不明", "unknown sender"),
    "cli.inbox.last": ("，最近一次在 {at}", ", last at {at}"),
    "cli.inbox.failed": (
        "{kind}{preview}，失败 {attempts} 次{last}",
        "{kind}{preview}, failed {attempts} {attempts:time|times}{last}",
    ),
    "cli.inbox.replayed": (
        "更新 #{update} 已重新排队；运行中的机器人会在几秒内处理",
        "update #{update} is back in line; the running bot processes it within seconds",
    ),
    "cli.inbox.not_replayed": (
        "duban: 更新 #{update} 未重放：{reason}",
        "duban: update #{update} was not replayed: {reason}",
    ),
    "cli.inbox.pending": ("它已在等待处理", "it is already waiting to be processed"),
    "cli.inbox.done": ("它已处理过", "it was processed already"),
    "cli.inbox.missing": ("没有这条更新", "there is no such update"),
    "cli.browse.serving": (
        "督办数据在 {url}（只读；按 {stop} 停止）",
        "Duban data at {url} (read-only; {stop} to stop)",
    ),
    "cli.demo.cannot_listen": (
        "duban demo: 无法在 {host}:{port} 监听：{reason}",
        "duban demo: cannot listen on {host}:{port}: {reason}",
    ),
    "cli.demo.other_port": (
        "  请换一个端口：duban demo --port 8090",
        "  try another port: duban demo --port 8090",
    ),
    "cli.demo.open": (
        "  督办演示：请打开手机页面  {url}",
        "  督办 Duban demo: open the phone page  {url}",
    ),
    "cli.demo.data": (
        "  （演示数据在 {folder}/，每次启动都重新生成；按 {stop} 停止）",
        "  (demo data in {folder}/, seeded afresh on every start; {stop} stops)",
    ),
    "cli.demo.clock": (
        "  （演示时钟为北京时间 {at}，在办公时间内，到期提醒如上班时一样发出）",
        "  (the demo's clock reads {at} Beijing time, in office hours, so that deadline "
        "reminders go out as they would at work)",
    ),
    # A bad setting (bot/config.py ConfigFault), as duban reports it.
    "config.line": ("{setting}：{reason}", "{setting}: {reason}"),
    "config.token": (
        "不像机器人令牌（应为数字、冒号，再加至少 20 个字母、数字、下划线或连字符）",
        "does not look like a bot token (expected digits, ':', then at least 20 letters, "
        "digits, '_' or '-')",
    ),
    "config.dingtalk_required": (
        "钉钉已配置（DINGTALK_CLIENT_ID 与 DINGTALK_CLIENT_SECRET），此项不能为空：机器人的消息"
        "和卡片都要用到它（见说明文档中钉钉开发者后台的设置步骤）",
        "required once DingTalk is configured (DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET): "
        "every robot message and card needs it (see the console steps in README, On DingTalk)",
    ),
    "config.api_url": (
        '"{value}" 不是网址，应形如 {example}',
        "'{value}' is not an http or https URL such as {example}",
    ),
    "config.proxy": ('"{value}" 须以 {schemes} 之一开头', "'{value}' must start with {schemes}"),
    "config.is_folder": ("{path} 是文件夹，不是文件", "{path} is a directory, not a file"),
    "config.not_folder": ("{path} 已存在，但不是文件夹", "{path} exists and is not a directory"),
    "config.admin_id": (
        '"{value}" 不是 Telegram 用户 ID（一个整数）；多个 ID 用逗号分隔',
        "'{value}' is not a Telegram user id (a whole number); separate several ids with commas",
    ),
    "config.timezone": (
        '"{value}" 不是已知的时区名称（例如 {example}）',
        "'{value}' is not a known IANA time zone (for example {example})",
    ),
    "config.language": ('"{value}" 须为以下之一：{choices}', "'{value}' must be one of: {choices}"),
}
