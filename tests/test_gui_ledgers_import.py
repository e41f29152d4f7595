"""导入 Excel on the 台账 page's record ledgers through the real widgets (pytest-qt, offscreen): the
button opens a file dialog, a file with errors writes nothing and lists every problem in a
window that saves the list as Excel, a list exported from the table as shown (导出 Excel) reads
back as the records already kept, and records deleted come back from it."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QFileDialog

from dangjian_desktop import dates
from dangjian_desktop.ledgers import records

from ledgers_gui_util import ledgers_page, show_panel

pytestmark = pytest.mark.gui

YEAR = dates.today().year
PIPELINE, TRAINING, TALKS = 1, 2, 5  # tab indexes


@pytest.fixture
def page(qtbot, demo_town):
    with ledgers_page(qtbot, demo_town) as p:
        yield p


def show(qtbot, p, index: int):
    return show_panel(qtbot, p, index)


def imported(qtbot, panel, path):
    """Import `path` as a clerk does: the button, then the file chosen in the dialog."""
    panel.buttons["导入 Excel"].click()
    dlg = panel.page.current_dialog
    assert isinstance(dlg, QFileDialog) and dlg.fileMode() == QFileDialog.FileMode.ExistingFile
    with qtbot.waitSignal(panel.importer.imported, timeout=20000) as got:
        dlg.fileSelected.emit(str(path))
    dlg.close()
    return got.args[0]


def test_a_file_with_errors_lists_them_all_and_writes_nothing(qtbot, page, tmp_path):
    panel = show(qtbot, page, TRAINING)
    assert panel.buttons["导入 Excel"].toolTip().startswith("每行一条记录")
    name = page.db.scalar("SELECT name FROM member WHERE status = '正常' ORDER BY name_pinyin LIMIT 1")
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "培训日期", "培训内容", "学时"])
    ws.append([name, f"{YEAR}-01-02", "党章", 2])         # good
    ws.append(["查无此人", f"{YEAR}-01-02", "党章", 2])     # no such member
    ws.append([name, "某天", "党章", 2])                    # no date
    ws.append([name, f"{YEAR}-01-03", "党章", "两"])        # hours not a number
    wb.save(tmp_path / "bad.xlsx")
    before = page.db.scalar("SELECT count(*) FROM training_record")
    report = imported(qtbot, panel, tmp_path / "bad.xlsx")
    assert not report.written and page.db.scalar("SELECT count(*) FROM training_record") == before
    dlg = panel.importer.errors_dialog
    assert dlg is not None and dlg.isVisible() and "未导入任何数据" in dlg.summary.text()
    shown = [[dlg.view.model().index(r, c).data() for c in (1, 2, 5)] for r in range(dlg.view.model().rowCount())]
    assert [s[:2] for s in shown] == [["3", "A"], ["4", "B"], ["5", "D"]]
    assert "没有名为“查无此人”的党员" in shown[0][2] and "学时“两”应为数字" in shown[2][2]
    with qtbot.waitSignal(page.exported, timeout=20000) as saved:
        dlg.save(str(tmp_path / "errors.xlsx"))
    assert load_workbook(saved.args[0]).sheetnames[0] == "错误清单"
    dlg.close()
    qtbot.waitUntil(lambda: panel.importer.errors_dialog is None)


def test_the_table_exported_as_shown_reads_back_and_restores_deleted_records(qtbot, page, tmp_path):
    from dangjian_desktop.gui.table_export import table_of_view
    from dangjian_desktop.tables import save_tables

    panel = show(qtbot, page, TALKS)
    rows = panel.model.rowCount()
    assert rows > 2
    # What 导出 Excel writes: the table as shown, dates as 2026年3月1日.
    path = save_tables([table_of_view(panel.view, panel.export_title())], tmp_path / "talks.xlsx")
    report = imported(qtbot, panel, path)
    assert report.ok and report.unchanged == rows and report.added == 0 and not report.written
    assert "都已登记" in page.current_message.text()
    page.current_message.close()
    gone = records.talks(page.db, YEAR)[:2]
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        for r in gone:
            records.remove_record(page.db, "talk_record", r["id"])
    assert panel.model.rowCount() == rows - 2
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        report = imported(qtbot, panel, path)
    assert report.written and report.added == 2 and panel.model.rowCount() == rows
    assert "新增 2 条" in page.current_message.text()
    back = {(r["org_id"], r["date"], r["topic"], r["participants"]) for r in records.talks(page.db, YEAR)}
    assert {(r["org_id"], r["date"], r["topic"], r["participants"]) for r in gone} <= back


def test_the_template_from_the_export_menu(qtbot, page, tmp_path):
    panel = show(qtbot, page, TRAINING)
    action = next(a for a in panel.export_button.menu().actions() if a.text() == "保存导入模板…")
    action.trigger()
    dlg = page.current_dialog
    assert isinstance(dlg, QFileDialog)
    with qtbot.waitSignal(page.exported, timeout=20000) as saved:
        dlg.fileSelected.emit(str(tmp_path / "模板.xlsx"))
    dlg.close()
    assert "*学时" in [c.value for c in load_workbook(saved.args[0]).active[2]]
    # The other ledgers without an import have no such button.
    assert "导入 Excel" not in page.panels[6].buttons


def test_the_pipeline_shown_reads_back_unchanged(qtbot, page, tmp_path):
    from dangjian_desktop.gui.table_export import table_of_view
    from dangjian_desktop.tables import save_tables

    panel = show(qtbot, page, PIPELINE)
    assert panel.buttons["导入 Excel"].text() == "导入 Excel(&R)…"  # &I stays 入党介绍人
    rows = panel.model.rowCount()
    assert rows > 2
    path = save_tables([table_of_view(panel.view, panel.export_title())], tmp_path / "pipeline.xlsx")
    report = imported(qtbot, panel, path)
    assert report.ok and report.unchanged == rows and not report.written, report.to_text()
    page.current_message.close()
