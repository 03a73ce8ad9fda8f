"""The item card's latest-progress section (bot/services/card_progress.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "card.progress": (
        "<b>最新进展</b>（累计 {count} 次，全部见「{history}」）\n{day} {name}：{text}{figure}",
        "<b>Latest progress</b> (reports so far: {count}; all under “{history}”)\n"
        "{day} {name}: {text}{figure}",
    ),
    "card.progress_figure": (
        "\n完成数：{figure} / {target}（{percent}）",
        "\nReported figure: {figure} / {target} ({percent})",
    ),
    "card.progress_figure_plain": ("\n完成数：{figure}", "\nReported figure: {figure}"),
    "card.progress_no_text": ("（无文字说明）", "(no text)"),
    "card.no_progress": (
        "<b>最新进展</b>\n尚无进展报告",
        "<b>Latest progress</b>\nNo progress reported yet",
    ),
}
