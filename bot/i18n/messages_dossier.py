"""The dossier a file clerk accepts (issue 15): its fact table's new rows, its running
header and footer, and the page numbers every paper document shares (bot/builders/paper.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- every page of a paper document (bot/builders/paper.py)
    "paper.page": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    # --- the dossier (bot/builders/dossier.py)
    "dossier.generated": ("档案生成于 {when}", "Dossier generated {when}"),
    "dossier.field.level": ("督办等级", "Level"),
    "dossier.field.inspectors": ("督查人员", "Inspectors"),
    "dossier.field.notes": ("备注", "Notes"),
    "dossier.field.head": ("审计链头", "Audit chain head"),
    "dossier.head_value": (
        "第 {event} 条事件 · sha256 {short}（全文见文末“记录完整性”）",
        "event #{event} · sha256 {short} (in full under Record integrity, at the end)",
    ),
    "dossier.head_none": ("审计记录为空", "the audit trail is empty"),
}
