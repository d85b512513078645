"""A tiny pure-Python reader and writer for 8-bit grayscale PNGs (what
`mutool draw -c gray` writes), so the render test needs no imaging
library. Readers reject anything else with ValueError."""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data):
    """Yields (type, payload) of each chunk; ValueError on a bad CRC."""
    pos = len(SIGNATURE)
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        payload = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + payload) != crc:
            raise ValueError("bad CRC in chunk %r" % kind)
        yield kind, payload
        pos += 12 + length


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind, line, prev):
    """Undoes one row's filter (1 byte per pixel) in place."""
    n = len(line)
    if kind == 0:
        return
    if kind == 1:
        for i in range(1, n):
            line[i] = (line[i] + line[i - 1]) & 255
    elif kind == 2:
        for i in range(n):
            line[i] = (line[i] + prev[i]) & 255
    elif kind == 3:
        for i in range(n):
            left = line[i - 1] if i else 0
            line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
    elif kind == 4:
        for i in range(n):
            left = line[i - 1] if i else 0
            upleft = prev[i - 1] if i else 0
            line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 255
    else:
        raise ValueError("unknown PNG filter %d" % kind)


def read_gray(path):
    """Returns (width, height, pixels) of an 8-bit grayscale PNG, pixels a
    bytes object of width*height values, row by row."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(SIGNATURE):
        raise ValueError("%s: not a PNG" % path)
    header, idat = None, []
    for kind, payload in _chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", payload)
        elif kind == b"IDAT":
            idat.append(payload)
    if header is None:
        raise ValueError("%s: no IHDR" % path)
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour != 0 or interlace != 0:
        raise ValueError("%s: not 8-bit grayscale non-interlaced "
                         "(depth %d, colour type %d)" % (path, depth, colour))
    raw = zlib.decompress(b"".join(idat))
    if len(raw) != height * (width + 1):
        raise ValueError("%s: image data has the wrong size" % path)
    out = bytearray()
    prev = bytearray(width)
    for y in range(height):
        start = y * (width + 1)
        line = bytearray(raw[start + 1:start + 1 + width])
        _unfilter(raw[start], line, prev)
        out += line
        prev = line
    return width, height, bytes(out)


def _chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload +
            struct.pack(">I", zlib.crc32(kind + payload)))


def write_gray(path, width, height, pixels):
    """Writes pixels (width*height bytes) as an 8-bit grayscale PNG, filter
    None on every row and deflate level 9 (measured on the render
    references: smaller than Sub, Up or Paeth for anti-aliased text)."""
    raw = bytearray()
    for y in range(height):
        raw += b"\x00" + pixels[y * width:(y + 1) * width]
    with open(path, "wb") as f:
        f.write(SIGNATURE)
        f.write(_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                            8, 0, 0, 0, 0)))
        f.write(_chunk(b"IDAT", zlib.compress(bytes(raw), 9)))
        f.write(_chunk(b"IEND", b""))
