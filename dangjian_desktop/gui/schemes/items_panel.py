"""细则: a scheme's sections and items in a tree (ui/schemes_items.ui), edited in place: code,
考核要求, content, points and 计分方式 (double-click or F2), sections and items added and removed;
below, the selected row's standard and evidence.

The panel changes the scheme it shows and says so with `edited` (the page re-checks the scheme and
rebuilds the 试算 table)."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QMessageBox, QTreeWidgetItem, QWidget

from ...schemes import model as m
from ...schemes.model import fmt_num
from ..forms import load_form
from ..kit.messages import slot
from ..kit.plain_text import literal
from .cells import ROLE, KindDelegate, parse_number

T_CODE, T_GROUP, T_TITLE, T_MAX, T_KIND = range(5)  # the tree's columns


class ItemsPanel(QWidget):
    edited = Signal()  # the scheme's sections or items changed

    def __init__(self, tab: Any, parent: QWidget | None = None):
        """`tab`: the page, where errors are shown."""
        super().__init__(parent)
        self.tab = tab
        self.scheme: m.Scheme | None = None
        self._loading = False
        self.form = f = load_form("schemes_items.ui", self)
        self.tree, self.detail = f.tree, f.detail
        self.add_section_button, self.add_item_button, self.remove_button = (f.addSectionButton, f.addItemButton,
                                                                             f.removeButton)
        self.tree.setItemDelegateForColumn(T_KIND, KindDelegate(self.tree))
        self.tree.header().setSectionResizeMode(T_TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((T_CODE, 90), (T_GROUP, 150), (T_MAX, 60), (T_KIND, 80)):
            self.tree.setColumnWidth(col, width)
        self.tree.itemChanged.connect(self._on_edit)
        self.tree.currentItemChanged.connect(self._on_pick)
        self.add_section_button.clicked.connect(self.add_section)
        self.add_item_button.clicked.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_selected)

    # ---- showing ----------------------------------------------------------------------------------
    def show_scheme(self, scheme: m.Scheme) -> None:
        self.scheme = scheme
        self.fill()

    def fill(self) -> None:
        self._loading = True
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        editable = Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for s in self.scheme.sections:
            top = QTreeWidgetItem([s.code, "", s.title, fmt_num(s.max) if s.max is not None else "",
                                   m.SCORING_LABELS.get(s.kind, s.kind) if s.whole else ""])
            top.setData(0, ROLE, ("section", s))
            top.setFlags(editable)
            for c in range(5):
                top.setFont(c, bold)
            self.tree.addTopLevelItem(top)
            for i in s.items:
                child = QTreeWidgetItem([i.code, i.group or "", i.title, fmt_num(i.max) if i.max is not None else "",
                                         m.SCORING_LABELS.get(i.kind, i.kind)])
                child.setData(0, ROLE, ("item", i))
                child.setFlags(editable)
                child.setToolTip(T_TITLE, literal(i.title))
                top.addChild(child)
            top.setExpanded(True)
        self.tree.setColumnHidden(T_GROUP, not any(i.group for s in self.scheme.sections for i in s.items))
        self._loading = False

    @staticmethod
    def _node(it: QTreeWidgetItem | None):
        return it.data(0, ROLE) if it is not None else None

    def _on_pick(self, it, _prev) -> None:
        node = self._node(it)
        if node is None:
            self.detail.clear()
            return
        kind, obj = node
        parts = [f"<b>{escape(obj.code)} {escape(obj.title)}</b>"]  # a scheme file's texts are shown, never read as markup
        if kind == "item" and obj.group:
            parts.append(f"考核要求：{escape(obj.group)}")
        if obj.standard:
            parts.append(f"考核标准：{escape(obj.standard)}")
        if obj.evidence:
            parts.append(f"佐证材料：{escape(obj.evidence)}")
        if kind == "section" and obj.items:
            parts.append(f"细项合计 {fmt_num(obj.items_sum())} 分，本部分满分 {fmt_num(obj.max)} 分")
        self.detail.setHtml("<br>".join(parts))

    # ---- editing ----------------------------------------------------------------------------------
    @slot
    def _on_edit(self, it: QTreeWidgetItem, column: int) -> None:
        if self._loading:
            return
        kind, obj = self._node(it)
        text = (it.text(column) or "").strip()
        try:
            if column == T_CODE:
                if not text:
                    raise ValueError("编号不能为空")
                self.scheme.rename_code(obj, text)
            elif column == T_GROUP:
                if kind == "section":
                    raise ValueError("考核要求只属于细项；部分的名称请在“内容”列修改")
                obj.group = text or None
            elif column == T_TITLE:
                if not text:
                    raise ValueError("内容不能为空")
                obj.title = text
            elif column == T_MAX:
                v = parse_number(text)
                if v is not None and v < 0:
                    raise ValueError("分值不能为负数")
                obj.max = v
            elif column == T_KIND:
                k = m.label_to_kind(m.SCORING_LABELS, text)
                if k is None:
                    raise ValueError(f"计分方式只能是：{'、'.join(m.SCORING_LABELS.values())}")
                obj.kind = k
        except ValueError as e:
            QMessageBox.warning(self, "输入有误", literal(str(e) + "。"))
            self.fill()
            return
        self.edited.emit()

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

    def _rebuilt(self) -> None:
        self.fill()
        self.edited.emit()

    @slot
    def add_section(self) -> None:
        if self.scheme is None:
            return
        self.scheme.sections.append(m.Section(code=self._free_code("S"), title="新部分", max=10))
        self._rebuilt()

    @slot
    def add_item(self) -> None:
        sec = self._selected_section() if self.scheme else None
        if sec is None:
            QMessageBox.information(self, "添加细项", "请先添加一个部分。")
            return
        sec.items.append(m.Item(code=self._free_code(sec.code), title="新细项", max=1))
        self._rebuilt()

    @slot
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
        self._rebuilt()
