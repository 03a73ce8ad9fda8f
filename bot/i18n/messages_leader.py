"""The leaders' view: 分管 (the units each leader oversees) and the dashboard picture."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- /leaders and duban leader-units
    "cmd.leaders": ("分管领导与分管单位", "leaders and the units they oversee"),
    "leaders.none": (
        "还没有登记分管领导。可用 /invite 邀请领导。",
        "No leader is registered yet. Invite one with /invite.",
    ),
    "leaders.title": (
        "<b>分管领导（{count}）</b>\n点选领导，设置其分管单位。分管单位的事项转为红色时，"
        "领导会即时收到提醒；未设分管单位的领导收到全部红色事项。",
        "<b>Leaders ({count})</b>\nTap a leader to set the units they oversee. A leader hears "
        "at once when an item of those units turns red; a leader with none hears of all.",
    ),
    "leaders.card": (
        "<b>{name}</b> 的分管单位：{units}\n点选单位即可添加（✓）或取消。",
        "Units <b>{name}</b> oversees: {units}\nTap a unit to add it (✓) or take it away.",
    ),
    "leaders.all_units": ("未设（收到全部）", "none set (hears of all)"),
    "leaders.added": ("{name} 分管 {unit}", "{name} now oversees {unit}"),
    "leaders.removed": ("{name} 不再分管 {unit}", "{name} no longer oversees {unit}"),
    "leaders.back": ("↩️ 领导列表", "↩️ List of leaders"),
    "leaders.not_leader": (
        "此人已不是在职的分管领导，请重新发送 /leaders。",
        "This person is no longer an active leader; send /leaders again.",
    ),
    "leaders.unknown_unit": (
        "找不到这个单位，请重新发送 /leaders。",
        "That unit is gone; send /leaders again.",
    ),
    "leaders.cli_line": ("{name}：{units}", "{name}: {units}"),
    "leaders.cli_name_needed": (
        "请写明领导姓名，例如：duban leader-units 陈主任 --add 科技局",
        "Name the leader, e.g. duban leader-units 陈主任 --add 科技局",
    ),
    "leaders.cli_unknown_leader": (
        "没有名为「{name}」的在职分管领导",
        "No active leader is named '{name}'",
    ),
    "leaders.cli_ambiguous": (
        "有 {count} 位在职分管领导名为「{name}」，请先改名区分",
        "{count} active leaders are named '{name}'; rename one first",
    ),
    "leaders.cli_unknown_unit": ("没有名为「{unit}」的单位", "No unit is named '{unit}'"),
    "history.event.audit.leader_unit_added": ("分管单位增加：{unit}", "Now oversees {unit}"),
    "history.event.audit.leader_unit_removed": (
        "分管单位取消：{unit}",
        "No longer oversees {unit}",
    ),
    # --- the dashboard picture (bot/builders/dashboard.py): plain text, drawn by matplotlib
    "dash.title": ("督办一览", "Supervision at a glance"),
    "dash.period": ("{start} 至 {end}", "{start} to {end}"),
    "dash.week": ("本周 {start} 至 {end}", "Week {start} to {end}"),
    "dash.total": ("督办事项", "Items"),
    "dash.closed": ("已销号", "Closed"),
    "dash.rate": ("销号率", "Close-out rate"),
    "dash.overdue": ("逾期未办结", "Overdue"),
    "dash.red_count": ("红色督办", "Red"),
    "dash.newly_count": ("新增逾期", "Newly overdue"),
    "dash.red": ("红色督办事项（{count}）", "Red items ({count})"),
    "dash.newly": (
        "新增逾期（近 {days} 天，{count}）",
        "Newly overdue (last {days} days, {count})",
    ),
    "dash.newly_week": ("本周新增逾期（{count}）", "Newly overdue this week ({count})"),
    "dash.units": ("销号率靠后的单位", "Units furthest behind"),
    "dash.unit_line": (
        "{rate}%（{closed}/{total}）逾期 {overdue}",
        "{rate}% ({closed}/{total}), {overdue} overdue",
    ),
    "dash.days": ("逾期 {days} 天", "{days} d overdue"),
    "dash.none": ("无", "None"),
    "dash.more": (
        "另有 {count} 项，见 /red 或详细图表",
        "{count} more: see /red or the detailed charts",
    ),
    "dash.own_note": (
        "★ 您分管的单位及其事项，排在前面",
        "★ units you oversee and their items, listed first",
    ),
    "dash.caption": ("督办一览（详细图表见下方）", "At a glance (detailed charts below)"),
    "dash.digest_caption": ("本周一览", "The week at a glance"),
}
