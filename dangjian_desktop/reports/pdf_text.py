"""What a reportlab PDF holds, read with the standard library only (the self-test runs it in the
frozen bundle, where no PDF reader is shipped): the decoded streams, and the characters set in
its embedded fonts (their ToUnicode maps)."""

from __future__ import annotations


def pdf_streams(data: bytes):
    """The decoded content of every stream in a reportlab PDF (Flate, optionally under ASCII85)."""
    import base64
    import re
    import zlib

    for m in re.finditer(rb"<<(.*?)>>\s*stream\r?\n", data, re.S):
        start = m.end()
        raw = data[start:data.find(b"endstream", start)]
        head = m.group(1)
        try:
            if b"/ASCII85Decode" in head:
                raw = base64.a85decode(raw.strip().removesuffix(b"~>"), adobe=False)
            if b"/FlateDecode" in head:
                raw = zlib.decompress(raw)
        except (ValueError, zlib.error):
            continue
        yield raw


def unicode_maps(data: bytes) -> set[int]:
    """Code points named in the ToUnicode maps of a PDF: the characters set in embedded fonts."""
    import re

    points: set[int] = set()
    for stream in pdf_streams(data):
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for dst in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block):
                value = int(dst, 16)
                if value:
                    points.add(value)
    return points
