"""Who may verify a close-out, and the office assigning inspectors to items (指派督查)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- refusals of a close-out decision (bot/domain/lifecycle.py verify_refusal)
    "error.verify_requester": (
        "您是这项销号的申请人，不能自己核验。请由办公室指派的督查人员、管理员或领导核验。",
        "You asked for this close-out, so you cannot verify it yourself. An inspector the "
        "office assigned, an administrator or a leader will check it.",
    ),
    "error.verify_own_unit": (
        "您属于该事项的牵头或配合单位，不能核验它的销号：销号须由责任单位以外的人员核验。",
        "You belong to this item's lead unit or a co-unit, so you cannot verify its close-out: "
        "someone outside the responsible units must check it.",
    ),
    "error.verify_not_assigned": (
        "只有办公室指派到该事项的督查人员才能核验销号。记录发现或补充材料不算指派；"
        "如需由您核验，请联系办公室指派。",
        "Only inspectors the office assigned to this item may verify its close-out. Logging "
        "a finding or adding evidence is not an assignment; ask the office to assign you.",
    ),
    "error.verify_role": (
        "您不能核验这个事项的销号。",
        "You may not verify this item's close-out.",
    ),
    # --- the item card and the verification card: who is on the item, who may verify
    "verify.card_people": (
        "\n\n<b>督查人员</b>（办公室指派）：{assigned}\n参与督查（记录发现）：{involved}",
        "\n\n<b>Inspectors</b> (assigned by the office): {assigned}\n"
        "Involved (logged findings): {involved}",
    ),
    "verify.card_who": ("\n可核验销号：{who}", "\nMay verify the close-out: {who}"),
    "verify.nobody": ("（无）", "(none)"),
    "verify.leaders": ("领导", "leaders"),
    # --- 👤 指派督查 on the item card (administrators)
    "verify.btn_assign": ("👤 指派督查", "👤 Assign inspectors"),
    "verify.admin_only": (
        "只有管理员可以指派督查人员。",
        "Only administrators assign inspectors.",
    ),
    "verify.menu": (
        "👤 <b>{code}</b> 指派督查（第 {page}/{pages} 页）\n{problem}\n"
        "已指派：{assigned}\n点姓名指派，点 ✅ 姓名取消指派。",
        "👤 Inspectors for <b>{code}</b> (page {page}/{pages})\n{problem}\n"
        "Assigned: {assigned}\nTap a name to assign, ✅ name to remove.",
    ),
    "verify.no_inspectors": (
        "还没有已注册的督查人员。请先用 /invite 邀请督查人员。",
        "No inspector is registered yet. Invite one first with /invite.",
    ),
    "verify.prev": ("◀ 上一页", "◀ Previous"),
    "verify.next": ("下一页 ▶", "Next ▶"),
    "verify.assigned_done": (
        "✅ 已指派 {name} 督查 {code}，并已通知本人。",
        "✅ {name} is assigned to {code} and has been told.",
    ),
    "verify.removed_done": (
        "已取消 {name} 对 {code} 的督查指派，并已通知本人。",
        "{name} is no longer assigned to {code} and has been told.",
    ),
    "verify.already_assigned": (
        "{name} 已经是 {code} 的督查人员。",
        "{name} is already assigned to {code}.",
    ),
    "verify.already_removed": (
        "{name} 本来就没有被指派督查 {code}。",
        "{name} was not assigned to {code}.",
    ),
    "verify.not_inspector": (
        "{name} 不是在岗的督查人员，不能指派。",
        "{name} is not an active inspector and cannot be assigned.",
    ),
    # --- the chat import's preview (bot/builders/import_preview.py)
    "verify.import_assigned": (
        "\n督查人员列：将新增 {count} 项督查指派（只增加，不取消已有指派）。",
        "\nInspectors column: {count} new inspector assignments (it adds, never removes).",
    ),
    # --- the item's history (/history, dossier) and the escalation notice's last events
    "history.event.audit.inspector_unassigned": (
        "👤 取消督查指派 {inspector}",
        "👤 Inspector assignment removed: {inspector}",
    ),
    "history.event.audit.inspector_involved": (
        "参与督查（记录发现）：{inspector}",
        "Inspector involved (logged a finding): {inspector}",
    ),
    # --- what the inspector is told
    "verify.told_assigned": (
        "👤 办公室指派您督查 <b>{code}</b>：{problem}\n牵头单位：{unit}\n"
        "该事项申请销号时，将请您核验；销号后的回头看也由您负责。",
        "👤 The office assigned you to <b>{code}</b>: {problem}\nLead unit: {unit}\n"
        "You will be asked to verify its close-out, and to look back after it is closed.",
    ),
    "verify.told_removed": (
        "办公室已取消您对 <b>{code}</b> 的督查指派：{problem}",
        "The office removed your assignment to <b>{code}</b>: {problem}",
    ),
}
