"""The figure in 跟踪督办目标: the first number, so the office can predict it."""

from __future__ import annotations

import pytest

from bot.domain.targets import format_number, parse_target_number


@pytest.mark.parametrize(
    ("written", "figure"),
    [
        ("净增100家", 100.0),
        ("研发投入占比达3%", 3.0),
        ("新增高企142家，总数达457家", 142.0),
        ("到2025年高企达500家", 500.0),
        ("增长45.1%", 45.1),
        ("兑现奖励7063.39万元", 70_633_900.0),
        ("1,200家", 1200.0),
        ("１２０家", 120.0),
        (3.5, 3.5),
        (100, 100.0),
    ],
)
def test_first_number(written: object, figure: float) -> None:
    """Progress is charted against the first number the target names."""
    assert parse_target_number(written) == pytest.approx(figure)


@pytest.mark.parametrize("written", [None, "", "提升服务水平", "2024年", "一百家"])
def test_no_number(written: object) -> None:
    """A target without a figure is tracked by its text alone."""
    assert parse_target_number(written) is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [(62.0, "62"), (1200.0, "1,200"), (70633900.0, "70,633,900"), (2.75, "2.75"), (0.5, "0.5")],
)
def test_figures_are_shown_as_people_write_them(value: float, shown: str) -> None:
    """The item card and /history show the same figure the same way, never 7.06339e+07."""
    assert format_number(value) == shown
