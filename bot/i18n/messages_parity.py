"""Chat and command line alike (issue 14): the period (批次) in /export, and the words of
``duban export`` and ``duban list`` for what they add."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- how a scope is named (messages, captions and file names)
    "parity.scope.period": ("{period}批次", "period {period}"),
    "parity.scope.period_and_place": ("{period}批次·{place}", "{place}, period {period}"),
    # --- /export: the period choice
    "parity.export.period_button": ("📅 批次：{period}", "📅 Period: {period}"),
    "parity.export.all_periods": ("全部批次", "All periods"),
    "parity.export.choose_period": ("导出哪个批次？", "Which period to export?"),
    "parity.export.choose_in_period": (
        "<b>导出督办台账</b>（{period}批次）\n请选择范围：",
        "<b>Export the ledger</b> (period {period})\nWhat to export?",
    ),
    # --- duban export
    "parity.cli.unknown.period": (
        "duban：没有名为「{name}」的批次",
        "duban: there is no period named “{name}”",
    ),
    "parity.cli.unknown.town": (
        "duban：没有名为「{name}」的镇区",
        "duban: there is no town named “{name}”",
    ),
    "parity.cli.unknown.unit": (
        "duban：没有名为「{name}」的承办单位",
        "duban: there is no unit named “{name}”",
    ),
    "parity.cli.unknown.company": (
        "duban：没有名为「{name}」的企业",
        "duban: there is no company named “{name}”",
    ),
    "parity.cli.csv_is_one_table": (
        "duban：{path}：.csv 文件只有一张表；事项历史和佐证材料请导出为 .xlsx",
        "duban: {path}: a CSV file holds one table; export to .xlsx for the item history "
        "and the evidence",
    ),
    "parity.cli.zip_suffix": (
        "duban：{path}：佐证压缩包的文件名须以 .zip 结尾",
        "duban: {path}: the evidence archive's name must end in .zip",
    ),
    "parity.cli.evidence_written": (
        "佐证材料 {files} 个文件（连同表格）写入 {parts} 个压缩包：{paths}",
        "{files} evidence files (with the workbook) written in {parts} .zip parts: {paths}",
    ),
}
