"""RowModel, the simple tables' model: a click on a header sorts the rows and the current and
selected rows move with them (the row under the cursor stays the member it was)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from dangjian_desktop.gui.kit.row_model import Col, RowModel

pytestmark = pytest.mark.gui

ROWS = [{"id": n, "name": name, "paid": paid}
        for n, (name, paid) in enumerate([("张三", 5), ("李四", 30), ("王五", 10), ("赵六", 20), ("钱七", 0)])]


def _view(qtbot):
    model = RowModel([Col("姓名", "name", name=True), Col("已交", "paid")])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # in the rows' order until a click
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    model.set_rows(ROWS)
    return model, view


def test_the_current_and_selected_rows_move_with_a_sort(qtbot):
    model, view = _view(qtbot)
    view.setCurrentIndex(model.index(1, 1))  # 李四
    view.selectionModel().select(model.index(3, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)  # 赵六 too
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [r["paid"] for r in model.rows] == [30, 20, 10, 5, 0]
    assert model.row(view.currentIndex().row())["name"] == "李四" and view.currentIndex().column() == 1
    chosen = {model.row(i.row())["name"] for i in view.selectionModel().selectedRows()}
    assert chosen == {"李四", "赵六"}
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by pinyin: 李 before 钱, 王, 张, 赵
    assert [r["name"] for r in model.rows] == ["李四", "钱七", "王五", "张三", "赵六"]
    assert model.row(view.currentIndex().row())["name"] == "李四"
    # New rows keep the sort.
    model.set_rows(list(reversed(ROWS)))
    assert [r["name"] for r in model.rows] == ["李四", "钱七", "王五", "张三", "赵六"]
