"""导出 Excel / 打印/PDF of a table as shown (gui/table_export.py): the view's order, filter and visible
columns, numbers kept numeric, ID numbers as text; through the shared writer."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView, QWidget

from dangjian_desktop.gui.kit.messages import MessageHost
from dangjian_desktop.gui.table_export import add_table_export, save_view_table, table_of_view
from dangjian_desktop.tables import EXACT, NUMBER, PERCENT, TEXT

pytestmark = pytest.mark.gui

ROWS = [("红星村党支部", "11010119900307777X", "92.5", "80.0%", "三星"),
        ("东风村党支部", "110101199003071234", "88", "100.0%", "二星"),
        ("青山村党支部", "110101199003075678", "", "50.0%", "一星")]


class Host(QWidget, MessageHost):
    def __init__(self, db):
        super().__init__()
        self.db = db
        self.current_dialog = None


@pytest.fixture
def view(qtbot):
    model = QStandardItemModel(0, 5)
    model.setHorizontalHeaderLabels(["党组织", "身份证号", "总分", "出席率", "等次"])
    for row in ROWS:
        model.appendRow([QStandardItem(v) for v in row])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    v = QTableView()
    qtbot.addWidget(v)
    v.setModel(proxy)
    v._keep = (model, proxy)
    v.setSortingEnabled(True)
    v.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # the clerk sorted by 出席率
    v.setColumnHidden(4, True)
    return v


def test_the_table_is_taken_as_shown(view):
    t = table_of_view(view, "测试")
    assert [c.label for c in t.columns] == ["党组织", "身份证号", "总分", "出席率"]
    assert [c.kind for c in t.columns] == [TEXT, EXACT, NUMBER, PERCENT]
    shown = [view.model().index(r, 0).data() for r in range(3)]  # as sorted on screen (texts: 80% > 50% > 100%)
    assert [r[0] for r in t.rows] == shown == ["红星村党支部", "青山村党支部", "东风村党支部"]
    assert t.rows[0][2:] == [92.5, 0.8] and t.rows[1][2] is None and t.rows[2][2:] == [88, 1.0]


def test_saved_through_the_shared_writer_with_the_actions_on_the_context_menu(view, qtbot, db, tmp_path):
    host = Host(db)
    qtbot.addWidget(host)
    actions = add_table_export(view, host, "测试表")
    assert [a.text() for a in view.actions()] == ["导出 Excel…", "打印/PDF…"] == [a.text() for a in actions]
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    q = save_view_table(host, table_of_view(view, "测试表", unit="测试镇党委", at="2026年度"), tmp_path / "t.xlsx")
    qtbot.waitUntil(lambda: not q.running, timeout=20000)
    ws = load_workbook(tmp_path / "t.xlsx").worksheets[0]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert ws["A1"].value == "测试表" and ws.freeze_panes == "A4"
    assert rows[0][:3] == ("红星村党支部", "11010119900307777X", 92.5) and rows[2][2] == 88
    assert ws["B4"].data_type == "s" and ws["D4"].number_format == "0.0%"
    actions[0].trigger()  # the dialog opens without blocking, named after the table
    assert host.current_dialog is not None and host.current_dialog.defaultSuffix() == "xlsx"
    host.current_dialog.close()


def test_a_row_models_texts_are_made_in_the_background_once_the_file_is_chosen(qtbot, db, tmp_path):
    """A county's 党费 ledger (30,000 rows) took 1.5 s on the GUI thread before the file dialog
    opened: a RowModel's rows are taken as sorted and their texts made off the GUI thread."""
    import threading

    from dangjian_desktop.gui.kit.operations import bus_for
    from dangjian_desktop.gui.kit.row_model import Col as ShownCol, RowModel

    gui = threading.current_thread()
    made_on: list[threading.Thread] = []

    def amount(row):
        made_on.append(threading.current_thread())
        return row["amount"]

    model = RowModel([ShownCol("姓名", "name", name=True), ShownCol("金额", amount), ShownCol("备注", "note")])
    model.set_rows([{"name": f"党员{n}", "amount": n, "note": "按月"} for n in range(500)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    view.setColumnHidden(2, True)
    host = Host(db)
    qtbot.addWidget(host)
    made_on.clear()
    add_table_export(view, host, "党费")[0].trigger()
    dlg = host.current_dialog
    assert dlg is not None and gui not in made_on  # no row's text made before the file is chosen
    dlg.fileSelected.emit(str(tmp_path / "dues.xlsx"))
    assert bus_for(db).busy
    assert bus_for(db).wait_idle(20000)
    assert len(made_on) == 500 and gui not in made_on  # every row's, in the background
    dlg.close()
    ws = load_workbook(tmp_path / "dues.xlsx").worksheets[0]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert ws.cell(3, 1).value == "姓名" and ws.cell(3, 3).value is None  # the hidden column left out
    assert rows[0] == ("党员499", 499) and rows[-1] == ("党员0", 0) and len(rows) == 500  # as sorted on screen
