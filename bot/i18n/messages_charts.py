"""What the report's and the 通报's charts say around their bars: who issued them and for
which period, the bar that sums the units beyond a phone's dozen, the items a chart leaves
out, and the words a chart shows instead of an empty plot."""

MESSAGES: dict[str, tuple[str, str]] = {
    "chart.imprint": ("{office}｜{period}", "{office} | {period}"),
    "chart.period": ("{start} 至 {end}", "{start} to {end}"),
    "chart.period_named": ("{name}（{start} 至 {end}）", "{name} ({start} to {end})"),
    "chart.as_of": ("截至 {date}", "As of {date}"),
    "chart.others": ("其他（{count}个）", "Others ({count})"),
    "chart.without_town": (
        "{count}项未填镇区，未计入本图",
        "{count} {count:item|items} without a town, not counted here",
    ),
    "chart.without_area": (
        "{count}项未填领域，未计入本图",
        "{count} {count:item|items} without an area, not counted here",
    ),
    "chart.empty.closeout": ("本期尚无销号事项", "No item closed in this period"),
    "chart.empty.overdue": ("本期没有逾期事项", "No item overdue in this period"),
    "chart.empty.items": ("本期没有可列入本图的事项", "No item to show in this period"),
    "chart.empty.visits": ("本期尚无走访", "No visit in this period"),
    "chart.empty.targets": ("数值目标尚无进展", "No progress reported toward numeric targets"),
}
