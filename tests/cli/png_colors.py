"""What a PNG shows, for tests that render a page: its size and how many of
its pixels have each colour. No imaging library: the PNG is read with zlib
(8-bit RGB or RGBA, not interlaced, as Chromium writes screenshots).

usage: png_colors.py FILE
prints JSON: {"width", "height", "pixels", "white", "colors": {"rrggbb": count}}
"""
import json
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, color, _, _, interlace = head
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError("only 8-bit RGB(A), not interlaced: depth %d, color type %d" % (depth, color))
    return width, height, 4 if color == 6 else 3, zlib.decompress(b"".join(idat))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def rows(width, height, bpp, raw):
    """The rows of pixels, unfiltered (PNG spec, section 9)."""
    stride = width * bpp
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(left, prev[i], up_left)) & 255
        yield line
        prev = line


def main():
    width, height, bpp, raw = read_png(sys.argv[1])
    counts = {}
    for line in rows(width, height, bpp, raw):
        for x in range(0, len(line), bpp):
            key = bytes(line[x : x + 3])
            counts[key] = counts.get(key, 0) + 1
    print(json.dumps({
        "width": width,
        "height": height,
        "pixels": width * height,
        "white": counts.get(b"\xff\xff\xff", 0),
        "colors": {k.hex(): v for k, v in counts.items()},
    }))


if __name__ == "__main__":
    main()
