"""What a contact types in a progress report or a close-out request counts as a figure
toward the target: a bare number, ``98/142``, or the number with a measure word (家, 个,
万元, %, or the target's own) — never a sentence that happens to start with a number."""

from __future__ import annotations

from bot.services.item_actions import parse_figure

TARGET = "净增105家高新技术企业"


def test_bare_numbers_and_fractions_are_figures() -> None:
    assert parse_figure("105") == 105.0
    assert parse_figure("９８／１４２") == 98.0  # full-width, as Chinese keyboards type it
    assert parse_figure("98 of 142") == 98.0
    assert parse_figure(" 2.75 ") == 2.75


def test_a_number_with_a_measure_word_is_a_figure() -> None:
    assert parse_figure("105家", TARGET) == 105.0
    assert parse_figure("105 家", TARGET) == 105.0
    assert parse_figure("105家") == 105.0
    assert parse_figure("3.2％") == 3.2
    assert parse_figure("12栋", "新建孵化器12栋") == 12.0  # the target's own word


def test_sentences_and_other_words_stay_words() -> None:
    assert parse_figure("105家已全部完成", TARGET) is None
    assert parse_figure("3天", TARGET) is None
    assert parse_figure("12栋") is None  # a word neither the target nor the tables use
    assert parse_figure("已新增认定 98 家", TARGET) is None
