"""Reading 承办单位 / 配合单位: exactly one lead unit, helpers in the order written."""

from __future__ import annotations

import pytest

from bot.domain.units import parse_units


@pytest.mark.parametrize(
    ("written", "lead", "co"),
    [
        ("科技局", "科技局", []),
        ("科技局、工信局", "科技局", ["工信局"]),
        ("科技局牵头，各镇区配合", "科技局", ["各镇区"]),
        ("科技局（牵头）、财政局", "科技局", ["财政局"]),
        ("财政局、科技局(牵头)", "科技局", ["财政局"]),
        ("科技局、工信局牵头，各镇区配合", "科技局", ["工信局", "各镇区"]),
        ("牵头单位：科技局；配合单位：财政局、人社局", "科技局", ["财政局", "人社局"]),
        ("科技局,工信局;财政局/人社局 发改委", "科技局", ["工信局", "财政局", "人社局", "发改委"]),
        (" 科技局 、 工信局 ", "科技局", ["工信局"]),
        ("人力资源和社会保障局", "人力资源和社会保障局", []),
    ],
)
def test_lead_and_co_units(written: str, lead: str, co: list[str]) -> None:
    """Reminders go to the lead; co-units are kept for the record, in the order written."""
    assert parse_units(written) == (lead, co)


def test_duplicates_are_dropped_keeping_order() -> None:
    """A unit written twice is one unit."""
    assert parse_units("科技局、工信局、科技局、工信局") == ("科技局", ["工信局"])


def test_co_units_column_merges_in() -> None:
    """A separate 配合单位 column adds helpers and never repeats the lead."""
    assert parse_units("科技局", "工信局、科技局，财政局") == ("科技局", ["工信局", "财政局"])


def test_co_units_column_alone_names_no_lead() -> None:
    """Helpers alone do not make a lead; the row then has no responsible unit."""
    assert parse_units("", "工信局、财政局") == (None, ["工信局", "财政局"])


@pytest.mark.parametrize("empty", [None, "", " ，、 "])
def test_empty(empty: str | None) -> None:
    """An empty unit cell gives no lead and no helpers."""
    assert parse_units(empty) == (None, [])
