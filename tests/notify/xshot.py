"""Pictures of an X screen in pure Python (no PIL, no ImageMagick): read
xwd's dump of the root window, write and read PNG (8-bit RGB), crop, and
find what the screenshot test looks for in a picture: the notifications (the
boxes that are not the desktop's colour) and the buttons in them (boxes of
one flat colour, row after row, as GTK draws a button's face).

A picture is (width, height, rows): rows a list of bytes, 3 per pixel."""
import struct
import zlib


def read_xwd(data):
    """The picture in an xwd file (ZPixmap, TrueColor, 24 or 32 bits a
    pixel, as Xvfb's root window gives)."""
    h = struct.unpack(">25I", data[:100])
    size, fmt, width, height = h[0], h[2], h[4], h[5]
    byte_order, bits, stride = h[7], h[11], h[12]
    masks, ncolors = h[14:17], h[19]
    n = bits // 8
    if fmt != 2 or n not in (3, 4) or stride < n * width or masks != (0xff0000, 0xff00, 0xff):
        raise ValueError("an xwd dump this reader does not know: %r" % (h,))
    start = size + 12 * ncolors
    rows = []
    for y in range(height):
        row = data[start + y * stride:start + y * stride + n * width]
        if byte_order == 0:  # least significant byte first: B G R (X)
            r, g, b = row[2::n], row[1::n], row[0::n]
        else:
            r, g, b = row[n - 3::n], row[n - 2::n], row[n - 1::n]
        rgb = bytearray(3 * width)
        rgb[0::3], rgb[1::3], rgb[2::3] = r, g, b
        rows.append(bytes(rgb))
    return width, height, rows


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(path, picture):
    width, height, rows = picture
    raw = b"".join(b"\0" + row for row in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def read_png(path):
    """An 8-bit RGB or RGBA PNG, not interlaced (alpha dropped)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s is not a PNG" % path)
    pos, idat, head = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("%s: a PNG this reader does not know (%r)" % (path, head))
    n = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = n * width
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride if kind else 0):
            a = line[i - n] if i >= n else 0
            b = prev[i]
            c = prev[i - n] if i >= n else 0
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
        prev = line
        if n == 4:
            rgb = bytearray(3 * width)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[0::4], line[1::4], line[2::4]
            rows.append(bytes(rgb))
        else:
            rows.append(bytes(line))
    return width, height, rows


def crop(picture, x0, y0, x1, y1):
    """The part [x0, x1) x [y0, y1)."""
    _, _, rows = picture
    return x1 - x0, y1 - y0, [row[3 * x0:3 * x1] for row in rows[y0:y1]]


def pixel(picture, x, y):
    row = picture[2][y]
    return row[3 * x:3 * x + 3]


def boxes(picture, background):
    """The boxes of what is not the background colour, stacked one above
    the other: (x0, y0, x1, y1), ends excluded, top first."""
    width, _, rows = picture
    blank = background * width
    out, top = [], None
    for y, row in enumerate(rows + [blank]):
        if row != blank and top is None:
            top = y
        elif row == blank and top is not None:
            xs = [x for x in range(width)
                  if any(rows[yy][3 * x:3 * x + 3] != background for yy in range(top, y))]
            out.append((xs[0], top, xs[-1] + 1, y))
            top = None
    return out


def buttons(picture, box, min_width=16, min_rows=8, min_height=15):
    """The buttons inside box (x0, y0, x1, y1) of the picture, left to right
    and top to bottom: boxes whose rows are runs of one colour, other than
    the box's own (its top left inner pixel), at least min_width wide; a run
    of the same extent (give or take a pixel) in min_rows rows or more, over
    min_height rows or more. Text never makes such runs; a button's face
    does in every row its label does not cross."""
    x0, y0, x1, y1 = box
    face = pixel(picture, x0 + 2, y0 + 2)
    seen = {}  # (start, end) -> rows
    for y in range(y0, y1):
        row = picture[2][y]
        x = x0
        while x < x1:
            colour = row[3 * x:3 * x + 3]
            end = x + 1
            while end < x1 and row[3 * end:3 * end + 3] == colour:
                end += 1
            if end - x >= min_width and colour != face and end - x < (x1 - x0) - 8:
                key = next((k for k in seen if abs(k[0] - x) <= 1 and abs(k[1] - end) <= 1),
                           (x, end))
                seen.setdefault(key, []).append(y)
            x = end
    found = []
    for (start, end), ys in seen.items():
        if len(ys) >= min_rows and ys[-1] - ys[0] + 1 >= min_height:
            found.append((start, ys[0], end, ys[-1] + 1))
    # a button's face and its edges (shades of their own) are one button
    merged = []
    for b in sorted(found):
        for i, m in enumerate(merged):
            if b[0] < m[2] and m[0] < b[2] and b[1] < m[3] and m[1] < b[3]:
                merged[i] = (min(b[0], m[0]), min(b[1], m[1]), max(b[2], m[2]), max(b[3], m[3]))
                break
        else:
            merged.append(b)
    return sorted(merged, key=lambda b: (b[1] // 8, b[0]))
