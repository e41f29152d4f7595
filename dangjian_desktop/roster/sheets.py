"""Reading a roster's sheets for the import: which sheets, where each one's header is and which
field each column holds (header.detect, with the clerk's mapping), the branch of rows that name
none, then the rows one by one (row_check.RowChecks) with the sheet's summary and its warnings.

SheetReading is a part of importer.RosterImport (it uses the run's report, options and branches).
"""

from __future__ import annotations

from itertools import chain
from typing import Iterator

from ..errors import UserError
from ..registry import idcard
from .branches import Org
from .cells import DATE_FIELDS, field_label, looks_like_id
from .columns import label
from .header import SCAN_ROWS, SheetLayout, detect
from .reader import Workbook
from .report import SheetSummary

# Columns a sheet needs before it can register new members (sex and birth date come from the ID;
# 民族, 学历 … may be missing: those members are registered as 信息不全, see registry.completeness).
REQUIRED_COLUMNS = ("join_date", "category")


class SheetState:
    """What the import knows about the sheet it is reading."""

    def __init__(self, sheet: str, layout: SheetLayout, month_cells: set):
        self.sheet = sheet
        self.layout = layout
        self.fields = layout.fields()
        self.month_cells = month_cells
        self.sheet_branch: Org | None = None
        self.last_branch_text = ""
        self.rows = 0
        self.skipped = 0
        self.missing_required: dict[str, int] = {}
        self.unknown_regions: dict[str, list[int]] = {}   # region code -> rows (a warning each code)
        self.plan: list | None = None                      # member columns and their memos: row_check
        self.take: tuple | None = None                      # fields, getter of their cells, width: row_check
        self.branch_texts: dict = {}                         # 所在党支部 cell -> its text: row_check


class SheetReading:
    """The sheets of the file, each read from its header down."""

    def _chosen_sheets(self, book: Workbook) -> list:
        if self.opts.sheets is not None:
            names = set(self.opts.sheets)
            unknown = names - {s.name for s in book.sheets}
            if unknown:
                raise UserError(f"文件中没有工作表：{'、'.join(sorted(unknown))}")
            return [s for s in book.sheets if s.name in names]
        out = []
        for s in book.sheets:
            if s.visible:
                out.append(s)
                continue
            self.report.sheets.append(SheetSummary(s.name, skipped="隐藏的工作表，未导入"))
            head = [item for _, item in zip(range(SCAN_ROWS), s.rows())]
            if detect(s.name, head) is not None:  # a hidden roster, not a hidden code list
                self._warn(s.name, None, f"工作表“{s.name}”是隐藏的，其中的党员未导入",
                           "如需导入，请在Excel中取消隐藏该工作表")
        return out

    def _import_sheet(self, sheet) -> Iterator[int]:
        """Read one sheet; yields the Excel row reached every `step_rows` rows, then the sheet's size."""
        rows = sheet.rows()
        head: list[tuple[int, list]] = []
        for item in rows:
            head.append(item)
            if len(head) >= SCAN_ROWS:
                break
        summary = SheetSummary(sheet.name)
        self.report.sheets.append(summary)
        layout = detect(sheet.name, head, self.opts.mapping)
        if layout is None:
            summary.skipped = "没有找到表头（需要“姓名”“身份证号”等列名），未导入"
            if any(looks_like_id(v) for _, r in head for v in r):  # members there, header not found
                self._warn(sheet.name, None, f"工作表“{sheet.name}”中没有找到花名册表头，未导入",
                           "表头应包含“姓名”“身份证号”等列名")
            return
        summary.header_rows = layout.header_rows
        summary.readings = list(layout.readings)
        summary.mapping = [(c.letter, c.header, c.field) for c in layout.columns]
        header_row = layout.header_rows[-1]
        for note in layout.notes:
            self._warn(sheet.name, header_row, note)
        for c in layout.columns:
            if c.field is None and c.header and c.key not in self.opts.mapping:
                self._warn(sheet.name, header_row, f"列{c.letter}“{c.header}”不是花名册的列，未导入",
                           "如需导入，请在导入向导中为该列选择对应的项目")
        fields = layout.fields()
        missing = [f for f in ("name", "id_number") if f not in fields]
        if missing:
            self._error(sheet.name, header_row, None, "", "",
                        f"工作表缺少必需的列：{'、'.join(label(f) for f in missing)}",
                        "请检查表头，或在导入向导中指定对应的列")
            return
        month_cells = sheet.month_only_cells() if any(f in fields for f in DATE_FIELDS) else set()
        st = SheetState(sheet.name, layout, month_cells)
        st.sheet_branch, problem, _ = self.branches.for_sheet(sheet.name, layout)
        if "branch" not in fields and st.sheet_branch is None:
            self._error(sheet.name, None, None, "所在党支部", "", problem or
                        f"无法确定工作表“{sheet.name}”中党员所在的党支部：没有“所在党支部”列，"
                        f"工作表名也不是已有党支部的名称",
                        "请增加“所在党支部”列，或在导入时指定党支部（--branch）")
            return
        count = 0
        for n, row in chain(head, rows):
            if n < layout.data_start:
                continue
            self._import_row(st, n, row)
            count += 1
            if count % self.step_rows == 0:
                yield n
        summary.rows = st.rows
        summary.skipped_rows = st.skipped
        for code, where in st.unknown_regions.items():
            rows = f"第{where[0]}行" + (f"等{len(where)}人" if len(where) > 1 else "")
            self._warn(sheet.name, where[0], f"{rows}的{idcard.region_warning(code + '0' * 12)}",
                       "号码无误时可以照常导入")
        for f, new_rows in st.missing_required.items():
            self._error(sheet.name, header_row, None, field_label(f), "",
                        f"工作表缺少必需的列“{field_label(f)}”，{new_rows} 名新党员无法登记",
                        "请增加该列，或在导入向导中指定对应的列")
        yield max(sheet.total_rows, 1)
