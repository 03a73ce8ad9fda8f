"""Reading the 办理时限 column: every form offices write, and refusals with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.deadlines import Deadline, DeadlineError, parse_deadline

YEAR = 2024


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (dt.datetime(2024, 6, 30, 0, 0), dt.date(2024, 6, 30)),
        (dt.date(2024, 6, 30), dt.date(2024, 6, 30)),
        ("2024-06-30", dt.date(2024, 6, 30)),
        ("2024.6.30", dt.date(2024, 6, 30)),
        ("2024/6/30", dt.date(2024, 6, 30)),
        ("2024-06-30 00:00:00", dt.date(2024, 6, 30)),
        ("6.30前", dt.date(2024, 6, 30)),
        ("6/30", dt.date(2024, 6, 30)),
        ("2024年5月30日前", dt.date(2024, 5, 30)),
        ("2024年5月30日", dt.date(2024, 5, 30)),
        ("2024年5月底", dt.date(2024, 5, 31)),
        ("2024年底", dt.date(2024, 12, 31)),
        ("6月底", dt.date(2024, 6, 30)),
        ("6月底前", dt.date(2024, 6, 30)),
        ("6月30日前", dt.date(2024, 6, 30)),
        ("2月底", dt.date(2024, 2, 29)),
        ("十二月底", dt.date(2024, 12, 31)),
        ("年底", dt.date(2024, 12, 31)),
        ("年底前完成", dt.date(2024, 12, 31)),
        ("年内", dt.date(2024, 12, 31)),
        ("上半年", dt.date(2024, 6, 30)),
        ("下半年", dt.date(2024, 12, 31)),
        ("一季度末", dt.date(2024, 3, 31)),
        ("二季度末", dt.date(2024, 6, 30)),
        ("三季度末", dt.date(2024, 9, 30)),
        ("四季度末", dt.date(2024, 12, 31)),
        ("三季度", dt.date(2024, 9, 30)),
        ("3季度末", dt.date(2024, 9, 30)),
        ("第三季度末", dt.date(2024, 9, 30)),
        ("次年3月底", dt.date(2025, 3, 31)),
    ],
)
def test_dated_forms(written: object, expected: dt.date) -> None:
    """Each way offices write a deadline gives the date reminders count down to."""
    assert parse_deadline(written, YEAR).date == expected


def test_text_is_kept_as_written() -> None:
    """The office sees its own wording next to the computed date."""
    assert parse_deadline(" 6月底前 ", YEAR) == Deadline(dt.date(2024, 6, 30), "6月底前")


def test_dates_without_a_year_fall_in_the_period() -> None:
    """6月底 in the 2025 table means June 2025, not June of the current year."""
    assert parse_deadline("6月底", 2025).date == dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    "written",
    ["２０２４／６／３０", "２０２４年６月３０日", " 6 月 底 前 ", "2024年\n6月30日", "６月底"],
)
def test_full_width_digits_and_whitespace(written: str) -> None:
    """Full-width digits and stray spaces or line breaks from Chinese IMEs are tolerated."""
    assert parse_deadline(written, YEAR).date == dt.date(2024, 6, 30)


@pytest.mark.parametrize("written", ["长期坚持", "持续推进", "长期", "常态化推进", "Ongoing"])
def test_ongoing(written: str) -> None:
    """Ongoing work has no date, so it is never overdue."""
    deadline = parse_deadline(written, YEAR)
    assert (deadline.date, deadline.ongoing, deadline.recurring) == (None, True, None)


@pytest.mark.parametrize(
    ("written", "recurring"),
    [
        ("每月", "monthly"),
        ("每月底", "monthly"),
        ("每月10日前", "monthly"),
        ("每季度", "quarterly"),
        ("每季度末", "quarterly"),
        ("Monthly", "monthly"),
    ],
)
def test_recurring(written: str, recurring: str) -> None:
    """Recurring reporting duties are marked as such, with no single date."""
    deadline = parse_deadline(written, YEAR)
    assert (deadline.date, deadline.recurring, deadline.ongoing) == (None, recurring, False)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_cell_has_no_deadline(empty: object) -> None:
    """A row without a deadline still imports; the office can add the date later."""
    assert parse_deadline(empty, YEAR) == Deadline(None, "")


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("下个月吧", "cannot read '下个月吧' as a date"),
        ("2024-02-30", "cannot read '2024-02-30' as a date (there is no such date)"),
        ("13月底", "cannot read '13月底' as a date (there is no month 13)"),
        ("五季度末", "cannot read '五季度末' as a date (there is no quarter 5)"),
        ("1900-01-01", "cannot read '1900-01-01' as a date (the year 1900 is unlikely)"),
        ("前", "cannot read '前' as a date"),
        ("底", "cannot read '底' as a date"),
    ],
)
def test_garbage_is_refused_with_a_reason(written: str, reason: str) -> None:
    """An unreadable deadline is reported in words the office can act on, never guessed."""
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(written, YEAR)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


def test_bare_number_is_not_guessed_as_an_excel_serial() -> None:
    """A number in a cell that lost its date format is refused, with how to fix it."""
    with pytest.raises(DeadlineError, match="format the cell as a date"):
        parse_deadline(45473, YEAR)
