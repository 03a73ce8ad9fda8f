"""The item card's facts, the verifier's figures and levels set by hand (issue 14, cards)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the item card's facts (bot/services/card_facts.py)
    "cards.level_line": ("\n督办等级：{level}", "\nLevel: {level}"),
    "cards.deadline": ("\n办理时限：{due}", "\nDeadline: {due}"),
    "cards.measure": ("\n措施：{measure}", "\nMeasure: {measure}"),
    "cards.target": ("\n目标：{target}{latest}", "\nTarget: {target}{latest}"),
    "cards.target_latest": (
        "（最新 {figure}/{target}，{percent}，{day}）",
        " (latest {figure}/{target}, {percent}, {day})",
    ),
    "cards.target_latest_plain": ("（最新 {figure}，{day}）", " (latest {figure}, {day})"),
    # The newest figure is the one a pending close-out request was sent with: a claim.
    "cards.target_claimed": (
        "（销号申请所报 {figure}/{target}，{percent}，{day}，待核验）",
        " (claimed with the close-out request: {figure}/{target}, {percent}, {day}; "
        "not yet verified)",
    ),
    "cards.target_claimed_plain": (
        "（销号申请所报 {figure}，{day}，待核验）",
        " (claimed with the close-out request: {figure}, {day}; not yet verified)",
    ),
    "cards.target_none_yet": ("（尚未报告数字）", " (no figure reported yet)"),
    "cards.co_units": ("\n协办单位：{units}", "\nCo-units: {units}"),
    # --- a level and why (bot/services/levels.py)
    "cards.level.none": ("未标色", "no colour"),
    "cards.level.blue": ("蓝色", "blue"),
    "cards.level.yellow": ("黄色", "yellow"),
    "cards.level.red": ("红色", "red"),
    "cards.why": ("（{reasons}）", " ({reasons})"),
    "cards.why_sep": ("；", "; "),
    "cards.why_sheet": ("任务表标定", "set by the sheet"),
    "cards.why_hand": ("手动，{who}：{reason}", "by hand, {who}: {reason}"),
    "cards.why_hand_lower": (
        "手动设为{level}，{who}：{reason}",
        "set {level} by hand, {who}: {reason}",
    ),
    "cards.why_hand_bare": ("手动", "by hand"),
    "cards.why_hand_bare_lower": ("手动设为{level}", "set {level} by hand"),
    "cards.someone": ("未记录设定人", "who is not recorded"),
    # --- setting a level by hand
    "cards.level_button": ("🎚 调整督办等级", "🎚 Set level"),
    "cards.level_clear": ("↩️ 撤销手动等级", "↩️ Clear the level set by hand"),
    "cards.level_menu": (
        "🎚 <b>{code}</b> 的督办等级\n现在显示：{shown}\n请选择手动等级：",
        "🎚 Level of <b>{code}</b>\nShown now: {shown}\nChoose the level to set by hand:",
    ),
    "cards.level_ask_reason": (
        "将 <b>{code}</b> 设为：{chosen}\n设置后显示：{after}{floor}\n"
        "请输入理由（记入督办记录，并显示在事项上）：",
        "Set <b>{code}</b> to: {chosen}\nIt will show: {after}{floor}\n"
        "Type the reason (kept in the record and shown on the item):",
    ),
    "cards.level_floor": (
        "\n（显示的等级不会低于办理时限或任务表给出的等级）",
        "\n(an item never shows less than its deadline or the sheet gives)",
    ),
    "cards.level_reason_empty": (
        "请输入调整等级的理由。",
        "Please type the reason for the level.",
    ),
    "cards.level_done": (
        "✅ {code} 已手动设为{level}。\n现在显示：{shown}",
        "✅ {code} is set {level} by hand.\nShown now: {shown}",
    ),
    "cards.level_cleared": (
        "✅ {code} 的手动等级已撤销。\n现在显示：{shown}",
        "✅ The level set by hand on {code} is cleared.\nShown now: {shown}",
    ),
    "cards.level_refused": (
        "只有办公室和领导可以调整督办等级。",
        "Only the office and leaders may set an item's level.",
    ),
    "cards.level_changed": (
        "这个事项的等级已有变化，请重新打开事项再调整。",
        "This item's level has changed meanwhile; open the item again to set it.",
    ),
    "history.event.audit.level_set": (
        "🎚 手动调整督办等级：{changes}；理由：{reason}",
        "🎚 Level set by hand: {changes}; reason: {reason}",
    ),
    "history.sheet.audit.level_set": ("🎚 手动调整督办等级", "🎚 Level set by hand"),
    "history.detail.audit.level_set": ("{changes}；理由：{reason}", "{changes}; reason: {reason}"),
    # --- the verifier's close-out card (bot/services/closeout.py)
    "cards.co_figures": (
        "\n目标：{target}\n台账最近完成数：{last}\n本次申请所报：{claim}{gap}",
        "\nTarget: {target}\nLast figure on record: {last}\nFigure in this request: {claim}{gap}",
    ),
    "cards.co_figure": ("{figure}/{target}（{percent}）", "{figure}/{target} ({percent})"),
    "cards.co_figure_when": ("{figure}，{day} {name}", "{figure}, {day}, {name}"),
    "cards.co_no_figure": ("无记录", "none"),
    "cards.co_no_claim": ("未填数字，见办结说明", "no figure; see the note"),
    "cards.co_gap": (
        "\n⚠️ 台账记录尚未达到目标，请对照办结说明和佐证材料核实。",
        "\n⚠️ The record does not reach the target: check the note and the evidence.",
    ),
    "cards.closeout_figure_saved": (
        "\n完成数 {figure} 已记录为本事项的最新完成数。",
        "\nThe figure {figure} is recorded as the item's latest figure.",
    ),
}
