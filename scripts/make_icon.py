"""Draw the application icon: a red rounded square, a gold five-pointed star and 台账 beneath.

Writes resources/icons/app.png (256 px, window icon) and resources/icons/app.ico
(16-256 px, Windows executable, installer and shortcuts). Small sizes are drawn on their
own rather than scaled down: below 48 px the two characters would be a grey smudge, so
those sizes show the star alone, larger and centred.

Run from the repository top: `.venv/bin/python scripts/make_icon.py`. The outputs are
committed; run it again only when the design changes.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "WenQuanYiMicroHei-GB2312.ttf"
OUT = ROOT / "resources" / "icons"

RED = (200, 16, 46, 255)  # 党旗红
GOLD = (255, 215, 0, 255)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
SUPERSAMPLE = 4  # draw large and scale down for smooth edges


def star_points(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    """A regular five-pointed star, one point straight up."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(54))
    pts = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = math.radians(-90 + 36 * i)
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def draw_icon(size: int) -> Image.Image:
    big = size * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    margin = big * 0.03
    d.rounded_rectangle((margin, margin, big - margin, big - margin), radius=big * 0.18, fill=RED)
    if size >= 48:
        d.polygon(star_points(big / 2, big * 0.36, big * 0.25), fill=GOLD)
        font = ImageFont.truetype(str(FONT), int(big * 0.25))
        text = "台账"
        left, top, right, bottom = d.textbbox((0, 0), text, font=font)
        x = (big - (right - left)) / 2 - left
        y = big * 0.64 + (big * 0.28 - (bottom - top)) / 2 - top
        d.text((x, y), text, font=font, fill=GOLD)
    else:
        d.polygon(star_points(big / 2, big * 0.53, big * 0.40), fill=GOLD)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    images = {s: draw_icon(s) for s in ICO_SIZES}
    images[256].save(OUT / "app.png", optimize=True)
    largest = images[256]
    others = [images[s] for s in ICO_SIZES if s != 256]
    largest.save(OUT / "app.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=others)
    print(f"wrote {OUT / 'app.png'} and {OUT / 'app.ico'} ({', '.join(map(str, ICO_SIZES))} px)")


if __name__ == "__main__":
    main()
