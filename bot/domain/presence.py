"""Proof of presence: how far a visit's location lies from the company, as plain Python.

Phones send WGS-84 coordinates (GPS); that is what is kept and shown, never shifted. Maps in
mainland China draw in GCJ-02, so the link below tells 高德地图 the point is WGS-84 and it
puts the marker where the phone was. A visit farther from the company than the office's
threshold is flagged (位置不符), never refused: an inspector may stand at a side gate, or a
phone may have a poor fix, and a meeting should see the number, not a missing visit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Mean Earth radius (IUGG), in metres: the haversine error is well under 0.5 % at any range.
EARTH_RADIUS_M = 6_371_008.8


class CoordinateError(ValueError):
    """A coordinate that cannot be read.

    The English message is the sheet import's row error and the CLI's answer, as for
    deadlines; a chat reply is in the reader's language, so ``kind`` and ``values`` name the
    fault for the catalogue (``presence.coordinate.<kind>``) instead of the message.
    """

    def __init__(self, kind: str, message: str, **values: object) -> None:
        super().__init__(message)
        self.kind = kind
        self.values = values


@dataclass(frozen=True)
class Point:
    """A WGS-84 position in decimal degrees, as a phone or a map picker gives it."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.latitude) and -90 <= self.latitude <= 90):
            raise CoordinateError(
                "latitude_range",
                f"latitude {self.latitude} is not between -90 and 90",
                value=self.latitude,
            )
        if not (math.isfinite(self.longitude) and -180 <= self.longitude <= 180):
            raise CoordinateError(
                "longitude_range",
                f"longitude {self.longitude} is not between -180 and 180",
                value=self.longitude,
            )

    def shown(self) -> str:
        """The point as people read it, e.g. ``32.37000N 120.56000E`` (about 1 m precision)."""
        north = "N" if self.latitude >= 0 else "S"
        east = "E" if self.longitude >= 0 else "W"
        return f"{abs(self.latitude):.5f}{north} {abs(self.longitude):.5f}{east}"

    def map_url(self) -> str:
        """An https link a phone's map app opens (高德地图, told the point is WGS-84).

        A ``geo:`` URI is not clickable in Telegram messages, so an https link it is.
        """
        return (
            f"https://uri.amap.com/marker?position={self.longitude:.6f},{self.latitude:.6f}"
            "&coordinate=wgs84&callnative=1"
        )


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two points (haversine formula)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlng = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def is_far(distance: float | None, radius_m: int) -> bool:
    """Whether a measured distance is past the office's threshold (unknown is not far)."""
    return distance is not None and distance > radius_m


def verdict(located: bool, distance: float | None, radius_m: int, *, locatable: bool = True) -> str:
    """What a visit's record says about presence: 'unavailable' (no location: the
    inspector's platform cannot send one, as on DingTalk), 'unlocated' (none sent),
    'unmeasured' (the company had no coordinates), 'near' or 'far' (位置不符)."""
    if not located:
        return "unlocated" if locatable else "unavailable"
    if distance is None:
        return "unmeasured"
    return "far" if is_far(distance, radius_m) else "near"


def distance_text(distance: float) -> str:
    """约 3.1 km / 约 420 m without the 约: metres below 1 km, else km with one decimal."""
    if distance < 1000:
        return f"{round(distance)} m"
    if distance < 100_000:
        return f"{distance / 1000:.1f} km"
    return f"{round(distance / 1000)} km"


# --- reading what people write --------------------------------------------------------------

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_MARKED = re.compile(
    rf"^\s*(?:(?P<pre>北纬|南纬|东经|西经|lat(?:itude)?|lng|lon(?:gitude)?)\s*[:：]?\s*)?"
    rf"(?P<value>{_NUMBER})\s*°?\s*(?P<post>[NSEWnsew])?\s*$"
)
_SEPARATOR = re.compile(r"\s*[,，;；/、]\s*|\s+")
_LAT_WORDS = {"北纬": 1, "南纬": -1, "lat": 1, "latitude": 1, "n": 1, "s": -1}
_LNG_WORDS = {"东经": 1, "西经": -1, "lng": 1, "lon": 1, "longitude": 1, "e": 1, "w": -1}


def parse_degrees(text: str, kind: str) -> float:
    """One decimal-degree value from a 纬度 (kind 'latitude') or 经度 ('longitude') cell."""
    word, value = _one_value(text)
    if word is not None:
        lat_sign, lng_sign = _LAT_WORDS.get(word), _LNG_WORDS.get(word)
        sign = lat_sign if kind == "latitude" else lng_sign
        if sign is None:
            other = "longitude" if kind == "latitude" else "latitude"
            raise CoordinateError(
                f"not_{kind}", f"'{text.strip()}' is a {other}, not a {kind}", text=text.strip()
            )
        value = math.copysign(value, sign) if value >= 0 else value
    limit = 90 if kind == "latitude" else 180
    if not -limit <= value <= limit:
        raise CoordinateError(
            f"{kind}_range", f"{kind} {value} is not between -{limit} and {limit}", value=value
        )
    return value


def parse_point(text: str) -> Point:
    """A 坐标 cell or a typed coordinate: two numbers, in either order when that is certain.

    Marked values (``32.37N 120.56E``, ``北纬32.37 东经120.56``) are read as marked. Plain
    ones: the value beyond ±90 can only be the longitude; when both are within ±90 the
    order cannot be told, and the reader is asked to mark them rather than have it guessed.
    """
    parts = [part for part in _SEPARATOR.split(_attach_marks(text.strip())) if part]
    if len(parts) != 2:
        raise CoordinateError(
            "not_pair",
            f"cannot read '{text.strip()}' as a coordinate: write latitude and longitude, "
            "like 32.37, 120.56 or 32.37N 120.56E",
            text=text.strip(),
        )
    (word_a, a), (word_b, b) = (_one_value(part) for part in parts)
    lat, lng = _order(text, word_a, a, word_b, b)
    return Point(lat, lng)


def _attach_marks(text: str) -> str:
    """Glue a leading or trailing mark to its number, so splitting on spaces keeps pairs."""
    text = re.sub(r"(北纬|南纬|东经|西经)\s+", r"\1", text)
    text = re.sub(r"(\d)\s*°", r"\1", text)
    return re.sub(r"(\d)\s+([NSEWnsew])(?![A-Za-z])", r"\1\2", text)


def _one_value(text: str) -> tuple[str | None, float]:
    match = _MARKED.match(text)
    if match is None:
        raise CoordinateError(
            "not_degrees",
            f"cannot read '{text.strip()}' as degrees (like 32.37)",
            text=text.strip(),
        )
    word = (match.group("pre") or match.group("post") or "").lower() or None
    return word, float(match.group("value"))


def _signed(word: str | None, value: float, table: dict[str, int]) -> float:
    sign = table.get(word or "", 1)
    return -abs(value) if sign < 0 else value


def _order(
    text: str, word_a: str | None, a: float, word_b: str | None, b: float
) -> tuple[float, float]:
    if word_a in _LAT_WORDS and word_b in _LNG_WORDS:
        return _signed(word_a, a, _LAT_WORDS), _signed(word_b, b, _LNG_WORDS)
    if word_a in _LNG_WORDS and word_b in _LAT_WORDS:
        return _signed(word_b, b, _LAT_WORDS), _signed(word_a, a, _LNG_WORDS)
    if word_a is not None or word_b is not None:
        raise CoordinateError(
            "marks",
            f"'{text.strip()}' must mark one latitude (N/S, 北纬) and one longitude (E/W, 东经)",
            text=text.strip(),
        )
    if abs(a) > 90 >= abs(b):
        return b, a
    if abs(b) > 90 >= abs(a):
        return a, b
    if abs(a) > 90 and abs(b) > 90:
        raise CoordinateError(
            "no_latitude", f"'{text.strip()}': neither value can be a latitude", text=text.strip()
        )
    raise CoordinateError(
        "ambiguous",
        f"'{text.strip()}': cannot tell latitude from longitude; mark them, "
        "like 32.37N 120.56E, or use the 纬度 and 经度 columns",
        text=text.strip(),
    )
