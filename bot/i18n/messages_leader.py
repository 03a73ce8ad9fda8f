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
}
