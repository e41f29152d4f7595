"""试算: scores typed against a scheme and evaluated at once (ui/schemes_trial.ui): total, rating,
stars and the reasons; a score that cannot count is marked in its cell and named. The scheme's own
evaluator (schemes.evaluate) rates; nothing is stored. `evaluated` after each evaluation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QHeaderView, QListWidgetItem, QTableWidgetItem, QWidget

from ... import schemes as sch
from ...errors import UserError
from ...schemes import model as m
from ...schemes.model import fmt_num
from ..forms import load_form
from ..kit.palette import AMBER, GREEN_HEX, LIGHT_RED, RED, RED_HEX, css
from ..kit.plain_text import literal, plain
from .cells import ROLE, ReadOnlyDelegate, compact, parse_number

R_CODE, R_TITLE, R_MAX, R_KIND, R_SCORE = range(5)  # the trial table's columns
BAD_CELL = LIGHT_RED  # the background of a score that cannot count


class TrialPanel(QWidget):
    evaluated = Signal()  # the result was refreshed

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scheme: m.Scheme | None = None
        self.result: sch.Result | None = None  # the latest result (None: nothing to show)
        self._loading = False
        self.form = f = load_form("schemes_trial.ui", self)
        self.table, self.class_box, self.class_label = f.trialTable, f.classBox, f.classLabel
        self.vetoes, self.vetoes_label = f.vetoesList, f.vetoesLabel
        self.total_label, self.rating_label, self.stars_label = f.totalLabel, f.ratingLabel, f.starsLabel
        self.clear_button, self.reasons_view = f.clearButton, f.reasonsView
        t = self.table
        t.horizontalHeader().setSectionResizeMode(R_TITLE, QHeaderView.ResizeMode.Stretch)
        for c in (R_CODE, R_TITLE, R_MAX, R_KIND):
            t.setItemDelegateForColumn(c, ReadOnlyDelegate(t))
        for col, width in ((R_CODE, 60), (R_MAX, 50), (R_KIND, 110), (R_SCORE, 70)):
            t.setColumnWidth(col, width)
        compact(t)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        for label in (self.total_label, self.rating_label, self.stars_label):
            plain(label).setFont(big)  # the rating is a level's name from the scheme file
        f.splitter.setSizes([620, 380])
        t.itemChanged.connect(self._on_edit)
        self.class_box.currentIndexChanged.connect(lambda _n: self.run())
        self.vetoes.itemChanged.connect(lambda _i: self.run())
        self.clear_button.clicked.connect(self.clear_scores)

    # ---- the scheme's units -----------------------------------------------------------------------
    def show_scheme(self, scheme: m.Scheme) -> None:
        self.scheme = scheme
        self.fill()

    def fill(self) -> None:
        """One row per scored unit, keeping the scores and ticks already entered for the same codes."""
        s = self.scheme
        self._loading = True
        old = self.current_scores() if self.table.rowCount() else {}
        units = s.scored_units()
        self.table.setRowCount(len(units))
        for r, (sec, item) in enumerate(units):
            unit = item or sec
            kind_text = {m.DEDUCTION: "扣分（填扣除的分数）", m.YESNO: "是否（打勾）"}.get(unit.kind, "得分")
            limit = "—" if unit.kind == m.YESNO else "不限"
            vals = (unit.code, unit.title, fmt_num(unit.max) if unit.max is not None else limit, kind_text)
            for c, val in enumerate(vals):
                cell = QTableWidgetItem(val)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if c == R_TITLE:
                    cell.setToolTip(literal(unit.title))
                self.table.setItem(r, c, cell)
            cell = QTableWidgetItem()
            cell.setData(ROLE, unit.code)
            if unit.kind == m.YESNO:
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                cell.setCheckState(Qt.CheckState.Checked if old.get(unit.code) else Qt.CheckState.Unchecked)
            else:
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable)
                prev = old.get(unit.code)
                cell.setText(fmt_num(prev) if isinstance(prev, (int, float)) and not isinstance(prev, bool) else "")
            self.table.setItem(r, R_SCORE, cell)
        checked = set(self.checked_vetoes()) if self.vetoes.count() else set()
        self.vetoes.clear()
        for v in s.vetoes:
            it = QListWidgetItem(f"{v.code} {v.title}")
            it.setData(ROLE, v.code)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if v.code in checked else Qt.CheckState.Unchecked)
            self.vetoes.addItem(it)
        self.vetoes.setVisible(bool(s.vetoes))
        self.vetoes_label.setText("否决项（勾选发生的情形）" if s.vetoes else "本方案没有否决项。")
        classification = s.rating.kind == m.CLASSIFICATION
        self.class_box.clear()
        if classification:
            self.class_box.addItems([lv.name for lv in s.rating.levels])
        self.class_box.setVisible(classification)
        self.class_label.setVisible(classification)
        self._loading = False

    # ---- the entries ----------------------------------------------------------------------------------
    def current_scores(self) -> dict[str, object]:
        """The entered scores by code (bad entries are left out and reported by run)."""
        out: dict[str, object] = {}
        for r in range(self.table.rowCount()):
            cell = self.table.item(r, R_SCORE)
            if cell is None:
                continue
            code = cell.data(ROLE)
            if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                out[code] = cell.checkState() == Qt.CheckState.Checked
                continue
            try:
                v = parse_number(cell.text())
            except ValueError:
                continue
            if v is not None:
                out[code] = v
        return out

    def checked_vetoes(self) -> list[str]:
        return [self.vetoes.item(n).data(ROLE) for n in range(self.vetoes.count())
                if self.vetoes.item(n).checkState() == Qt.CheckState.Checked]

    def set_score(self, code: str, value) -> None:
        """Enter a score as a clerk would (used by tests and keyboard macros)."""
        for r in range(self.table.rowCount()):
            cell = self.table.item(r, R_SCORE)
            if cell.data(ROLE) == code:
                if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                    cell.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                else:
                    cell.setText("" if value is None else str(value))
                return
        raise KeyError(code)

    def clear_scores(self) -> None:
        self._loading = True
        for r in range(self.table.rowCount()):
            cell = self.table.item(r, R_SCORE)
            if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                cell.setCheckState(Qt.CheckState.Unchecked)
            else:
                cell.setText("")
            cell.setBackground(QBrush())
        for n in range(self.vetoes.count()):
            self.vetoes.item(n).setCheckState(Qt.CheckState.Unchecked)
        self._loading = False
        self.run()

    def _on_edit(self, _it: QTableWidgetItem) -> None:
        if not self._loading:
            self.run()

    # ---- evaluating -------------------------------------------------------------------------------------
    def run(self) -> None:
        """Evaluate the entered scores and show total, rating, stars and reasons."""
        if self.scheme is None or self._loading:
            return
        self.reasons_view.clear()
        problems: list[str] = []
        scores: dict[str, object] = {}
        units = {(i or s).code: (i or s) for s, i in self.scheme.scored_units()}
        self._loading = True
        for r in range(self.table.rowCount()):
            cell = self.table.item(r, R_SCORE)
            code = cell.data(ROLE)
            bad = None
            if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                scores[code] = cell.checkState() == Qt.CheckState.Checked
            else:
                try:
                    v = parse_number(cell.text())
                except ValueError as e:
                    bad = f"第 {r + 1} 行（{code}）：{e}。"
                    v = None
                unit = units.get(code)
                if v is not None and unit is not None:
                    if v < 0:
                        bad = f"第 {r + 1} 行（{code}）：分数不能为负数。"
                    elif unit.max is not None and v > unit.max:
                        bad = f"第 {r + 1} 行（{code}）：{fmt_num(v)} 超过满分 {fmt_num(unit.max)} 分。"
                    else:
                        scores[code] = v
            cell.setBackground(QBrush(BAD_CELL) if bad else QBrush())
            if bad:
                problems.append(bad)
        self._loading = False
        classification = self.class_box.currentText() if self.scheme.rating.kind == m.CLASSIFICATION else None
        if problems:
            self._show(None, problems)
            return
        try:
            result = sch.evaluate(self.scheme, scores, self.checked_vetoes(), classification=classification or None)
        except UserError as e:
            self._show(None, getattr(e, "problems", None) or [e.message])
            return
        self._show(result, [])

    def _show(self, result: sch.Result | None, problems: list[str]) -> None:
        self.result = result
        if result is None:
            self.total_label.setText("—")
            self.rating_label.setText("无法评定")
            self.rating_label.setStyleSheet(css(RED_HEX))
            self.stars_label.setText("—")
            for p in problems:
                it = QListWidgetItem(p)
                it.setForeground(QBrush(RED))
                self.reasons_view.addItem(it)
            self.evaluated.emit()
            return
        if result.total is None:
            self.total_label.setText("不计分")
        else:
            tm = f" / {fmt_num(result.total_max)}" if result.total_max is not None else ""
            self.total_label.setText(f"{fmt_num(result.total)}{tm}")
        self.rating_label.setText(result.rating or "—")
        self.rating_label.setStyleSheet(css(RED_HEX if result.vetoed else GREEN_HEX))
        if result.stars is None:
            self.stars_label.setText("不评星")
        else:
            self.stars_label.setText(("★" * result.stars if result.stars else "无星") + f"（{result.stars}）")
        for w in result.warnings:
            it = QListWidgetItem("提示：" + w)
            it.setForeground(QBrush(AMBER))
            self.reasons_view.addItem(it)
        for reason in result.reasons:
            self.reasons_view.addItem(QListWidgetItem(reason))
        self.evaluated.emit()
