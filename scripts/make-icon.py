"""Writes assets/wangge.ico: the app icon (a red tile divided into a 4 x 4 grid, 网格) at 16-256 px,
the same design as `app::app_icon()` draws for the window."""
import struct
import zlib


def pixels(n):
    r = n * 10 // 64
    lines = [n * k // 4 for k in (1, 2, 3)]
    half = max(1, n // 64)
    rows = []
    for y in range(n):
        row = bytearray()
        for x in range(n):
            cx, cy = min(max(x, r), n - 1 - r), min(max(y, r), n - 1 - r)
            inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
            line = any(abs(x - l) <= half or abs(y - l) <= half for l in lines)
            row += bytes((0, 0, 0, 0) if not inside else (255, 255, 255, 255) if line else (196, 30, 36, 255))
        rows.append(bytes(row))
    return rows


def png(n):
    raw = b"".join(b"\x00" + row for row in pixels(n))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


sizes = [16, 32, 48, 256]
images = [png(n) for n in sizes]
header = struct.pack("<HHH", 0, 1, len(sizes))
offset = 6 + 16 * len(sizes)
entries = b""
for n, data in zip(sizes, images):
    entries += struct.pack("<BBBBHHII", n % 256, n % 256, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
with open("assets/wangge.ico", "wb") as f:
    f.write(header + entries + b"".join(images))
