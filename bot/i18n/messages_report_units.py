"""Texts of /report's "by unit" option: the paged list of responsible units to choose from."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "report.pick_unit": ("按单位：{unit} ▾", "By unit: {unit} ▾"),
    "report.choose_unit": (
        "<b>选择承办单位</b>\n期间：{period}｜领域：{area}｜镇区：{town}{page}\n{note}",
        "<b>Choose a responsible unit</b>\nPeriod: {period} | Area: {area} | Town: {town}"
        "{page}\n{note}",
    ),
    "report.units_page": ("｜第 {page}/{pages} 页", " | Page {page} of {pages}"),
    "report.units_listed": (
        "列出在以上条件下有事项的单位，按名称排序。",
        "Units with items under these options, by name.",
    ),
    "report.units_none": (
        "以上条件下没有承办单位有事项。",
        "No responsible unit has items under these options.",
    ),
    "report.prev_page": ("⬅️ 上一页", "⬅️ Previous"),
    "report.next_page": ("下一页 ➡️", "Next ➡️"),
}
