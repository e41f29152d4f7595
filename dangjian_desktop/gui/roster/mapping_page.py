"""第二步：预览，确认每列对应的项目 (the form is ui/roster_mapping.ui).

The top of every sheet is read once (roster.preview_file); choosing a column's item only
detects the header again over the rows already read. A file the workbook safety check refuses
(a zip bomb, a damaged or disguised file) is told in the page's error line, and the clerk can
go back and choose another.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QTableWidgetItem, QWizardPage

from ...errors import UserError
from ...roster import SheetPreview, preview_file
from ...roster.columns import spec
from ...roster.header import SCAN_ROWS, detect
from ...roster.reader import column_letter
from ...roster.report import shown
from ..forms import load_form
from ..kit.plain_text import literal, plain

PREVIEW_ROWS = 40   # rows read from the top of each sheet
SHOWN_ROWS = 25     # rows shown from the header down
MIN_COLUMN_WIDTH = 96
HEADER_BACKGROUND = "#d9e1f2"


def sheet_state(p: SheetPreview) -> str:
    """What the sheet list says after a sheet's name."""
    if not p.visible:
        return "（隐藏，不导入）"
    return "" if p.layout else "（未找到表头，不导入）"


def sheet_info(p: SheetPreview) -> str:
    """The line above the preview: where the header is, how many rows, where they go."""
    if p.layout is None:
        return "这个工作表中没有找到花名册的表头（需要“姓名”“身份证号”等列名），不会导入。"
    header = "、".join(str(n) for n in p.layout.header_rows)
    where = (f"没有“所在党支部”列的行导入到：{p.branch}（依据：{p.branch_source}）" if p.branch
             else "没有注明党支部的行将无法导入，请在上一步选择党支部")
    has_col = p.layout.column_for("branch") is not None
    return (f"表头在第 {header} 行，约 {max(p.total_rows - p.layout.header_rows[-1], 0)} 行数据。"
            + ("按“所在党支部”列导入到各党支部。" if has_col else where))


class MappingPage(QWizardPage):
    """Each sheet's first rows under a row of combo boxes, one per column, naming its item."""

    def __init__(self, wizard):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle("预览和列对应")
        self.setSubTitle("检查每一列对应的项目；不对时在列上方的下拉框中改正，不需要的列选“（不导入）”。")
        self.form = f = load_form("roster_mapping.ui", self)
        self.sheet_combo = f.sheetCombo
        # These show the file's own texts (headers, sheet and branch names): as written, never as markup.
        self.info = plain(f.infoLabel)
        # How columns were read from their values (人员类别 holding 正式/预备 …), optional columns missing.
        self.readings = plain(f.readingsLabel)
        self.table = f.previewTable
        self.error = plain(f.errorLabel)
        self.sheet_combo.currentIndexChanged.connect(self.show_sheet)
        self.previews: list[SheetPreview] = []
        self.choices = [("（不导入）", "")] + [(c.label, c.field) for c in spec().columns]

    def initializePage(self) -> None:  # noqa: N802
        self.w.options.mapping = {}
        self.reload()

    def reload(self) -> None:
        self.error.clear()
        keep = self.sheet_combo.currentIndex()
        try:
            self.previews = preview_file(self.w.db, self.w.path, self.w.options, max_rows=PREVIEW_ROWS)
        except UserError as e:
            self.previews = []
            self.error.setText(e.message)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for p in self.previews:
            self.sheet_combo.addItem(f"{p.name}{sheet_state(p)}")
        self.sheet_combo.blockSignals(False)
        if self.previews:
            self.sheet_combo.setCurrentIndex(min(max(keep, 0), len(self.previews) - 1))
            self.show_sheet(self.sheet_combo.currentIndex())
        self.completeChanged.emit()

    def show_sheet(self, index: int) -> None:
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        if not 0 <= index < len(self.previews):
            return
        p = self.previews[index]
        readings = p.layout.readings if p.layout else []
        self.readings.setText("列的理解：" + "；".join(readings) + "。" if readings else "")
        self.readings.setVisible(bool(readings))
        self.info.setText(sheet_info(p))
        width = max([len(r) for _, r in p.rows] + [0])
        first = 0
        if p.layout is not None:
            first = p.layout.header_rows[0]
            width = max(width, max((c.index for c in p.layout.columns), default=0) + 1)
        shown_rows = [(n, r) for n, r in p.rows if n >= first][:SHOWN_ROWS]
        self.table.setColumnCount(width)
        self.table.setRowCount(len(shown_rows) + 1)
        self.table.setHorizontalHeaderLabels([column_letter(i) for i in range(width)])
        self.table.setVerticalHeaderLabels(["对应项目"] + [str(n) for n, _ in shown_rows])
        if p.layout is not None:
            for i in range(width):
                self.table.setCellWidget(0, i, self._column_combo(p, i))
        self._fill_rows(p, shown_rows, width)
        self.table.resizeColumnsToContents()
        for i in range(width):
            self.table.setColumnWidth(i, max(self.table.columnWidth(i), MIN_COLUMN_WIDTH))

    def _column_combo(self, p: SheetPreview, i: int) -> QComboBox:
        """The item column `i` is read as (its reading from the values in the tooltip)."""
        col = next((c for c in p.layout.columns if c.index == i), None)
        combo = QComboBox(self.table)
        for text, value in self.choices:
            combo.addItem(text, value)
        combo.setCurrentIndex(combo.findData(col.field if col and col.field else ""))
        if col is not None and col.reading:
            # the header is the Excel file's own text: shown as written
            combo.setToolTip(literal(f"按内容判断：列{col.letter}“{col.header or '（无列名）'}”{col.reading}"))
        combo.setProperty("headerKey", col.key if col else f"#{column_letter(i)}")
        combo.currentIndexChanged.connect(lambda _i, c=combo: self.remap(c))
        return combo

    def _fill_rows(self, p: SheetPreview, rows: list[tuple[int, list]], width: int) -> None:
        header_rows = set(p.layout.header_rows) if p.layout else set()
        for r, (n, values) in enumerate(rows, start=1):
            for i, v in enumerate(values[:width]):
                item = QTableWidgetItem(shown(v))
                if n in header_rows:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setBackground(QBrush(QColor(HEADER_BACKGROUND)))
                self.table.setItem(r, i, item)

    def remap(self, combo: QComboBox) -> None:
        self.w.options.mapping[combo.property("headerKey")] = combo.currentData() or ""
        for p in self.previews:  # the rows are already read; only the mapping changes
            if p.layout is not None:
                p.layout = detect(p.name, p.rows[:SCAN_ROWS], self.w.options.mapping)
        # Rebuild after this signal returns: the combo that sent it is replaced.
        QTimer.singleShot(0, lambda: self.show_sheet(self.sheet_combo.currentIndex()))

    def isComplete(self) -> bool:  # noqa: N802
        return any(p.layout is not None and p.visible for p in self.previews)
