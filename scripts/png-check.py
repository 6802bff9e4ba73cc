#!/usr/bin/env python3
"""Checks that a screenshot is not blank, and trims the white below the page.

Usage: scripts/png-check.py SHOT.png [--crop OUT.png] [--expect '#0072B2,#E69F00,...']

Prints the number of distinct colours and which expected colours (the chart legends' swatches,
drawn opaque) appear as exact pixels. Exits 1 when the image is (nearly) one colour or an
expected colour is missing. Standard library only: a PNG decoder for 8-bit RGB(A), which is
what Chromium writes.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour_type in (2, 6), f"{path}: only 8-bit RGB(A) PNGs are read"
            channels = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + left) & 255
            elif kind == 2: line[i] = (line[i] + up) & 255
            elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def write_png(path, width, channels, rows):
    raw = b"".join(b"\x00" + row for row in rows)
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2 if channels == 3 else 6, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main(argv):
    path, crop, expect = argv[1], None, []
    if "--crop" in argv: crop = argv[argv.index("--crop") + 1]
    if "--expect" in argv: expect = [c.strip().lower() for c in argv[argv.index("--expect") + 1].split(",") if c.strip()]
    width, height, channels, rows = read_png(path)
    colours, last = set(), 0
    for y, row in enumerate(rows):
        pixels = {row[i:i + 3] for i in range(0, len(row), channels)}
        colours |= pixels
        if pixels != {b"\xff\xff\xff"}: last = y
    found = {"#" + c.hex() for c in colours}
    missing = [c for c in expect if c not in found]
    print(f"{path}: {width}x{height}, {len(colours)} distinct colours, content down to row {last}; "
          f"expected colours found: {len(expect) - len(missing)}/{len(expect)}" + (f" (missing {', '.join(missing)})" if missing else ""))
    if crop:
        write_png(crop, width, channels, rows[:min(height, last + 24)])
    return 0 if len(colours) >= 16 and not missing else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
