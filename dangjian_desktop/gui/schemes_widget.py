"""评分方案 browser, editor and 试算 (trial evaluation) panel for the 考核检查 tab."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                               QSplitter, QStyledItemDelegate, QTabWidget, QTableWidget, QTableWidgetItem,
                               QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from .. import schemes as sch
from ..errors import UserError
from ..schemes import model as m
from ..schemes.excel import SchemeImportError
from ..schemes.model import fmt_num
from ..schemes.validate import ERROR, INFO, WARNING
from .errors import guarded, show_error
from .kit.palette import AMBER, GREEN, GREEN_HEX, GREY, LIGHT_RED, RED, RED_HEX, css

_ROLE = Qt.ItemDataRole.UserRole
_RED, _ORANGE, _GREY, _BAD_CELL = RED, AMBER, GREY, LIGHT_RED

# tree columns
T_CODE, T_GROUP, T_TITLE, T_MAX, T_KIND = range(5)
# trial table columns
R_CODE, R_TITLE, R_MAX, R_KIND, R_SCORE = range(5)


def _parse_number(text: str) -> float | int | None:
    t = text.strip().replace("分", "")
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"“{text}”不是数字") from None
    return m.norm_number(v) if v == v and abs(v) != float("inf") else None


def _compact(table: QTableWidget) -> None:
    """Rows one text line high (the default leaves a lot of air)."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)


def _fit_height(table: QTableWidget, max_rows: int = 8) -> None:
    """Make a short table exactly as tall as its rows (up to max_rows, then scroll)."""
    rows = max(1, min(table.rowCount(), max_rows))
    h = table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(h + 2 * table.frameWidth() + 2)


class _KindDelegate(QStyledItemDelegate):
    """A combo box for the 计分方式 column."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt API
        box = QComboBox(parent)
        box.addItems(list(m.SCORING_LABELS.values()))
        return box

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentText(index.data() or m.SCORING_LABELS[m.POINTS])

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentText())


class _ReadOnlyDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # noqa: N802
        return None


class SchemesWidget(QWidget):
    """Scheme list | sections/items tree with live validation | rating rule | 试算."""

    scheme_changed = Signal(str)  # the id of the scheme shown
    evaluated = Signal()  # the 试算 result was refreshed

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scheme: m.Scheme | None = None
        self.result: sch.Result | None = None  # the latest 试算 result (None: nothing to show)
        self.builtin = False
        self.dirty = False
        self._loading = False
        self._build()
        self.reload_list()

    # ---- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        outer.addWidget(split)

        left = QWidget(split)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("评分方案", left))
        self.scheme_list = QListWidget(left)
        self.scheme_list.setAccessibleName("评分方案列表")
        self.scheme_list.setSpacing(3)
        self.scheme_list.currentItemChanged.connect(self._on_pick)
        lv.addWidget(self.scheme_list, 1)
        self.import_button = QPushButton("导入 Excel…", left)
        self.export_button = QPushButton("导出 Excel…", left)
        self.save_button = QPushButton("保存(&S)", left)
        self.delete_button = QPushButton("删除自定义方案", left)
        for b in (self.import_button, self.export_button, self.save_button, self.delete_button):
            lv.addWidget(b)
        self.import_button.clicked.connect(self.import_excel)
        self.export_button.clicked.connect(self.export_excel)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete_scheme)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)

        right = QWidget(split)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel(right)
        f = QFont(self.title_label.font())
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.title_label.setFont(f)
        self.title_label.setWordWrap(True)
        rv.addWidget(self.title_label)
        self.origin_label = QLabel(right)
        self.origin_label.setWordWrap(True)
        self.origin_label.setStyleSheet("color: #555;")
        rv.addWidget(self.origin_label)

        self.tabs = QTabWidget(right)
        rv.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_items_tab(), "细则(&D)")
        self.tabs.addTab(self._build_rule_tab(), "评定规则(&R)")
        self.tabs.addTab(self._build_trial_tab(), "试算(&T)")

        issues_box = QGroupBox("检查结果", right)
        iv = QVBoxLayout(issues_box)
        self.issues_list = QListWidget(issues_box)
        self.issues_list.setWordWrap(True)
        self.issues_list.setMaximumHeight(110)
        iv.addWidget(self.issues_list)
        rv.addWidget(issues_box)

        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 900])

    def _build_items_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        self.tree = QTreeWidget(w)
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["编号", "考核要求", "内容", "分值", "计分方式"])
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.tree.setItemDelegateForColumn(T_KIND, _KindDelegate(self.tree))
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        hdr = self.tree.header()
        hdr.setSectionResizeMode(T_TITLE, QHeaderView.ResizeMode.Stretch)
        hdr.setStretchLastSection(False)
        self.tree.setColumnWidth(T_CODE, 90)
        self.tree.setColumnWidth(T_GROUP, 150)
        self.tree.setColumnWidth(T_MAX, 60)
        self.tree.setColumnWidth(T_KIND, 80)
        self.tree.itemChanged.connect(self._on_tree_edit)
        self.tree.currentItemChanged.connect(self._on_tree_pick)
        v.addWidget(self.tree, 3)
        row = QHBoxLayout()
        self.add_section_button = QPushButton("添加部分", w)
        self.add_item_button = QPushButton("添加细项", w)
        self.remove_button = QPushButton("删除所选", w)
        for b in (self.add_section_button, self.add_item_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(QLabel("双击或按 F2 修改编号、内容、分值和计分方式", w))
        self.add_section_button.clicked.connect(self.add_section)
        self.add_item_button.clicked.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_selected)
        v.addLayout(row)
        self.detail = QTextBrowser(w)
        self.detail.setMaximumHeight(120)
        v.addWidget(self.detail, 1)
        return w

    def _build_rule_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        self.rule_label = QLabel(w)
        self.rule_label.setWordWrap(True)
        v.addWidget(self.rule_label)
        from .scheme_rounding import RoundingRow

        self.rounding_row = RoundingRow(self._rounding_changed, w)
        v.addWidget(self.rounding_row)
        self.levels_table = QTableWidget(0, 4, w)
        self.levels_table.setHorizontalHeaderLabels(["等次", "最低分（含）", "星数", "全称"])
        self.levels_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.levels_table.itemChanged.connect(self._on_level_edit)
        _compact(self.levels_table)
        v.addWidget(self.levels_table)
        veto_head = QHBoxLayout()
        self.vetoes_label = QLabel("否决项", w)
        veto_head.addWidget(self.vetoes_label)
        veto_head.addStretch(1)
        self.add_veto_button = QPushButton("添加否决项", w)
        self.remove_veto_button = QPushButton("删除所选否决项", w)
        veto_head.addWidget(self.add_veto_button)
        veto_head.addWidget(self.remove_veto_button)
        self.add_veto_button.clicked.connect(self.add_veto)
        self.remove_veto_button.clicked.connect(self.remove_veto)
        v.addLayout(veto_head)
        self.vetoes_table = QTableWidget(0, 2, w)
        self.vetoes_table.setHorizontalHeaderLabels(["编号", "内容"])
        self.vetoes_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.vetoes_table.itemChanged.connect(self._on_veto_edit)
        _compact(self.vetoes_table)
        v.addWidget(self.vetoes_table)
        v.addWidget(QLabel("名额、加分、后果和说明（在 Excel 中修改）", w))
        self.rule_text = QTextBrowser(w)
        v.addWidget(self.rule_text, 1)
        return w

    def _build_trial_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(QLabel("在“分数”列填写各项得分（扣分项填扣除的分数，是否项打勾），结果即时更新。", w))
        split = QSplitter(Qt.Orientation.Horizontal, w)
        v.addWidget(split, 1)
        self.trial_table = QTableWidget(0, 5, split)
        self.trial_table.setHorizontalHeaderLabels(["编号", "内容", "满分", "计分方式", "分数"])
        th = self.trial_table.horizontalHeader()
        th.setSectionResizeMode(R_TITLE, QHeaderView.ResizeMode.Stretch)
        for c in (R_CODE, R_TITLE, R_MAX, R_KIND):
            self.trial_table.setItemDelegateForColumn(c, _ReadOnlyDelegate(self.trial_table))
        self.trial_table.setColumnWidth(R_CODE, 60)
        self.trial_table.setColumnWidth(R_MAX, 50)
        self.trial_table.setColumnWidth(R_KIND, 110)
        self.trial_table.setColumnWidth(R_SCORE, 70)
        self.trial_table.itemChanged.connect(self._on_trial_edit)
        _compact(self.trial_table)
        side = QWidget(split)
        sv = QVBoxLayout(side)
        sv.setContentsMargins(0, 0, 0, 0)
        self.class_box = QComboBox(side)
        self.class_box.currentIndexChanged.connect(lambda _n: self.run_trial())
        self.class_label = QLabel("类别：", side)
        crow = QHBoxLayout()
        crow.addWidget(self.class_label)
        crow.addWidget(self.class_box, 1)
        sv.addLayout(crow)
        self.trial_vetoes_label = QLabel("否决项（勾选发生的情形）", side)
        sv.addWidget(self.trial_vetoes_label)
        self.trial_vetoes = QListWidget(side)
        self.trial_vetoes.setMaximumHeight(120)
        self.trial_vetoes.setWordWrap(True)
        self.trial_vetoes.itemChanged.connect(lambda _i: self.run_trial())
        sv.addWidget(self.trial_vetoes)
        form = QFormLayout()
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.total_label = QLabel("—", side)
        self.rating_label = QLabel("—", side)
        self.stars_label = QLabel("—", side)
        for lab in (self.total_label, self.rating_label, self.stars_label):
            lab.setFont(big)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("总分：", self.total_label)
        form.addRow("评定：", self.rating_label)
        form.addRow("星级：", self.stars_label)
        sv.addLayout(form)
        self.clear_button = QPushButton("清空分数", side)
        self.clear_button.clicked.connect(self.clear_scores)
        sv.addWidget(self.clear_button)
        sv.addWidget(QLabel("依据", side))
        self.reasons_view = QListWidget(side)
        self.reasons_view.setWordWrap(True)
        sv.addWidget(self.reasons_view, 1)
        split.setSizes([620, 380])
        return w

    # ---- scheme list -------------------------------------------------------------------
    def reload_list(self, select: str | None = None) -> None:
        current = select or (self.scheme.id if self.scheme else None)
        self._loading = True
        self.scheme_list.clear()
        for info in sch.list_schemes():
            text = f"{info.name}\n{info.id} · {'内置' if info.builtin else '自定义'}"
            if info.error:
                text += " · 无法读取"
            it = QListWidgetItem(text)
            it.setData(_ROLE, info.id)
            it.setToolTip(info.error or str(info.path))
            if info.error:
                it.setForeground(QBrush(_RED))
            self.scheme_list.addItem(it)
        self._loading = False
        row = next((n for n in range(self.scheme_list.count())
                    if self.scheme_list.item(n).data(_ROLE) == current), 0)
        if self.scheme_list.count():
            if self.scheme_list.currentRow() == row:
                self._on_pick(self.scheme_list.item(row), None)
            else:
                self.scheme_list.setCurrentRow(row)

    def select_scheme(self, scheme_id: str) -> None:
        for n in range(self.scheme_list.count()):
            if self.scheme_list.item(n).data(_ROLE) == scheme_id:
                self.scheme_list.setCurrentRow(n)
                return
        raise KeyError(scheme_id)

    def _confirm_discard(self) -> bool:
        if not self.dirty:
            return True
        answer = QMessageBox.question(self, "放弃修改？", f"“{self.scheme.name}”的修改尚未保存，要放弃这些修改吗？",
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def _on_pick(self, item: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._loading or item is None:
            return
        sid = item.data(_ROLE)
        if self.scheme is not None and sid == self.scheme.id and not self.dirty and previous is not None:
            return
        if previous is not None and not self._confirm_discard():
            self._loading = True
            self.scheme_list.setCurrentItem(previous)
            self._loading = False
            return
        try:
            scheme = sch.load_scheme(sid)
        except UserError as e:
            show_error(self, e, "无法打开方案")
            return
        self.show_scheme(scheme, builtin=sch.is_builtin(sid))

    def show_scheme(self, scheme: m.Scheme, *, builtin: bool, dirty: bool = False) -> None:
        self.scheme = scheme
        self.builtin = builtin
        self.dirty = dirty
        self._fill_tree()
        self._fill_rule()
        self._fill_trial()
        self._refresh_header()
        self._refresh_issues()
        self.run_trial()
        self.scheme_changed.emit(scheme.id)

    def _refresh_header(self) -> None:
        s = self.scheme
        mark = " *（未保存）" if self.dirty else ""
        self.title_label.setText(f"{s.name}{mark}")
        src = s.source
        bits = [f"编号 {s.id}", "内置方案：修改后保存为新的自定义方案" if self.builtin else "自定义方案"]
        if src.title:
            bits.append("来源：" + src.title + (f"（{src.issuer}）" if src.issuer else ""))
        tm = s.effective_total_max()
        if tm is not None:
            bits.append(f"总分 {fmt_num(tm)}")
        self.origin_label.setText("；".join(bits))
        self.delete_button.setEnabled(not self.builtin)

    # ---- tree --------------------------------------------------------------------------
    def _fill_tree(self) -> None:
        self._loading = True
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        editable = Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for s in self.scheme.sections:
            top = QTreeWidgetItem([s.code, "", s.title, fmt_num(s.max) if s.max is not None else "",
                                   m.SCORING_LABELS.get(s.kind, s.kind) if s.whole else ""])
            top.setData(0, _ROLE, ("section", s))
            top.setFlags(editable)
            for c in range(5):
                top.setFont(c, bold)
            self.tree.addTopLevelItem(top)
            for i in s.items:
                child = QTreeWidgetItem([i.code, i.group or "", i.title, fmt_num(i.max) if i.max is not None else "",
                                         m.SCORING_LABELS.get(i.kind, i.kind)])
                child.setData(0, _ROLE, ("item", i))
                child.setFlags(editable)
                child.setToolTip(T_TITLE, i.title)
                top.addChild(child)
            top.setExpanded(True)
        self.tree.setColumnHidden(T_GROUP, not any(i.group for s in self.scheme.sections for i in s.items))
        self._loading = False

    def _node(self, it: QTreeWidgetItem | None):
        return it.data(0, _ROLE) if it is not None else None

    def _on_tree_pick(self, it, _prev) -> None:
        node = self._node(it)
        if node is None:
            self.detail.clear()
            return
        kind, obj = node
        parts = [f"<b>{obj.code} {obj.title}</b>"]
        if kind == "item" and obj.group:
            parts.append(f"考核要求：{obj.group}")
        if obj.standard:
            parts.append(f"考核标准：{obj.standard}")
        if obj.evidence:
            parts.append(f"佐证材料：{obj.evidence}")
        if kind == "section" and obj.items:
            parts.append(f"细项合计 {fmt_num(obj.items_sum())} 分，本部分满分 {fmt_num(obj.max)} 分")
        self.detail.setHtml("<br>".join(parts))

    @guarded()
    def _on_tree_edit(self, it: QTreeWidgetItem, column: int) -> None:
        if self._loading:
            return
        kind, obj = self._node(it)
        text = (it.text(column) or "").strip()
        try:
            if column == T_CODE:
                if not text:
                    raise ValueError("编号不能为空")
                obj.code = text
            elif column == T_GROUP:
                if kind == "section":
                    raise ValueError("考核要求只属于细项；部分的名称请在“内容”列修改")
                obj.group = text or None
            elif column == T_TITLE:
                if not text:
                    raise ValueError("内容不能为空")
                obj.title = text
            elif column == T_MAX:
                v = _parse_number(text)
                if v is not None and v < 0:
                    raise ValueError("分值不能为负数")
                obj.max = v
            elif column == T_KIND:
                k = m.label_to_kind(m.SCORING_LABELS, text)
                if k is None:
                    raise ValueError(f"计分方式只能是：{'、'.join(m.SCORING_LABELS.values())}")
                obj.kind = k
        except ValueError as e:
            QMessageBox.warning(self, "输入有误", str(e) + "。")
            self._fill_tree()
            return
        self._changed(rebuild_trial=True)

    def _selected_section(self) -> m.Section | None:
        node = self._node(self.tree.currentItem())
        if node is None:
            return self.scheme.sections[-1] if self.scheme.sections else None
        if node[0] == "section":
            return node[1]
        return next(s for s in self.scheme.sections if node[1] in s.items)

    def _free_code(self, prefix: str) -> str:
        used = {s.code for s in self.scheme.sections} | {i.code for s in self.scheme.sections for i in s.items}
        n = 1
        while f"{prefix}{n}" in used:
            n += 1
        return f"{prefix}{n}"

    @guarded()
    def add_section(self) -> None:
        if self.scheme is None:
            return
        self.scheme.sections.append(m.Section(code=self._free_code("S"), title="新部分", max=10))
        self._changed(rebuild_tree=True, rebuild_trial=True)

    @guarded()
    def add_item(self) -> None:
        sec = self._selected_section() if self.scheme else None
        if sec is None:
            QMessageBox.information(self, "添加细项", "请先添加一个部分。")
            return
        sec.items.append(m.Item(code=self._free_code(sec.code), title="新细项", max=1))
        self._changed(rebuild_tree=True, rebuild_trial=True)

    @guarded()
    def remove_selected(self) -> None:
        node = self._node(self.tree.currentItem())
        if node is None:
            return
        kind, obj = node
        if kind == "section":
            self.scheme.sections.remove(obj)
        else:
            for s in self.scheme.sections:
                if obj in s.items:
                    s.items.remove(obj)
        self._changed(rebuild_tree=True, rebuild_trial=True)

    # ---- rating rule -------------------------------------------------------------------
    def _fill_rule(self) -> None:
        s = self.scheme
        rule = s.rating
        self._loading = True
        text = f"评定方式：{m.RULE_LABELS.get(rule.kind, rule.kind)}"
        if rule.kind == m.SECTION_STARS:
            text += f"；每部分达到 {fmt_num(rule.bar)} 分得一星"
        if rule.veto_rating:
            text += f"；有否决项时评定为“{rule.veto_rating}”"
        if rule.award:
            text += f"；“{'、'.join(rule.award.levels)}”可评为“{rule.award.name}”"
        if rule.note:
            text += f"\n文件原文：{rule.note}"
        self.rule_label.setText(text)
        self.rounding_row.set_value(rule.rounding, applies=rule.kind != m.CLASSIFICATION)
        self.levels_table.setRowCount(len(rule.levels))
        for r, lv in enumerate(rule.levels):
            for c, val in enumerate((lv.name, fmt_num(lv.min) if lv.min is not None else "",
                                     "" if lv.stars is None else str(lv.stars), lv.label or "")):
                self.levels_table.setItem(r, c, QTableWidgetItem(val))
        self.vetoes_label.setText("否决项" + ("（文件列举后写“等等”，可补充）" if s.vetoes_open else "") +
                                  ("" if s.vetoes else "：本方案没有否决项"))
        self.vetoes_table.setRowCount(len(s.vetoes))
        for r, v in enumerate(s.vetoes):
            self.vetoes_table.setItem(r, 0, QTableWidgetItem(v.code))
            self.vetoes_table.setItem(r, 1, QTableWidgetItem(v.title))
        _fit_height(self.levels_table)
        _fit_height(self.vetoes_table, 6)
        self._loading = False
        self._fill_rule_text()

    def _fill_rule_text(self) -> None:
        s = self.scheme
        html = []
        if s.quotas:
            html.append("<b>名额</b><ul>" + "".join(
                f"<li>{q.code}：{'、'.join(q.ratings)} {m.BOUND_LABELS.get(q.bound)} "
                f"{fmt_num(q.percent) + '%' if q.percent is not None else str(q.count) + ' 个'}"
                f"（{m.SCOPE_LABELS.get(q.scope)}{'，强制' if q.enforced else '，提示'}）"
                + (f"；例外：{'、'.join(f'{t} {n} 个' for t, n in q.exceptions.items())}" if q.exceptions else "")
                + (f"<br><span style='color:#555'>{q.note}</span>" if q.note else "") + "</li>"
                for q in s.quotas) + "</ul>")
        if s.bonuses:
            html.append("<p><b>加分</b>：" + "，".join(f"{k} {fmt_num(v)} 分" for k, v in s.bonuses.items()) + "</p>")
        if s.consequences:
            html.append("<b>后果</b><ul>" + "".join(
                f"<li>{c.code}（{self._condition_text(c)}）：{c.title}</li>" for c in s.consequences) + "</ul>")
        if s.notes:
            html.append("<b>说明</b><ul>" + "".join(f"<li>{n}</li>" for n in s.notes) + "</ul>")
        if s.resolutions:
            html.append("<b>不一致的处理</b><ul>" + "".join(f"<li>{r.text}</li>" for r in s.resolutions) + "</ul>")
        self.rule_text.setHtml("".join(html) or "（无）")

    @staticmethod
    def _condition_text(c: m.Consequence) -> str:
        if c.kind == m.RUN:
            years = f"{c.min_years}" + (f"—{c.max_years}" if c.max_years and c.max_years != c.min_years else
                                        ("" if c.max_years else " 年及以上"))
            return f"连续 {years} 年评为{'、'.join(c.ratings)}".replace("年及以上 年", "年及以上")
        if c.kind == m.RATING_IN:
            return "评为" + "、".join(c.ratings)
        if c.kind == m.STARS_AT_MOST:
            return f"{sch.star_word(c.stars or 0)}及以下"
        if c.kind == m.STAR_LOSS:
            return "比上年减星"
        if c.kind == m.TOWN_NO_AWARD:
            return f"全镇连续 {c.min_years} 年无表彰"
        return c.kind

    @guarded()
    def _on_level_edit(self, it: QTableWidgetItem) -> None:
        if self._loading:
            return
        lv = self.scheme.rating.levels[it.row()]
        text = it.text().strip()
        try:
            if it.column() == 0:
                if not text:
                    raise ValueError("等次名称不能为空")
                old = lv.name
                lv.name = text
                self._rename_rating(old, text)
            elif it.column() == 1:
                lv.min = _parse_number(text)
            elif it.column() == 2:
                v = _parse_number(text)
                if v is not None and (not isinstance(v, int) or v < 0):
                    raise ValueError("星数应为不小于 0 的整数")
                lv.stars = v
            else:
                lv.label = text or None
        except ValueError as e:
            QMessageBox.warning(self, "输入有误", str(e) + "。")
            self._fill_rule()
            return
        self._changed(rebuild_trial=False)

    def _rename_rating(self, old: str, new: str) -> None:
        """Keep quotas, bonuses, consequences and the award pointing at a renamed level."""
        s = self.scheme
        if s.rating.award:
            s.rating.award.levels = [new if x == old else x for x in s.rating.award.levels]
        for q in s.quotas:
            q.ratings = [new if x == old else x for x in q.ratings]
        for c in s.consequences:
            c.ratings = [new if x == old else x for x in c.ratings]
        if old in s.bonuses:
            s.bonuses = {(new if k == old else k): v for k, v in s.bonuses.items()}
        if s.rating.veto_rating == old:
            s.rating.veto_rating = new

    def _rounding_changed(self, rounding: str) -> None:
        if self._loading or self.scheme is None or self.scheme.rating.rounding == rounding:
            return
        self.scheme.rating.rounding = rounding
        self._changed()

    @guarded()
    def _on_veto_edit(self, it: QTableWidgetItem) -> None:
        if self._loading:
            return
        v = self.scheme.vetoes[it.row()]
        text = it.text().strip()
        if not text:
            QMessageBox.warning(self, "输入有误", "否决项的编号和内容不能为空。")
            self._fill_rule()
            return
        if it.column() == 0:
            v.code = text
        else:
            v.title = text
        self._changed(rebuild_trial=True)

    @guarded()
    def add_veto(self) -> None:
        if self.scheme is None:
            return
        used = {v.code for v in self.scheme.vetoes}
        n = 1
        while f"V{n}" in used:
            n += 1
        self.scheme.vetoes.append(m.Veto(code=f"V{n}", title="新否决项"))
        self._fill_rule()
        self._changed(rebuild_trial=True)
        self.vetoes_table.setCurrentCell(len(self.scheme.vetoes) - 1, 1)

    @guarded()
    def remove_veto(self) -> None:
        row = self.vetoes_table.currentRow()
        if self.scheme is None or not 0 <= row < len(self.scheme.vetoes):
            return
        del self.scheme.vetoes[row]
        self._fill_rule()
        self._changed(rebuild_trial=True)

    # ---- 试算 ---------------------------------------------------------------------------
    def _fill_trial(self) -> None:
        s = self.scheme
        self._loading = True
        old = self.current_scores() if self.trial_table.rowCount() else {}
        units = s.scored_units()
        self.trial_table.setRowCount(len(units))
        for r, (sec, item) in enumerate(units):
            unit = item or sec
            kind_text = {m.DEDUCTION: "扣分（填扣除的分数）", m.YESNO: "是否（打勾）"}.get(unit.kind, "得分")
            limit = "—" if unit.kind == m.YESNO else "不限"
            vals = (unit.code, unit.title, fmt_num(unit.max) if unit.max is not None else limit, kind_text)
            for c, val in enumerate(vals):
                cell = QTableWidgetItem(val)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if c == R_TITLE:
                    cell.setToolTip(unit.title)
                self.trial_table.setItem(r, c, cell)
            cell = QTableWidgetItem()
            cell.setData(_ROLE, unit.code)
            if unit.kind == m.YESNO:
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                cell.setCheckState(Qt.CheckState.Checked if old.get(unit.code) else Qt.CheckState.Unchecked)
            else:
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable)
                prev = old.get(unit.code)
                cell.setText(fmt_num(prev) if isinstance(prev, (int, float)) and not isinstance(prev, bool) else "")
            self.trial_table.setItem(r, R_SCORE, cell)
        checked = set(self.checked_vetoes()) if self.trial_vetoes.count() else set()
        self.trial_vetoes.clear()
        for v in s.vetoes:
            it = QListWidgetItem(f"{v.code} {v.title}")
            it.setData(_ROLE, v.code)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if v.code in checked else Qt.CheckState.Unchecked)
            self.trial_vetoes.addItem(it)
        self.trial_vetoes.setVisible(bool(s.vetoes))
        self.trial_vetoes_label.setText("否决项（勾选发生的情形）" if s.vetoes else "本方案没有否决项。")
        classification = s.rating.kind == m.CLASSIFICATION
        self.class_box.clear()
        if classification:
            self.class_box.addItems([lv.name for lv in s.rating.levels])
        self.class_box.setVisible(classification)
        self.class_label.setVisible(classification)
        self._loading = False

    def current_scores(self) -> dict[str, object]:
        """The entered scores by code (bad entries are left out and reported by run_trial)."""
        out: dict[str, object] = {}
        for r in range(self.trial_table.rowCount()):
            cell = self.trial_table.item(r, R_SCORE)
            if cell is None:
                continue
            code = cell.data(_ROLE)
            if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                out[code] = cell.checkState() == Qt.CheckState.Checked
                continue
            try:
                v = _parse_number(cell.text())
            except ValueError:
                continue
            if v is not None:
                out[code] = v
        return out

    def checked_vetoes(self) -> list[str]:
        return [self.trial_vetoes.item(n).data(_ROLE) for n in range(self.trial_vetoes.count())
                if self.trial_vetoes.item(n).checkState() == Qt.CheckState.Checked]

    def set_score(self, code: str, value) -> None:
        """Enter a score as a clerk would (used by tests and keyboard macros)."""
        for r in range(self.trial_table.rowCount()):
            cell = self.trial_table.item(r, R_SCORE)
            if cell.data(_ROLE) == code:
                if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                    cell.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                else:
                    cell.setText("" if value is None else str(value))
                return
        raise KeyError(code)

    def clear_scores(self) -> None:
        self._loading = True
        for r in range(self.trial_table.rowCount()):
            cell = self.trial_table.item(r, R_SCORE)
            if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                cell.setCheckState(Qt.CheckState.Unchecked)
            else:
                cell.setText("")
            cell.setBackground(QBrush())
        for n in range(self.trial_vetoes.count()):
            self.trial_vetoes.item(n).setCheckState(Qt.CheckState.Unchecked)
        self._loading = False
        self.run_trial()

    def _on_trial_edit(self, _it: QTableWidgetItem) -> None:
        if not self._loading:
            self.run_trial()

    def run_trial(self) -> None:
        """Evaluate the entered scores and show total, rating, stars and reasons."""
        if self.scheme is None or self._loading:
            return
        self.reasons_view.clear()
        problems: list[str] = []
        scores: dict[str, object] = {}
        units = {(i or s).code: (i or s) for s, i in self.scheme.scored_units()}
        self._loading = True
        for r in range(self.trial_table.rowCount()):
            cell = self.trial_table.item(r, R_SCORE)
            code = cell.data(_ROLE)
            bad = None
            if cell.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                scores[code] = cell.checkState() == Qt.CheckState.Checked
            else:
                try:
                    v = _parse_number(cell.text())
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
            cell.setBackground(QBrush(_BAD_CELL) if bad else QBrush())
            if bad:
                problems.append(bad)
        self._loading = False
        classification = self.class_box.currentText() if self.scheme.rating.kind == m.CLASSIFICATION else None
        if problems:
            self._show_result(None, problems)
            return
        try:
            result = sch.evaluate(self.scheme, scores, self.checked_vetoes(), classification=classification or None)
        except UserError as e:
            self._show_result(None, getattr(e, "problems", None) or [e.message])
            return
        self._show_result(result, [])

    def _show_result(self, result: sch.Result | None, problems: list[str]) -> None:
        self.result = result
        if result is None:
            self.total_label.setText("—")
            self.rating_label.setText("无法评定")
            self.rating_label.setStyleSheet(css(RED_HEX))
            self.stars_label.setText("—")
            for p in problems:
                it = QListWidgetItem(p)
                it.setForeground(QBrush(_RED))
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
            it.setForeground(QBrush(_ORANGE))
            self.reasons_view.addItem(it)
        for reason in result.reasons:
            self.reasons_view.addItem(QListWidgetItem(reason))
        self.evaluated.emit()

    # ---- validation and dirty state ----------------------------------------------------------
    def _changed(self, *, rebuild_tree: bool = False, rebuild_trial: bool = False) -> None:
        self.dirty = True
        if rebuild_tree:
            self._fill_tree()
        if rebuild_trial:
            self._fill_trial()
        self._fill_rule_text()
        self._refresh_header()
        self._refresh_issues()
        self.run_trial()

    def _refresh_issues(self) -> None:
        self.issues_list.clear()
        findings = sch.check(self.scheme)
        if not findings:
            it = QListWidgetItem("检查通过：分值、分数线和编号没有问题。")
            it.setForeground(QBrush(GREEN))
            self.issues_list.addItem(it)
        for f in findings:
            it = QListWidgetItem(f.text())
            it.setForeground(QBrush({ERROR: _RED, WARNING: _ORANGE, INFO: _GREY}[f.severity]))
            it.setToolTip(f.text())
            self.issues_list.addItem(it)
        has_errors = any(f.severity == ERROR for f in findings)
        self.save_button.setEnabled(self.dirty and not has_errors)

    def issue_texts(self) -> list[str]:
        return [self.issues_list.item(n).text() for n in range(self.issues_list.count())]

    # ---- files -------------------------------------------------------------------------------
    @guarded()
    def save(self) -> None:
        if self.scheme is None or not self.dirty:
            return
        saved = sch.save_user_scheme(self.scheme, overwrite=not self.builtin)
        note = "" if saved.id == self.scheme.id else f"（内置方案不能覆盖，已另存为“{saved.id}”）"
        self.dirty = False
        self.reload_list(select=saved.id)
        if note:
            QMessageBox.information(self, "已保存", f"已保存“{saved.name}”{note}。")

    @guarded()
    def delete_scheme(self) -> None:
        if self.scheme is None or self.builtin:
            return
        answer = QMessageBox.question(self, "删除方案", f"删除自定义方案“{self.scheme.name}”（{self.scheme.id}）？"
                                      "已冻结到考核轮次中的副本不受影响。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        sch.delete_user_scheme(self.scheme.id)
        self.dirty = False
        self.scheme = None
        self.reload_list()

    @guarded()
    def export_excel(self) -> None:
        if self.scheme is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出评分方案", f"{self.scheme.id}.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        sch.export_xlsx(self.scheme, path)
        QMessageBox.information(self, "已导出", f"已导出到：\n{path}\n\n可以在 Excel 中修改后再导入。")

    @guarded()
    def import_excel(self) -> None:
        if not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self, "导入评分方案", "", "Excel 工作簿 (*.xlsx);;方案文件 (*.json)")
        if not path:
            return
        try:
            scheme = sch.load_scheme_file(Path(path))
        except SchemeImportError as e:
            QMessageBox.warning(self, "导入失败", e.message)
            return
        if any(f.severity == ERROR for f in sch.check(scheme)):
            self.show_scheme(scheme, builtin=False, dirty=True)
            QMessageBox.warning(self, "方案有错误", "方案已打开但尚未保存：请按“检查结果”中的错误修改后再保存。")
            return
        wanted = scheme.id
        saved = sch.save_user_scheme(scheme)
        self.dirty = False
        self.reload_list(select=saved.id)
        msg = f"已导入“{saved.name}”。"
        if saved.id != wanted:
            msg += f"\n编号“{wanted}”已被使用或为内置方案，已保存为“{saved.id}”。"
        QMessageBox.information(self, "已导入", msg)
