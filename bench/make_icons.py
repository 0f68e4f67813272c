"""Draw the PWA icons (a white map pin on Youth Union blue) as PNGs, with the standard library only.

Run once after changing the design: ``.venv/bin/python bench/make_icons.py``; the PNGs are committed.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "pwa" / "icons"
BLUE = (11, 83, 148)
WHITE = (255, 255, 255)
STAR = (241, 162, 8)


def _png(size: int, pixels: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in pixels)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def _in_pin(x: float, y: float) -> bool:
    """A map pin in unit coordinates (0..1): a disc on top of a point."""
    cx, cy, r = 0.5, 0.42, 0.22
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return True
    # the point: a triangle from the disc's sides down to (0.5, 0.82)
    if cy <= y <= 0.82:
        half = r * (0.82 - y) / (0.82 - cy) * 0.95
        return abs(x - cx) <= half
    return False


def _in_star(x: float, y: float) -> bool:
    """A five-pointed star in the pin's head (the Youth Union emblem's star, simplified)."""
    cx, cy, outer, inner = 0.5, 0.42, 0.13, 0.055
    angle = math.atan2(y - cy, x - cx) + math.pi / 2
    dist = math.hypot(x - cx, y - cy)
    sector = (angle % (2 * math.pi / 5)) / (2 * math.pi / 5)
    t = abs(sector - 0.5) * 2  # 1 at a point, 0 between points
    return dist <= inner + (outer - inner) * t**1.5


def draw(size: int, *, maskable: bool) -> bytes:
    scale = 0.72 if maskable else 1.0  # maskable icons keep their content in the inner 80% circle
    radius = 0.0 if maskable else 0.18
    rows = []
    samples = 3  # supersampling for smooth edges
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(samples):
                for sx in range(samples):
                    u = (px + (sx + 0.5) / samples) / size
                    v = (py + (sy + 0.5) / samples) / size
                    # rounded-square background
                    dx = max(abs(u - 0.5) - (0.5 - radius), 0)
                    dy = max(abs(v - 0.5) - (0.5 - radius), 0)
                    if radius and dx * dx + dy * dy > radius * radius:
                        continue
                    x = 0.5 + (u - 0.5) / scale
                    y = 0.5 + (v - 0.5) / scale
                    colour = BLUE
                    if _in_pin(x, y):
                        colour = STAR if _in_star(x, y) else WHITE
                    acc[0] += colour[0]
                    acc[1] += colour[1]
                    acc[2] += colour[2]
                    acc[3] += 255
            n = samples * samples
            alpha = acc[3] / n
            if alpha:
                row += bytes(round(c / (acc[3] / 255)) for c in acc[:3]) + bytes([round(alpha)])
            else:
                row += b"\x00\x00\x00\x00"
        rows.append(bytes(row))
    return _png(size, rows)


if __name__ == "__main__":
    ICONS.mkdir(parents=True, exist_ok=True)
    # icon-32: the page's favicon (a few hundred bytes, fetched by every cold page load; the
    # larger ones are the manifest's, fetched to install)
    for name, size, maskable in [("icon-32.png", 32, False), ("icon-192.png", 192, False),
                                 ("icon-512.png", 512, False),
                                 ("maskable-512.png", 512, True), ("apple-touch-icon.png", 180, True)]:
        (ICONS / name).write_bytes(draw(size, maskable=maskable))
        print(name)
