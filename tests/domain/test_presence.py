"""Proof of presence: distances, the threshold and reading coordinates people write."""

from __future__ import annotations

import pytest

from bot.domain.presence import (
    CoordinateError,
    Point,
    distance_m,
    distance_text,
    is_far,
    parse_degrees,
    parse_point,
)

LIWEI = Point(32.3700, 120.5600)


def test_haversine_matches_known_distances() -> None:
    """One degree of latitude is about 111.2 km anywhere; Nanjing–Shanghai is about 270 km."""
    assert distance_m(Point(0, 0), Point(1, 0)) == pytest.approx(111_195, rel=1e-3)
    nanjing, shanghai = Point(32.0603, 118.7969), Point(31.2304, 121.4737)
    assert distance_m(nanjing, shanghai) == pytest.approx(268_000, rel=0.01)
    assert distance_m(LIWEI, LIWEI) == 0


def test_three_km_away_is_far_and_a_hundred_metres_is_not() -> None:
    """A location 3 km east of the company is flagged at 500 m; 100 m off is not."""
    far = Point(32.3700, 120.5920)  # about 3.0 km east at this latitude
    near = Point(32.3709, 120.5600)  # about 100 m north
    assert distance_m(LIWEI, far) == pytest.approx(3_010, rel=0.01)
    assert is_far(distance_m(LIWEI, far), 500)
    assert not is_far(distance_m(LIWEI, near), 500)
    assert not is_far(None, 500)  # a company without coordinates flags nothing


def test_distance_text_reads_like_the_flag() -> None:
    """Metres below a kilometre, one decimal in km above (位置不符（约 3.1 km）)."""
    assert distance_text(420.4) == "420 m"
    assert distance_text(3_120) == "3.1 km"
    assert distance_text(250_400) == "250 km"


def test_points_refuse_impossible_values() -> None:
    """A latitude past 90 (swapped columns) is refused, not stored."""
    with pytest.raises(CoordinateError, match=r"latitude 120\.56"):
        Point(120.56, 32.37)


def test_map_link_is_https_and_keeps_the_raw_wgs84_point() -> None:
    """Telegram cannot open geo: links; the 高德 link says the point is WGS-84."""
    url = LIWEI.map_url()
    assert url.startswith("https://uri.amap.com/marker?position=120.560000,32.370000")
    assert "coordinate=wgs84" in url
    assert LIWEI.shown() == "32.37000N 120.56000E"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("32.37, 120.56", (32.37, 120.56)),
        ("120.56,32.37", (32.37, 120.56)),  # 高德's picker writes longitude first
        ("32.37，120.56", (32.37, 120.56)),
        ("32.37 120.56", (32.37, 120.56)),
        ("32.37N 120.56E", (32.37, 120.56)),
        ("120.56E, 32.37N", (32.37, 120.56)),
        ("北纬32.37 东经120.56", (32.37, 120.56)),
        ("北纬 32.37，东经 120.56", (32.37, 120.56)),
        ("33.9S 151.2E", (-33.9, 151.2)),
    ],
)
def test_parse_point_reads_the_usual_ways(text: str, expected: tuple[float, float]) -> None:
    """Typed and sheet coordinates in the forms offices copy from map apps."""
    point = parse_point(text)
    assert (point.latitude, point.longitude) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("32.37", "write latitude and longitude"),
        ("在厂门口", "write latitude and longitude"),
        ("abc, def", "cannot read 'abc' as degrees"),
        ("32.37, 60.5", "cannot tell latitude from longitude"),
        ("120.5, 130.2", "neither value can be a latitude"),
        ("32.37N 40.1N", "must mark one latitude"),
        ("1, 2, 3", "write latitude and longitude"),
    ],
)
def test_parse_point_refuses_what_it_would_have_to_guess(text: str, reason: str) -> None:
    """An unreadable or ambiguous coordinate is an error that says what to write."""
    with pytest.raises(CoordinateError, match=reason):
        parse_point(text)


def test_parse_degrees_for_separate_columns() -> None:
    """The 纬度 and 经度 columns take plain or marked degrees, within range."""
    assert parse_degrees("32.37", "latitude") == 32.37
    assert parse_degrees("120.56°", "longitude") == 120.56
    assert parse_degrees("东经120.56", "longitude") == 120.56
    assert parse_degrees("33.9S", "latitude") == -33.9
    with pytest.raises(CoordinateError, match=r"latitude 120\.56 is not between"):
        parse_degrees("120.56", "latitude")
    with pytest.raises(CoordinateError, match="is a longitude, not a latitude"):
        parse_degrees("120.56E", "latitude")
    with pytest.raises(CoordinateError, match="as degrees"):
        parse_degrees("三十二度", "latitude")


def test_verdict_names_each_case_of_a_visit_record() -> None:
    """No location, no company coordinates, within and past the threshold are told apart."""
    from bot.domain.presence import verdict

    assert verdict(False, None, 500) == "unlocated"
    assert verdict(True, None, 500) == "unmeasured"
    assert verdict(True, 499.0, 500) == "near"
    assert verdict(True, 3_100.0, 500) == "far"
