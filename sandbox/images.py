"""Small real JPEGs without Pillow, and reading image dimensions from file headers.

Telegram answers a photo with several ``PhotoSize`` entries (thumbnails up to 90, 320, 800,
1280 and 2560 pixels on the long side). The sandbox cannot decode and rescale arbitrary
images without an imaging library, so the largest size carries the uploaded bytes and the
smaller sizes are placeholder JPEGs of the right dimensions made here: valid baseline
greyscale JPEGs whose 8×8 blocks form a gradient, so any viewer shows them.
"""

from __future__ import annotations

import struct
from functools import cache

# Telegram's photo size ladder: type letter and longest side.
PHOTO_LADDER = (("s", 90), ("m", 320), ("x", 800), ("y", 1280), ("w", 2560))

# Standard luminance DC Huffman table (JPEG Annex K.3): code counts per length, symbols.
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALUES = tuple(range(12))
# Every block is flat, so the AC table needs end-of-block only (plus one spare symbol,
# because a lone one-bit code would be all ones, which JPEG forbids).
_AC_BITS = (0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
_AC_VALUES = (0x00, 0x01)
_QUANT = 16


def _canonical_codes(bits: tuple[int, ...], values: tuple[int, ...]) -> dict[int, str]:
    codes: dict[int, str] = {}
    code = 0
    index = 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[values[index]] = format(code, f"0{length}b")
            code += 1
            index += 1
        code <<= 1
    return codes


_DC_CODES = _canonical_codes(_DC_BITS, _DC_VALUES)
_EOB = _canonical_codes(_AC_BITS, _AC_VALUES)[0x00]


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _dc_bits(diff: int) -> str:
    if diff == 0:
        return _DC_CODES[0]
    category = abs(diff).bit_length()
    value = diff if diff > 0 else diff + (1 << category) - 1
    return _DC_CODES[category] + format(value, f"0{category}b")


@cache
def make_jpeg(width: int, height: int, shade: int = 0) -> bytes:
    """A valid greyscale baseline JPEG of ``width``×``height``; ``shade`` varies the pattern."""
    if width < 1 or height < 1 or width > 65535 or height > 65535:
        raise ValueError(f"cannot make a {width}x{height} JPEG")
    blocks_x = (width + 7) // 8
    blocks_y = (height + 7) // 8
    bits: list[str] = []
    previous = 0
    for by in range(blocks_y):
        for bx in range(blocks_x):
            level = 40 + (bx * 150 // blocks_x) + (by * 60 // blocks_y) + shade * 37 % 50
            dc = round((min(level, 250) - 128) * 8 / _QUANT)
            bits.append(_dc_bits(dc - previous))
            bits.append(_EOB)
            previous = dc
    stream = "".join(bits)
    stream += "1" * (-len(stream) % 8)
    data = int(stream, 2).to_bytes(len(stream) // 8, "big").replace(b"\xff", b"\xff\x00")
    dht_dc = bytes([0x00, *_DC_BITS, *_DC_VALUES])
    dht_ac = bytes([0x10, *_AC_BITS, *_AC_VALUES])
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, bytes([0x00]) + bytes([_QUANT] * 64)),
            _segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0])),
            _segment(0xC4, dht_dc + dht_ac),
            _segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0])),
            data,
            b"\xff\xd9",
        ]
    )


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a JPEG, PNG, GIF or WebP from its header, or None if not an image."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] == b"VP8X":
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def photo_ladder(width: int, height: int) -> list[tuple[str, int, int, bool]]:
    """Sizes Telegram makes for a photo: (type, width, height, is_original), smallest first."""
    sizes: list[tuple[str, int, int, bool]] = []
    longest = max(width, height)
    for letter, limit in PHOTO_LADDER:
        if longest > limit:
            scale = limit / longest
            sizes.append(
                (letter, max(1, round(width * scale)), max(1, round(height * scale)), False)
            )
        else:
            sizes.append((letter, width, height, True))
            break
    else:
        # Bigger than 2560: the largest Telegram keeps is the 2560 one, made from the original.
        letter, w, h, _ = sizes[-1]
        sizes[-1] = (letter, w, h, True)
    return sizes
