"""The 花名册 import wizard, the export and template dialogs (real widgets, offscreen)."""

from __future__ import annotations

import time

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QFileDialog, QMessageBox, QPushButton

from dangjian_desktop.gui.roster import runner
from dangjian_desktop.gui.roster.check_page import ERRORS
from dangjian_desktop.gui.roster.dialogs import export_roster_dialog, save_template_dialog
from dangjian_desktop.gui.roster.wizard import RosterImportWizard
from dangjian_desktop.roster import import_roster
from dangjian_desktop.roster import importer as importer_mod
from dangjian_desktop.roster import writing as writing_mod

from roster_util import HEADER, add_branches, member_count, person, write_roster

pytestmark = pytest.mark.gui


@pytest.fixture
def town(db):
    add_branches(db, "红星村党支部", "东风村党支部")
    return db


@pytest.fixture
def wizard(qtbot, town):
    w = RosterImportWizard(town)
    qtbot.addWidget(w)
    w.show()
    return w


def close_message_boxes():
    texts = []
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            texts.append(w.text())
            w.done(0)  # close() is refused by a box whose buttons include none to escape with
    return texts


def go_to_check(qtbot, wizard, path):
    wizard.set_file(path)
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    wizard.next()
    assert wizard.currentPage() is wizard.check_page
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    return wizard.check_page.report


def test_choose_file_preview_check_and_import(qtbot, wizard, town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 4)])
    report = go_to_check(qtbot, wizard, path)
    assert report.ok and report.added == 3 and member_count(town) == 0
    assert wizard.check_page.isComplete()
    with qtbot.waitSignal(wizard.imported, timeout=10000) as sig:
        wizard.next()
        assert wizard.currentPage() is wizard.import_page
    assert sig.args[0].written and member_count(town) == 3
    assert wizard.counts == {"added": 3, "updated": 0, "created_orgs": 0}
    qtbot.waitUntil(lambda: wizard.import_page.isComplete())
    with qtbot.waitSignal(wizard.finished) as done:
        wizard.next() if wizard.currentPage().nextId() != -1 else wizard.accept()
    assert done.args[0] == QDialog.DialogCode.Accepted


def test_preview_shows_the_header_and_a_combo_per_column(qtbot, wizard, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1)])
    wizard.set_file(path)
    wizard.next()
    page = wizard.mapping_page
    assert "表头在第 3 行" in page.info.text()
    combos = [page.table.cellWidget(0, i) for i in range(len(HEADER))]
    assert all(isinstance(c, QComboBox) for c in combos)
    assert [c.currentText() for c in combos] == HEADER
    assert page.table.item(1, 1).text() == "姓名" and page.table.item(2, 4).text() == person(1)[4]


def test_the_user_maps_an_unknown_column(qtbot, wizard, town, tmp_path):
    header = ["号码" if h == "身份证号" else h for h in HEADER]
    path = write_roster(tmp_path / "r.xlsx", [person(1)], header=header)
    wizard.set_file(path)
    wizard.next()
    page = wizard.mapping_page
    assert not page.isComplete() or page.previews[0].layout.column_for("id_number") is None
    combo = page.table.cellWidget(0, 4)
    combo.setCurrentIndex(combo.findData("id_number"))
    qtbot.waitUntil(lambda: page.table.cellWidget(0, 4) is not combo)
    assert page.table.cellWidget(0, 4).currentData() == "id_number"
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    assert wizard.check_page.report.ok and wizard.check_page.report.added == 1


def test_errors_are_listed_sortable_and_saved_highlighted(qtbot, wizard, town, tmp_path, monkeypatch):
    path = write_roster(tmp_path / "r.xlsx", [person(1), person(2, category="党员"), person(3, joined="98.7.1")])
    report = go_to_check(qtbot, wizard, path)
    page = wizard.check_page
    assert len(report.errors) == 2 and not page.isComplete()
    view = page.error_view
    model = view.model()
    assert model.rowCount() == 2
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 1).data() for r in range(2)] == ["6", "5"]
    assert model.index(0, 5).data().startswith("入党日期")
    target = tmp_path / "错误报告.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.save_button.click()
    assert "已保存" in close_message_boxes()[0]
    assert load_workbook(target).sheetnames[0] == "错误清单"
    assert member_count(town) == 0


def test_a_registered_id_number_under_another_name_is_an_error_in_the_check(qtbot, wizard, town, tmp_path):
    import_roster(town, write_roster(tmp_path / "a.xlsx", [person(1, name="张三")]))
    wizard.file_page.update_check.setChecked(True)
    report = go_to_check(qtbot, wizard, write_roster(tmp_path / "b.xlsx", [person(1, name="李四")]))
    page = wizard.check_page
    assert len(report.errors) == 1 and not page.isComplete()
    assert page.tabs.currentIndex() == ERRORS and page.tabs.tabText(ERRORS) == "错误（1）"
    model = page.error_view.model()
    assert model.index(0, 1).data() == "4"
    assert "已登记党员张三" in model.index(0, 5).data() and "李四" in model.index(0, 5).data()
    assert town.scalar("SELECT name FROM member") == "张三"


def test_cancelling_the_import_writes_nothing(qtbot, wizard, town, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "STEP_ROWS", 5)
    monkeypatch.setattr(writing_mod, "BATCH", 10)
    page = wizard.import_page
    # The import runs on the thread pool: from its 30th row on it waits for the clerk's 取消, so the
    # test cancels it mid-way however fast the machine is (by then 20 rows are written in its unit of work).
    import_row = importer_mod.RosterImport._import_row

    def held(run, st, n, row):
        if not run.opts.dry_run and run.report.rows >= 30:
            assert page.run.cancel_requested.wait(10)
        import_row(run, st, n, row)

    monkeypatch.setattr(importer_mod.RosterImport, "_import_row", held)
    path = write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 90)])
    go_to_check(qtbot, wizard, path)
    wizard.next()
    qtbot.waitUntil(lambda: page.bar.value() > 0)
    assert page.running
    with qtbot.waitSignal(wizard.rejected):
        wizard.reject()
    assert page.report.cancelled and not page.report.written
    assert member_count(town) == 0 and not town.conn.in_transaction
    assert wizard.result() == QDialog.DialogCode.Rejected


def test_nothing_to_import_disables_the_import_button(qtbot, wizard, town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1)])
    importer_mod.import_roster(town, path)
    report = go_to_check(qtbot, wizard, path)
    assert report.ok and report.unchanged == 1
    assert not wizard.check_page.isComplete()
    assert "没有需要导入的内容" in wizard.check_page.status.text()


def test_default_branch_for_a_file_that_names_none(qtbot, town, tmp_path):
    branch = town.scalar("SELECT id FROM org WHERE name = '东风村党支部'")
    w = RosterImportWizard(town, default_org_id=branch)
    qtbot.addWidget(w)
    w.show()
    path = write_roster(tmp_path / "r.xlsx", [person(1)[:-1]], header=HEADER[:-1], sheet="Sheet1", unit_line=None)
    w.set_file(path)
    w.next()
    assert "东风村党支部" in w.mapping_page.info.text() and "所选党支部" in w.mapping_page.info.text()
    w.next()
    qtbot.waitUntil(lambda: w.check_page.report is not None, timeout=10000)
    with qtbot.waitSignal(w.imported, timeout=10000):
        w.next()
    assert town.scalar("SELECT org_id FROM member") == branch


def test_export_dialog_writes_the_roster(qtbot, town, tmp_path, monkeypatch):
    importer_mod.import_roster(town, write_roster(tmp_path / "r.xlsx", [person(1), person(2)]))
    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target)[:-5], ""))
    query = export_roster_dialog(None, town)
    assert query.task is not None  # in the background: the window stays responsive
    qtbot.waitUntil(lambda: not query.running, timeout=10000)
    assert query.result == 2
    assert "已导出 2 名党员" in close_message_boxes()[0]
    assert load_workbook(target).active.max_row == 5


def test_export_dialog_shows_progress_and_can_be_cancelled(qtbot, town, tmp_path, monkeypatch):
    from dangjian_desktop.gui.roster import dialogs
    from dangjian_desktop.roster.export import ExportCancelled

    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    calls = []

    def slow_export(db, path, *, progress, cancel, **kw):
        for done in range(0, 100000, 500):
            progress(done, 100000)
            if cancel():
                calls.append(done)
                raise ExportCancelled()
            time.sleep(0.01)  # the export's pace, on its pool thread
        raise AssertionError("never cancelled")

    monkeypatch.setattr(dialogs, "export_roster", slow_export)
    query = export_roster_dialog(None, town)
    qtbot.waitUntil(lambda: query.task is not None and query.task.progress_dialog is not None
                    and "已写入" in query.task.progress_dialog.labelText(), timeout=5000)
    assert "正在导出花名册" in query.task.progress_dialog.labelText()
    button = next(b for b in query.task.progress_dialog.findChildren(QPushButton) if b.text() == "取消")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not query.running, timeout=10000)
    assert calls and isinstance(query.error, ExportCancelled)
    assert close_message_boxes() == []  # cancelling says nothing more
    assert not target.exists()


def test_template_dialog_lists_the_branches(qtbot, town, tmp_path, monkeypatch):
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert save_template_dialog(None, town) == target
    close_message_boxes()
    codes = load_workbook(target)["代码表"]
    column = next(c.column_letter for c in codes[1] if c.value == "所在党支部")
    assert [c.value for c in codes[column] if c.value] == ["所在党支部", "红星村党支部", "东风村党支部"]


def test_the_preview_says_how_an_ambiguous_column_was_read(qtbot, wizard, town, tmp_path):
    from test_roster_real_offices import NATIONAL, national_row

    path = write_roster(tmp_path / "r.xlsx", [national_row(1, "正式党员"), national_row(2, "预备党员")],
                        header=NATIONAL)
    wizard.set_file(path)
    wizard.next()
    page = wizard.mapping_page
    column = NATIONAL.index("人员类别")
    combo = page.table.cellWidget(0, column)
    assert combo.currentText() == "党员类别"
    assert "正式党员、预备党员" in combo.toolTip()
    assert page.readings.isVisibleTo(page)
    assert "列G“人员类别”的内容是正式党员、预备党员，按“党员类别”（正式/预备）导入" in page.readings.text()
    assert "没有“人员类别（职业类别）”“工作岗位”列" in page.readings.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    report = wizard.check_page.report
    assert report.ok and report.added == 2, report.to_text()


def test_the_files_own_texts_show_as_written_never_as_markup(qtbot, wizard, town, tmp_path):
    """A column header, a sheet's texts and a problem's cell come from the Excel file: shown literally."""
    from test_gui_plain_text import shown, shown_label
    from test_roster_real_offices import NATIONAL, national_row

    from dangjian_desktop.roster import Problem

    tagged = "<b>人员类别</b><img src='x.png'>"
    header = [tagged if h == "人员类别" else h for h in NATIONAL]
    path = write_roster(tmp_path / "r.xlsx", [national_row(1, "正式党员"), national_row(2, "预备党员")],
                        header=header)
    wizard.set_file(path)
    wizard.next()
    page = wizard.mapping_page
    combo = page.table.cellWidget(0, header.index(tagged))
    assert f"“{tagged}”" in shown(combo.toolTip())
    assert tagged in shown_label(page.readings)
    for label in (page.info, page.readings, page.error, wizard.check_page.status):
        assert label.textFormat() == Qt.TextFormat.PlainText
    model = wizard.check_page.error_model
    problem = Problem(sheet="花名册", row=4, column="G", header=tagged, value="<i>党员</i>", problem="不认识的类别")
    model.set_problems([problem])
    tips = [model.data(model.index(0, c), Qt.ItemDataRole.ToolTipRole) for c in range(model.columnCount())]
    assert tagged in [shown(t) for t in tips] and "<i>党员</i>" in [shown(t) for t in tips]
