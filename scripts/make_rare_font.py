#!/usr/bin/env python3
"""Builds resources/fonts/HanazonoRareHanA.ttf and HanazonoRareHanB.ttf, the fonts for rare characters (生僻字) in names.

The bundled WenQuanYi subset (make_font_subset.py) holds GB 2312 and the 通用规范汉字表; people
are also named with characters outside them, in CJK Extension A and in Extensions B to F
(plane 2: 王𪚥, …). Names are not known in advance, so this font keeps those blocks whole:

* HanazonoRareHanA.ttf: Extension A (U+3400–U+4DBF, 6,582 characters) from HanaMinA.ttf,
* HanazonoRareHanB.ttf: Extensions B–F (U+20000–U+2EBEF, 60,317 characters) from HanaMinB.ttf
  (two files: a TrueType font holds at most 65,535 glyphs),

of the Hanazono fonts (花園明朝, GlyphWiki project), TrueType outlines, which Debian's
fonts-hanazono package installs. They are free under the Hanazono Font License (unlimited
permission to use, copy, modify and distribute) or, at the user's choice, the SIL OFL 1.1; this
subset is distributed under the Hanazono Font License (resources/fonts/LICENSE-Hanazono.txt),
renamed so that it is never mistaken for the originals. Hinting, OpenType layout and vertical
metrics are dropped (names are set horizontally; PDFs and Qt need only outlines and widths).

Usage (needs fonttools and the fonts-hanazono package, or --a/--b pointing to the two files):
    .venv/bin/python scripts/make_rare_font.py [--a HanaMinA.ttf] [--b HanaMinB.ttf] [--out TTF]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
DEBIAN = Path("/usr/share/fonts/truetype/hanazono")
OUT_DIR = ROOT / "resources" / "fonts"
# (file stem and family suffix, source file name, first and last code point kept)
FONTS = (("A", "HanaMinA.ttf", 0x3400, 0x4DBF), ("B", "HanaMinB.ttf", 0x20000, 0x2EBEF))
FAMILY = "Hanazono Rare Han"
POSTSCRIPT = "HanazonoRareHan"
DROP = ("GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG", "FFTM", "DSIG", "gasp")


def _subset(path: Path, lo: int, hi: int) -> TTFont:
    font = TTFont(str(path))
    cmap = font.getBestCmap()
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = []
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.drop_tables += list(DROP)
    s = subset.Subsetter(opts)
    s.populate(unicodes=[c for c in range(lo, hi + 1) if c in cmap])
    s.subset(font)
    return font


def _rename(font: TTFont, suffix: str) -> None:
    name = font["name"]
    name.names = []
    version = "Version 1.0 (subset of Hanazono 20170904)"
    family, ps = f"{FAMILY} {suffix}", f"{POSTSCRIPT}{suffix}"
    for nid, text in ((0, "Copyright 2008-2017 GlyphWiki Project. Subset for dangjian-desktop."),
                      (1, family), (2, "Regular"), (3, f"{ps};{version}"),
                      (4, family), (5, version), (6, ps),
                      (13, "Hanazono Font License: unlimited permission is granted to use, copy, and "
                           "distribute it, with or without modification, either commercially and "
                           "noncommercially. THIS FONT IS PROVIDED \"AS IS\" WITHOUT WARRANTY.")):
        name.setName(text, nid, 3, 1, 0x409)
        name.setName(text, nid, 1, 0, 0)
    font["OS/2"].fsType = 0  # installable embedding, as the licence allows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source-dir", type=Path, default=DEBIAN, help="folder holding HanaMinA.ttf and HanaMinB.ttf")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for suffix, source, lo, hi in FONTS:
        font = _subset(args.source_dir / source, lo, hi)
        _rename(font, suffix)
        out = args.out_dir / f"{POSTSCRIPT}{suffix}.ttf"
        font.save(str(out))
        cmap = TTFont(str(out)).getBestCmap()
        print(f"{sum(1 for c in cmap if lo <= c <= hi)} characters U+{lo:04X}-U+{hi:04X} -> {out} "
              f"({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
