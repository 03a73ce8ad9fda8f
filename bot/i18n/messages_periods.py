"""Periods (批次) in reports and exports: a period's items as of its last day."""

MESSAGES: dict[str, tuple[str, str]] = {
    # A button in the /report menu, beside 本月 / 本季度 / 本年 / 全部.
    "periods.report.batch": ("{name} 批次", "Period {name}"),
    # The line under a period report's dates naming what its figures are.
    "periods.report.covers": (
        "{name} 批次的事项，截至 {day} 的状态和数据",
        "The items of period {name} as they stood on {day}",
    ),
    "periods.export.by_period": ("按批次", "By period"),
    "periods.export.choose_period": ("选择批次：", "Choose a period:"),
    "periods.export.scope": ("{name} 批次", "period {name}"),
    # The summary sheet of a period's export: the day its items are shown as of.
    "periods.export.as_of": ("状态截至", "Status as of"),
}
