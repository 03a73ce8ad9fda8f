"""The workbooks on paper: their titles (the programme and the period) and page footers
(bot/sheets/print_style.py). The footer's page and count are filled with the spreadsheet's
page codes (&P, &N), which the program replaces on each printed page."""

MESSAGES: dict[str, tuple[str, str]] = {
    "workbooks.footer.pages": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "workbooks.ledger.title": (
        "{programme}督办事项台账（{when}）",
        "Supervision ledger: {programme} ({when})",
    ),
    "workbooks.ledger.title_scoped": (
        "{programme}督办事项台账 · {scope}（{when}）",
        "Supervision ledger: {programme}, {scope} ({when})",
    ),
    "workbooks.as_of": ("截至 {day}", "as of {day}"),
    "workbooks.period_as_of": ("{period}，截至 {day}", "{period}, as of {day}"),
}
