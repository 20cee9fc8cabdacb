"""Crop a PNG screenshot to its content and shrink it: `python scripts/_png_crop.py IN OUT`.

Stdlib only (zlib): reads an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes), drops the rows
at the bottom that are all page background, and writes it back with the best zlib compression.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

MARGIN = 16  # rows of background kept below the content


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    found, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        found.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return found


def unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytearray]:
    stride, rows, prev = width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return rows


def png(width: int, height: int, colour: int, rows: list[bytearray]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    above = [bytearray(len(rows[0])), *rows[:-1]]
    # filter 2 ("Up") on every row: flat screenshots compress to almost nothing
    raw = b"".join(
        b"\x02" + bytes((x - y) & 255 for x, y in zip(row, prev, strict=True))
        for row, prev in zip(rows, above, strict=True)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main(source: str, target: str) -> None:
    data = Path(source).read_bytes()
    parts = chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", parts[0][1])
    if depth != 8 or colour not in (2, 6) or interlace:
        Path(target).write_bytes(data)
        return
    bpp = 3 if colour == 2 else 4
    rows = unfilter(
        zlib.decompress(b"".join(body for kind, body in parts if kind == b"IDAT")), width, height, bpp
    )
    background = rows[-1]
    last = max((y for y, row in enumerate(rows) if row != background), default=height - 1)
    rows = rows[: min(height, last + 1 + MARGIN)]
    Path(target).write_bytes(png(width, len(rows), colour, rows))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
