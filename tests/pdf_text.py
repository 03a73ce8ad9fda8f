"""The text of a PDF written by fpdf2 with an embedded CID font, for tests to read what a
dossier says: the glyph codes of each text-showing operator mapped back through the font's
ToUnicode table, for the whole file or page by page. Only as much PDF as fpdf2 writes; not a
general parser."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4,})>")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _streams(pdf: bytes) -> list[bytes]:
    found = []
    for match in _STREAM.finditer(pdf):
        raw = match.group(1)
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def _literal_strings(content: bytes) -> list[bytes]:
    """Each ``(…) Tj`` operand, with PDF escapes undone."""
    strings, index = [], 0
    while (start := content.find(b"(", index)) != -1:
        out, depth, i = bytearray(), 1, start + 1
        while i < len(content) and depth:
            char = content[i : i + 1]
            if char == b"\\":
                following = content[i + 1 : i + 2]
                if following.isdigit():
                    digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4]).group(0)
                    out.append(int(digits, 8))
                    i += 1 + len(digits)
                    continue
                out += _ESCAPES.get(following, following)
                i += 2
                continue
            if char == b"(":
                depth += 1
            elif char == b")":
                depth -= 1
                if not depth:
                    break
            out += char
            i += 1
        strings.append(bytes(out))
        index = i + 1
    return strings


def _glyphs(streams: list[bytes]) -> dict[int, str]:
    glyphs: dict[int, str] = {}
    for stream in streams:
        if b"beginbfchar" in stream:
            for code, text in _BFCHAR.findall(stream):
                glyphs[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return glyphs


def _shown(stream: bytes, glyphs: dict[int, str]) -> list[str]:
    lines = []
    for operand in _literal_strings(stream):
        codes = [int.from_bytes(operand[i : i + 2], "big") for i in range(0, len(operand), 2)]
        lines.append("".join(glyphs.get(code, "") for code in codes))
    return lines


def pdf_text(pdf: bytes) -> str:
    streams = _streams(pdf)
    glyphs = _glyphs(streams)
    lines = []
    for stream in streams:
        if b" Tj" not in stream:
            continue
        lines += _shown(stream, glyphs)
    return "\n".join(lines)


def page_streams(pdf: bytes) -> list[bytes]:
    """Each page's content stream, in page order (the /Kids of the page tree)."""
    kids = re.search(rb"/Kids \[([^\]]*)\]", pdf)
    assert kids is not None, "no page tree"
    pages = [int(number) for number in re.findall(rb"(\d+) 0 R", kids.group(1))]
    found = []
    for page in pages:
        body = re.search(rb"\n%d 0 obj(.*?)endobj" % page, pdf, re.S)
        assert body is not None
        contents = re.search(rb"/Contents (\d+) 0 R", body.group(1))
        assert contents is not None
        start = re.search(rb"\n%d 0 obj" % int(contents.group(1)), pdf)
        assert start is not None
        stream = _STREAM.search(pdf, start.end())
        assert stream is not None
        try:
            found.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            found.append(stream.group(1))
    return found


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (one line per text-showing operator), in page order."""
    glyphs = _glyphs(_streams(pdf))
    return ["\n".join(_shown(stream, glyphs)) for stream in page_streams(pdf)]
