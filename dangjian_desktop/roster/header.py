"""Finding the header row of a roster sheet (below titles and 填报单位 lines) and mapping its columns.

A header alone does not always say what a column holds: rosters taken from the national 党员信息
system head the 正式党员/预备党员 column 人员类别, which elsewhere means the occupation class
(农牧渔民, 在岗职工 …). So a column headed as either (see values.py) is read by its values,
and a column whose header is unknown (or blank) but whose values are plainly the category is
read as the category. Every such decision, and every optional column the sheet lacks, is
explained in SheetLayout.readings (the wizard's preview and the CLI report show them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .columns import field_for_header, header_key, label, spec, squeeze
from .reader import column_letter
from .values import explain_missing, read_by_values

SCAN_ROWS = 30          # the header must be within the first rows of a sheet
MIN_KNOWN = 3           # known column names a row needs to count as the header
IGNORE = ""             # mapping value: do not import this column

_ID_LIKE = re.compile(r"\d{15}")
_UNIT_SPLIT = re.compile(r"\s{2,}|\u3000|填报日期|填表日期|日期[:：]|时间[:：]")


@dataclass
class MappedColumn:
    index: int
    header: str               # the header text as written (both header rows joined)
    key: str                  # header_key(header), or '#F' for a column without header text
    field: str | None         # roster field, or None when not imported
    auto_field: str | None    # what the header and values said before any user choice
    reading: str = ""         # why the values decided the field (the preview shows it)

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class SheetLayout:
    """Where a sheet's header is and what its columns mean."""
    sheet: str
    header_rows: tuple[int, ...]            # Excel row numbers (one or two rows)
    columns: list[MappedColumn]
    unit_text: str | None = None            # '红星村党支部' from a '填报单位：…' line
    title: str | None = None
    notes: list[str] = field(default_factory=list)   # duplicate mappings etc.
    readings: list[str] = field(default_factory=list)  # columns read by their values, optional columns missing

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    def fields(self) -> dict[str, int]:
        """field -> column index, for the columns that are imported."""
        return {c.field: c.index for c in self.columns if c.field}

    def column_for(self, field_name: str) -> MappedColumn | None:
        for c in self.columns:
            if c.field == field_name:
                return c
        return None


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _row_fields(row: list) -> dict[int, str]:
    out = {}
    for i, v in enumerate(row):
        if isinstance(v, str):
            f = field_for_header(v)
            if f:
                out[i] = f
    return out


def _unit_text(rows: list[tuple[int, list]]) -> str | None:
    keywords = spec().unit_line_keywords
    for _, row in rows:
        cells = [_text(v) for v in row]
        for i, cell in enumerate(cells):
            flat = squeeze(cell)
            for kw in keywords:
                if flat.startswith(kw):
                    rest = cell[cell.find(kw[-1]) + 1:] if kw[-1] in cell else cell
                    rest = rest.lstrip(" :：\u3000")
                    if not rest:  # '填报单位：' with the name in the next filled cell
                        rest = next((c for c in cells[i + 1:] if c), "")
                    rest = _UNIT_SPLIT.split(rest, maxsplit=1)[0].strip(" :：")
                    if rest:
                        return squeeze(rest)
    return None


def detect(sheet: str, head: list[tuple[int, list]],
           overrides: dict[str, str | None] | None = None) -> SheetLayout | None:
    """The layout of a sheet from its first rows, or None when no header row is found.

    `overrides` maps a header key (see header_key; '#F' for a column without a header) to a
    field, or to '' to ignore the column: the user's corrections of the automatic mapping.
    """
    best, best_n, best_fields = None, 0, {}
    for pos, (_, row) in enumerate(head[:SCAN_ROWS]):
        found = _row_fields(row)
        n = len(set(found.values()))
        if n > best_n and ({"name", "id_number"} & set(found.values())):
            best, best_n, best_fields = pos, n, found
    if best is None or best_n < MIN_KNOWN:
        return None
    header_rows = [head[best][0]]
    labels = {i: _text(v) for i, v in enumerate(head[best][1]) if _text(v)}
    fields = dict(best_fields)
    # A two-row header whose cells merged down over both rows hold their names in the upper row
    # (学历 merged over rows 3 and 4, 姓名 in row 4): a column named only above, empty in the row
    # found, takes its name from above (it was left out without a word).
    above = 0
    if best > 0:
        upper = head[best - 1][1]
        fill = {i: f for i, f in _row_fields(upper).items()
                if i not in labels and f not in set(fields.values()) and not _ID_LIKE.search(_text(upper[i]))}
        if fill:
            above = 1
            header_rows.insert(0, head[best - 1][0])
            for i, f in fill.items():
                labels[i], fields[i] = _text(upper[i]), f
    # A two-row header: group titles above (入党时间 over 入党日期 | 转正日期), names below.
    below_rows = 0
    if best + 1 < len(head):
        below = head[best + 1][1]
        below_fields = _row_fields(below)
        looks_like_data = any(_ID_LIKE.search(_text(v)) for v in below)
        new = {i: f for i, f in below_fields.items() if fields.get(i) != f}
        if new and not looks_like_data:
            below_rows = 1
            header_rows.append(head[best + 1][0])
            for i, v in enumerate(below):
                t = _text(v)
                if t:
                    labels[i] = f"{labels[i]}/{t}" if i in labels and i not in below_fields else t
            fields.update(below_fields)
    width = max([len(head[best][1])] + [len(r) for _, r in head[best:best + 50]])
    rows_above = head[:best - above]
    layout = SheetLayout(sheet, tuple(header_rows), [], unit_text=_unit_text(rows_above))
    for _, row in rows_above:
        t = next((_text(v) for v in row if _text(v)), "")
        if t and not layout.title:
            layout.title = t
    overrides = overrides or {}
    data = [r for _, r in head[best + 1 + below_rows:]]
    cols: list[MappedColumn] = []
    for i in range(width):
        text = labels.get(i, "")
        key = header_key(text) if text else f"#{column_letter(i)}"
        auto, reading = read_by_values(fields.get(i), [r[i] if i < len(r) else None for r in data])
        chosen = overrides[key] if key in overrides else auto
        col = MappedColumn(i, text, key, chosen or None, auto, reading)
        cols.append(col)
    # A column named for what it holds wins over one only read so from its values.
    used: dict[str, MappedColumn] = {}
    for col in sorted(cols, key=lambda c: (bool(c.reading) and c.key not in overrides, c.index)):
        if col.field and col.field in used:
            first = used[col.field]
            layout.notes.append(f"列{col.letter}“{col.header}”与列{first.letter}“{first.header}”都表示"
                                f"{label(col.field)}，只导入列{first.letter}")
            col.field = None
        elif col.field:
            used[col.field] = col
    for col in cols:
        if col.reading and col.field == col.auto_field:
            layout.readings.append(f"列{col.letter}“{col.header or '（无列名）'}”{col.reading}")
        if col.header or col.field:
            layout.columns.append(col)
    layout.readings += explain_missing(used)
    return layout
