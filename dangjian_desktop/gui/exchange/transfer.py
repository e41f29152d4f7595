"""导出与导入: export a package to a chosen folder or drive, and import one with its preview first.

Choosing a package runs the core's dry run (import_package(dry_run=True): every unit of work is
rolled back) and shows sender, date, fingerprint, per-table counts and every error; only 确认导入
applies it, as one Operation off the GUI thread, and then the receipt is shown.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from ... import dates
from ...exchange import PackageRefused, export_county, export_town, import_package
from ...exchange.ledger import fmt_time
from ..kit.messages import slot
from ..kit.operations import Operation
from ..kit.palette import GREEN_HEX, RED_HEX, css
from ..kit.plain_text import plain
from ..kit.row_model import RowModel
from .models import PREVIEW_COLUMNS, preview_rows

PACKAGE_FILTER = "数据包 (*.djx);;所有文件 (*)"


class TransferPanel(QWidget):
    """Export (with the recipient at the county) and import with preview, confirm and receipt."""

    imported = Signal(str)  # package id, after 确认导入 applied it
    exported = Signal(str)  # path written

    def __init__(self, tab: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.tab = tab
        self.preview: Any = None  # the dry run's ImportResult
        self.preview_path: Path | None = None
        self.refusal: str | None = None
        self.last_export: Any = None
        self.operation: Any = None
        layout = QVBoxLayout(self)

        out = QGroupBox("导出数据包", self)
        row = QHBoxLayout(out)
        self.town_label = QLabel("发给：", out)
        self.town_combo = QComboBox(out)
        self.town_combo.setMinimumWidth(160)
        # A town's complete package (every record, not only what the county has not acknowledged):
        # what the county asks for when the town went back to an old backup.
        self.full_check = QCheckBox("完整数据包", out)
        self.full_check.setToolTip("导出本镇的全部数据，而不只是县里还没有收到的修改。\n"
                                   "县里提示“请导出完整数据包”时（例如本镇恢复过旧备份）勾选。")
        self.export_button = QPushButton("导出到文件夹或U盘…", out)
        self.export_note = QLabel("", out)
        self.export_note.setWordWrap(True)
        for w in (self.town_label, self.town_combo, self.full_check, self.export_button):
            row.addWidget(w)
        row.addWidget(self.export_note, 1)
        layout.addWidget(out)

        box = QGroupBox("导入数据包（先预览，确认后才写入）", self)
        inner = QVBoxLayout(box)
        top = QHBoxLayout()
        self.choose_button = QPushButton("选择数据包…", box)
        self.file_label = plain(QLabel("还没有选择数据包。", box))
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        inner.addLayout(top)
        facts = QFormLayout()
        self.sender_label = plain(QLabel("—", box))  # another office's texts show as written, never as markup
        self.date_label = plain(QLabel("—", box))
        self.fingerprint_label = plain(QLabel("—", box))
        facts.addRow("发送单位：", self.sender_label)
        facts.addRow("生成时间：", self.date_label)
        facts.addRow("对方密钥指纹：", self.fingerprint_label)
        inner.addLayout(facts)
        self.status_label = QLabel("", box)
        self.status_label.setWordWrap(True)
        inner.addWidget(self.status_label)
        self.model = RowModel(PREVIEW_COLUMNS, self)
        self.table = QTableView(box)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(PREVIEW_COLUMNS)):
            self.table.setColumnWidth(col, 110)
        inner.addWidget(self.table, 1)
        self.errors = QPlainTextEdit(box)
        self.errors.setReadOnly(True)
        self.errors.setMaximumHeight(90)
        self.errors.setPlaceholderText("数据包中的问题会全部列在这里。")
        inner.addWidget(self.errors)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.confirm_button = QPushButton("确认导入", box)
        self.confirm_button.setEnabled(False)
        bottom.addWidget(self.confirm_button)
        inner.addLayout(bottom)
        layout.addWidget(box, 1)

        self.export_button.clicked.connect(self.choose_export)
        self.choose_button.clicked.connect(self.choose_package)
        self.confirm_button.clicked.connect(self.confirm_import)

    # ---- state ----------------------------------------------------------------------------------
    def set_peers(self, level: str, towns: list[str]) -> None:
        """At the county the recipient town is chosen; a town always sends to its county."""
        county = level == "county"
        self.town_label.setVisible(county)
        self.town_combo.setVisible(county)
        self.full_check.setVisible(not county)
        current = self.town_combo.currentText()
        self.town_combo.clear()
        self.town_combo.addItems(towns)
        if current in towns:
            self.town_combo.setCurrentText(current)
        self.county = county

    def set_busy(self, busy: bool) -> None:
        """While a package is read or written nothing else can start (the bus says when)."""
        for w in (self.export_button, self.choose_button, self.town_combo, self.full_check):
            w.setEnabled(not busy)
        self.confirm_button.setEnabled(not busy and self.preview is not None and self.preview.status == "dry-run")

    # ---- export ---------------------------------------------------------------------------------
    @slot
    def choose_export(self) -> None:
        name = self.town_combo.currentText() if self.county else self.tab.office_name
        if self.county and not name:
            self.tab.inform("还没有已加入数据交换的乡镇。请先邀请乡镇，等乡镇加入。", "导出数据包")
            return
        suggested = f"{self.tab.office_name}-{name if self.county else '县'}-{dates.today().isoformat()}.djx"
        path, _ = QFileDialog.getSaveFileName(self, "导出数据包到文件夹或U盘", suggested, PACKAGE_FILTER)
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> Operation:
        """Write a package to `path` off the GUI thread (a progress bar after a moment)."""
        town = self.town_combo.currentText() if self.county else None
        full = not self.county and self.full_check.isChecked()
        self.export_note.clear()  # 已导出 of the previous package is not this one's (a stick pulled out fails)

        def work(db, progress):
            progress(0, 0, "正在生成完整数据包…" if full else "正在生成数据包…")
            return export_county(db, town, path) if town else export_town(db, path, full=full)

        def done(r) -> None:
            self.last_export = r
            self.full_check.setChecked(False)  # once: the next package is the usual one again
            notes = "".join(f"<br>{escape(n)}" for n in r.notes)
            self.export_note.setText(f"<span style='{css(GREEN_HEX)}'>已导出 {escape(r.path.name)}"
                                     f"（{r.total_rows} 条记录，{r.size / 1024:.0f} KB）</span>{notes}")
            self.exported.emit(str(r.path))
            self.tab.show_receipt(r.package_id)

        self.operation = Operation(self.tab, "正在导出数据包…", work, db=self.tab.db, takes_progress=True)
        return self.operation.success(done).run_in_background()

    # ---- import ---------------------------------------------------------------------------------
    @slot
    def choose_package(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择数据包", "", PACKAGE_FILTER)
        if path:
            self.preview_file(path)

    def _clear_preview(self) -> None:
        self.preview = None
        self.refusal = None
        self.confirm_button.setEnabled(False)
        self.model.set_rows([])
        self.errors.clear()
        for w in (self.sender_label, self.date_label, self.fingerprint_label):
            w.setText("—")
        self.status_label.clear()

    def preview_file(self, path: str | Path) -> Operation:
        """The dry run: everything checked and counted, nothing written."""
        self._clear_preview()
        self.preview_path = Path(path)
        self.file_label.setText(str(path))

        def work(db, progress):
            return import_package(db, path, dry_run=True, progress=lambda m: progress(0, 0, m))

        self.operation = Operation(self.tab, "正在核对数据包…", work, db=self.tab.db, takes_progress=True)
        return self.operation.success(self._show_preview).failure(self._refused).run_in_background()

    def _say(self, text: str, colour: str) -> None:
        """`text` (plain: it holds a package's and another office's texts) in `colour`."""
        self.status_label.setText(f"<span style='{css(colour)}'>{escape(text)}</span>")

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, PackageRefused):
            self.tab.show_error(exc)
            return
        self.refusal = exc.message
        self._say(f"拒收：{exc.message}　数据库没有任何改动。", RED_HEX)
        self.errors.setPlainText(exc.message)

    def _show_preview(self, r) -> None:
        self.preview = r
        self.sender_label.setText(r.sender + (f"（{r.created_by}）" if r.created_by else ""))
        self.date_label.setText(fmt_time(r.created_at))
        self.fingerprint_label.setText(r.sender_fingerprint or "—")
        self.model.set_rows(preview_rows(r))
        self.errors.setPlainText("\n".join([*r.errors, *[f"说明：{n}" for n in r.notes],
                                            *[f"冲突：{c['label']}{c['what']}（两边都改过，导入后在“冲突”中选择）"
                                              for c in r.conflicts]]))
        if r.status == "dry-run":
            extra = f"其中 {r.total.conflicts} 个冲突导入后逐条选择。" if r.total.conflicts else ""
            self._say(f"预览完毕，数据库还没有任何改动。核对无误后请点“确认导入”。{extra}", GREEN_HEX)
            self.confirm_button.setEnabled(True)
        elif r.status == "nothing":
            self._say(r.message or "没有需要改动的数据。", GREEN_HEX)
        else:
            self._say(f"不能导入：{r.message}", RED_HEX)

    @slot
    def confirm_import(self) -> None:
        if self.preview is None or self.preview_path is None or self.preview.status != "dry-run":
            return
        self.apply_import()

    def apply_import(self) -> Operation:
        """Apply the previewed package as one unit of work (a checked backup first)."""
        path, previewed = self.preview_path, self.preview.package_id
        self.confirm_button.setEnabled(False)

        def work(db, progress):
            return import_package(db, path, progress=lambda m: progress(0, 0, m), previewed=previewed)

        def done(r) -> None:
            self.preview = r
            if r.status == "applied":
                more = f"另有 {r.total.conflicts} 个冲突等待选择。" if r.total.conflicts else ""
                self._say(f"已导入 {r.package_id}。{more}", GREEN_HEX)
                self.imported.emit(r.package_id)
                self.tab.show_receipt(r.package_id)
            else:
                self._show_preview(r)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, PackageRefused):  # what was previewed is not what is there now
                self._clear_preview()
            self._refused(exc)

        self.operation = Operation(self.tab, "正在导入数据包…", work, db=self.tab.db, takes_progress=True)
        return self.operation.success(done).failure(refused).run_in_background()
