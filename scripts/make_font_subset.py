#!/usr/bin/env python3
"""Builds resources/fonts/WenQuanYiMicroHei-GB2312.ttf, the font bundled for PDFs and the GUI.

The source is WenQuanYi Micro Hei (Apache-2.0, TrueType outlines), face 0 of the TTC that
Debian's fonts-wqy-microhei installs. The subset keeps:

* every character of GB 2312 (6,763 hanzi plus its symbols, full-width forms, kana, Greek,
  Cyrillic, pinyin letters, box drawing),
* the hanzi of the 2013 Table of General Standard Chinese Characters (通用规范汉字表, 8,105
  characters; Unihan field kTGH) that GB 2312 lacks, because names registered since then
  use them (堃, 喆, 玥, 珺, 赟, ...),
* a short list of traditional/variant name characters outside both tables,
* ASCII, Latin-1, the punctuation, symbol and form blocks listed in BLOCKS (★ ☆ ○ ● √ × ...),
* every character used by the data files in resources/codes and resources/schemes.

Characters the source font does not have are skipped and listed at the end.

Usage (needs fonttools; the kTGH list comes from Debian's unicode-data package):
    .venv/bin/python scripts/make_font_subset.py [--source TTC] [--unihan-dir DIR] [--out TTF]
"""

from __future__ import annotations

import argparse
import bz2
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DEFAULT_UNIHAN = Path("/usr/share/unicode")
DEFAULT_OUT = ROOT / "resources" / "fonts" / "WenQuanYiMicroHei-GB2312.ttf"
FAMILY = "WenQuanYi Micro Hei GB2312"
POSTSCRIPT = "WenQuanYiMicroHei-GB2312"

# Unicode blocks kept whole (where the source font has the glyph).
BLOCKS = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement: · × ÷ ° ± §
    (0x0100, 0x017F),  # Latin extended-A: pinyin ā ē ī ō ū
    (0x01CD, 0x01DC),  # pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    (0x02C6, 0x02DD),  # modifier letters: ˇ ˉ ˊ ˋ
    (0x2000, 0x206F),  # general punctuation: — ‘ ’ “ ” … ‰ ※
    (0x2100, 0x214F),  # letterlike: ℃ № ℡
    (0x2150, 0x218F),  # number forms: Ⅰ Ⅱ Ⅲ ⅰ
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators: √ ∶ ≤ ≥
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ⑴ ⒈
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes: ○ ● ◎ □ ■ △ ▲ ◇ ◆
    (0x2600, 0x26FF),  # miscellaneous symbols: ★ ☆ ☑ ☐
    (0x2700, 0x27BF),  # dingbats: ✓ ✔ ✗
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、 。 〇 《 》 【 】 〔 〕
    (0x3200, 0x32FF),  # enclosed CJK: ㈠ ㈡ ㊀
    (0x3300, 0x33FF),  # CJK compatibility: ㎡ ㎏ ㎞
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]

# Name characters outside GB 2312 and the 2013 table that still turn up on rosters
# (traditional or variant forms kept in people's registered names).
NAME_EXTRAS = "冇暐暻朌杺栢濛璿畇盺禕贇頔頫龑堃喆玥珺赟昇彧垚燚淏"


def gb2312_chars() -> set[str]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def tgh_chars(unihan_dir: Path) -> set[str]:
    """The 8,105 characters of 通用规范汉字表 (Unihan kTGH)."""
    chars = set()
    files = sorted(unihan_dir.glob("Unihan_OtherMappings.txt*")) or sorted(unihan_dir.glob("Unihan*.txt*"))
    for path in files:
        opener = bz2.open if path.suffix == ".bz2" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if "\tkTGH\t" in line:
                    chars.add(chr(int(line.split("\t", 1)[0][2:], 16)))
    if len(chars) != 8105:
        sys.exit(f"expected 8105 kTGH characters in {unihan_dir}, found {len(chars)} "
                 "(install Debian's unicode-data package or pass --unihan-dir)")
    return chars


def data_file_chars() -> set[str]:
    """Characters used by the bundled code tables and schemes (data, read as text)."""
    chars = set()
    for folder in ("codes", "schemes"):
        base = ROOT / "resources" / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and path.suffix.lower() in {".json", ".txt", ".csv", ".tsv", ".yaml", ".yml"}:
                    chars.update(path.read_text(encoding="utf-8"))
    return {c for c in chars if ord(c) >= 0x20}


def wanted_chars(unihan_dir: Path) -> tuple[set[str], set[str]]:
    """(all wanted characters, the hanzi among them that must be reported when absent)."""
    hanzi = tgh_chars(unihan_dir) | set(NAME_EXTRAS) | {c for c in data_file_chars() if c >= "\u3400"}
    chars = gb2312_chars() | hanzi | data_file_chars()
    for lo, hi in BLOCKS:
        chars.update(chr(cp) for cp in range(lo, hi + 1))
    return chars, hanzi


def rename(font: TTFont) -> None:
    """Give the subset its own family name so it never shadows an installed full font."""
    name = font["name"]
    note = ("Subset of WenQuanYi Micro Hei (GB 2312, Table of General Standard Chinese Characters, "
            "symbols) made with "
            "fontTools by scripts/make_font_subset.py; glyphs unchanged.")
    for rec in list(name.names):
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 3:
            rec.string = f"{POSTSCRIPT};subset"
        elif rec.nameID == 4:
            rec.string = FAMILY
        elif rec.nameID == 6:
            rec.string = POSTSCRIPT
    name.setName(note, 10, 3, 1, 0x409)
    name.setName(note, 10, 1, 0, 0)


def build(source: Path, unihan_dir: Path, out: Path) -> tuple[int, int, list[str]]:
    collection = TTCollection(str(source))
    font = collection.fonts[0]  # face 0: proportional Micro Hei (face 1 is the Mono variant)
    cmap = font.getBestCmap()
    wanted, hanzi = wanted_chars(unihan_dir)
    present = sorted(ord(c) for c in wanted if ord(c) in cmap)
    # Block ranges are taken "where present"; only wanted hanzi are worth reporting when absent.
    missing = sorted(c for c in hanzi if ord(c) not in cmap)

    options = subset.Options()
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 10, 13, 14]  # keep copyright and licence records
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.drop_tables += ["FFTM"]
    # TrueType hinting helps nothing in a PDF and little on screen for this font; dropping it
    # keeps the file small.
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=present)
    subsetter.subset(font)
    rename(font)
    font.recalcTimestamp = False  # reproducible bytes: keep the source head.modified
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    font.save(str(tmp))
    tmp.replace(out)
    return len(present), out.stat().st_size, missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--unihan-dir", type=Path, default=DEFAULT_UNIHAN)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    count, size, missing = build(args.source, args.unihan_dir, args.out)
    print(f"wrote {args.out} ({size / 1024 / 1024:.2f} MiB, {count} characters)")
    if missing:
        print(f"{len(missing)} wanted CJK characters are not in the source font and were skipped:")
        print("".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
