"""Reading a workbook row by row with python-calamine (fast, also .xls/.ods) or openpyxl read-only.

Both readers give the same thing: per sheet, rows of Python values indexed from column A
(None for an empty cell), with their Excel row numbers. calamine returns whole numbers as
floats and date cells as date/datetime; openpyxl returns ints and datetimes — the importer
accepts both. Cells whose number format shows only year and month are found from the
workbook's styles (see `month_only_cells`), because neither reader says so.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from xml.etree import ElementTree as ET

from ..errors import UserError
from ..xlsx_guard import check_workbook, is_reader_failure, unreadable_message

READERS = ("calamine", "openpyxl")
SUPPORTED = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
# Built-in number formats that show a year and month but no day (17: mmm-yy; the others are
# the zh-CN built-ins for yyyy"年"m"月").
_BUILTIN_MONTH_ONLY = {17, 27, 36, 50, 52, 57}


@dataclass
class Sheet:
    name: str
    index: int
    visible: bool
    total_rows: int                                   # an estimate, for progress
    _rows: Callable[[], Iterator[tuple[int, list]]]
    _month_cells: Callable[[], set[tuple[int, int]]] = field(default=lambda: set())

    def rows(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, values from column A) for every row, blank rows included or not."""
        return self._rows()

    def month_only_cells(self) -> set[tuple[int, int]]:
        """(row number, column index) of cells formatted to show only year and month."""
        return self._month_cells()


class Workbook:
    """An open workbook; use as a context manager."""

    def __init__(self, path: str | Path, reader: str = "calamine", *, what: str = "花名册"):
        self.path = Path(path)
        if reader not in READERS:
            raise ValueError(reader)
        if not self.path.is_file():
            raise UserError(f"找不到文件：{self.path}")
        suffix = self.path.suffix.lower()
        if suffix not in SUPPORTED:
            raise UserError(f"不支持的文件类型“{suffix or '无扩展名'}”，请选择Excel文件（.xlsx或.xls）")
        check_workbook(self.path, what)  # a hostile or broken file is refused before a reader expands it
        if reader == "openpyxl" and suffix not in (".xlsx", ".xlsm"):
            reader = "calamine"
        self.reader = reader
        self._styles: _Styles | None = None
        self._closers: list[Callable[[], None]] = []
        try:
            self.sheets = self._open_calamine() if reader == "calamine" else self._open_openpyxl()
        except UserError:
            raise
        except BaseException as e:  # a damaged or non-Excel file: say so, never a traceback
            if not is_reader_failure(e):
                raise
            self.close()
            raise UserError(unreadable_message(self.path.name, e)) from None

    # ---- calamine -----------------------------------------------------------------
    def _open_calamine(self) -> list[Sheet]:
        import python_calamine as pc

        wb = pc.CalamineWorkbook.from_path(str(self.path))
        self._closers.append(wb.close)
        sheets = []
        loaded: dict[int, object] = {}
        for i, meta in enumerate(wb.sheets_metadata):
            if str(meta.typ) != str(pc.SheetTypeEnum.WorkSheet):
                continue
            visible = str(meta.visible) == str(pc.SheetVisibleEnum.Visible)
            # Loading parses the whole sheet; keep it until its rows have been read once.
            loaded[i] = wb.get_sheet_by_index(i)
            end = loaded[i].end
            sheets.append(Sheet(meta.name, i, visible, (end[0] + 1) if end else 0,
                                self._calamine_rows(wb, i, loaded), self._month_cells_for(meta.name)))
        return sheets

    @staticmethod
    def _calamine_rows(wb, index: int, loaded: dict) -> Callable[[], Iterator[tuple[int, list]]]:
        def rows() -> Iterator[tuple[int, list]]:
            sheet = loaded.pop(index, None) or wb.get_sheet_by_index(index)
            start = sheet.start
            if start is None:
                return
            pad = [None] * start[1]
            # calamine yields rows from row 1 but columns from the first used column.
            for n, row in enumerate(sheet.iter_rows(), start=1):
                if n <= start[0]:
                    continue
                row = [None if v == "" else v for v in row]
                yield n, (pad + row) if pad else row
        return rows

    # ---- openpyxl -----------------------------------------------------------------
    def _open_openpyxl(self) -> list[Sheet]:
        import openpyxl

        wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        self._closers.append(wb.close)
        sheets = []
        for i, ws in enumerate(wb.worksheets):
            total = ws.max_row or 0
            sheets.append(Sheet(ws.title, i, ws.sheet_state == "visible", total, self._openpyxl_rows(ws),
                                self._month_cells_for(ws.title)))
        return sheets

    @staticmethod
    def _openpyxl_rows(ws) -> Callable[[], Iterator[tuple[int, list]]]:
        def rows() -> Iterator[tuple[int, list]]:
            ws.reset_dimensions()  # some writers store a wrong used range
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield n, list(row)
        return rows

    # ---- number formats -------------------------------------------------------------
    def _month_cells_for(self, sheet_name: str) -> Callable[[], set[tuple[int, int]]]:
        def cells() -> set[tuple[int, int]]:
            if self.path.suffix.lower() not in (".xlsx", ".xlsm"):
                return set()  # .xls/.ods: formats are not read; month-formatted dates count as days
            try:
                if self._styles is None:
                    self._styles = _Styles(self.path)
                return self._styles.month_only_cells(sheet_name)
            except (KeyError, ET.ParseError, zipfile.BadZipFile, ValueError):
                return set()
        return cells

    def close(self) -> None:
        for c in self._closers:
            try:
                c()
            except Exception:
                pass
        self._closers.clear()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_month_only(code: str) -> bool:
    """Does a number format show year and month but no day ('yyyy"年"m"月"', 'yyyy-mm')?"""
    c = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code).lower()
    c = c.split(";")[0]
    return "y" in c and "m" in c and "d" not in c and "h" not in c and "s" not in c


class _Styles:
    """The style indexes of month-only date formats in an .xlsx, and where they are used."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            styles = ET.fromstring(z.read("xl/styles.xml")) if "xl/styles.xml" in names else None
            book = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        custom = {}
        self.month_styles: set[int] = set()
        if styles is not None:
            for nf in styles.iterfind("m:numFmts/m:numFmt", _NS):
                custom[int(nf.get("numFmtId"))] = nf.get("formatCode") or ""
            for i, xf in enumerate(styles.iterfind("m:cellXfs/m:xf", _NS)):
                fid = int(xf.get("numFmtId") or 0)
                if fid in custom:
                    if _is_month_only(custom[fid]):
                        self.month_styles.add(i)
                elif fid in _BUILTIN_MONTH_ONLY:
                    self.month_styles.add(i)
        targets = {r.get("Id"): r.get("Target") for r in rels.iterfind("rel:Relationship", _NS)}
        self.sheet_paths = {}
        for s in book.iterfind("m:sheets/m:sheet", _NS):
            target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
            target = target.lstrip("/")
            self.sheet_paths[s.get("name")] = target if target.startswith("xl/") else f"xl/{target}"

    def month_only_cells(self, sheet_name: str) -> set[tuple[int, int]]:
        if not self.month_styles or sheet_name not in self.sheet_paths:
            return set()
        alts = "|".join(str(i) for i in sorted(self.month_styles))
        tag = re.compile(rb'<c\s[^>]*?\bs="(?:' + alts.encode() + rb')"[^>]*>')
        ref = re.compile(rb'\br="([A-Z]+)(\d+)"')
        found: set[tuple[int, int]] = set()
        tail = b""
        with zipfile.ZipFile(self.path) as z, z.open(self.sheet_paths[sheet_name]) as f:
            while True:
                chunk = f.read(1 << 22)
                data = tail + chunk
                if not chunk:
                    cut = len(data)
                else:
                    cut = data.rfind(b"<")
                    if cut < 0:
                        cut = 0
                for m in tag.finditer(data, 0, cut):
                    r = ref.search(m.group(0))
                    if r:
                        found.add((int(r.group(2)), column_index(r.group(1).decode())))
                tail = data[cut:]
                if not chunk:
                    break
        return found


def column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s
