"""Small things a clerk sees: a 乡镇 column holding one town is hidden; score spin boxes write '2 分'
(not '2.00 分'); Qt's own dialogs and buttons are in Chinese."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

pytestmark = pytest.mark.gui


def test_a_column_holding_one_value_is_hidden_until_the_values_differ(qtbot):
    from dangjian_desktop.gui.table_columns import hide_when_uniform

    model = QStandardItemModel(0, 2)
    for town, branch in (("文城镇", "东岭村党支部"), ("文城镇", "西岭村党支部")):
        model.appendRow([QStandardItem(town), QStandardItem(branch)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    hide_when_uniform(view, 0)
    assert view.isColumnHidden(0) and not view.isColumnHidden(1)
    model.appendRow([QStandardItem("河湾镇"), QStandardItem("河湾村党支部")])
    assert not view.isColumnHidden(0)
    model.item(2, 0).setText("文城镇")  # edited back: one town again
    assert view.isColumnHidden(0)
    model.removeRows(0, model.rowCount())
    assert view.isColumnHidden(0)


def test_reports_tab_hides_the_town_column_of_a_town_database(qtbot, db):
    from assessment_util import add_branches, new_round

    from dangjian_desktop.gui.reports.page import ReportsTab

    add_branches(db)
    new_round(db, "chuangxing")
    tab = ReportsTab()
    qtbot.addWidget(tab)
    tab.set_database(db)
    qtbot.waitUntil(lambda: tab.results.model.rowCount() > 0, timeout=15000)
    assert tab.results.model.headerData(0, Qt.Orientation.Horizontal) == "乡镇"
    assert tab.results.view.isColumnHidden(0)
    assert not tab.results.view.isColumnHidden(1)  # 党组织
    tab.set_database(None)


def test_county_results_keep_the_town_column(qtbot, tmp_path):
    from assessment_util import county_db, new_round

    from dangjian_desktop.gui.reports.page import ReportsTab

    db = county_db(tmp_path / "county.sqlite", ["文城镇", "河湾镇"], per_town=2)
    try:
        new_round(db, "chuangxing")
        tab = ReportsTab()
        qtbot.addWidget(tab)
        tab.set_database(db)
        qtbot.waitUntil(lambda: tab.results.model.rowCount() == 4, timeout=15000)
        assert not tab.results.view.isColumnHidden(0)
        tab.set_database(None)
    finally:
        db.close()


def test_points_spin_boxes_write_scores_without_trailing_zeros(qtbot):
    from dangjian_desktop.gui.forms import load_form
    from dangjian_desktop.gui.score_spin import ScoreSpinBox

    form = load_form("points_item_dialog.ui")
    qtbot.addWidget(form)
    spin = form.pointsSpin
    assert isinstance(spin, ScoreSpinBox) and isinstance(form.capSpin, ScoreSpinBox)
    assert spin.text() == "2 分"  # was '2.00 分'
    for value, text in ((0.5, "0.5 分"), (12.25, "12.25 分"), (10, "10 分")):
        spin.setValue(value)
        assert spin.text() == text
    spin.lineEdit().setText("7.5 分")  # what the clerk types is read back exactly
    spin.interpretText()
    assert spin.value() == 7.5
    entry = load_form("points_entry_dialog.ui")
    qtbot.addWidget(entry)
    assert isinstance(entry.pointsSpin, ScoreSpinBox)


TRANSLATION_PROBE = r"""
import json
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel
from dangjian_desktop.gui.app import create_app
app = create_app()
box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
dialog = QFileDialog(None, "打开", ".")
dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
dialog.show(); app.processEvents()
labels = [l.text() for l in dialog.findChildren(QLabel) if l.isVisible() and l.text()]
from PySide6.QtCore import QCoreApplication
print(json.dumps({"translators": len(app.findChildren(QTranslator)),
                  "buttons": sorted(b.text() for b in box.buttons()),
                  "labels": labels,
                  "folder": QCoreApplication.translate("QAbstractFileIconProvider", "Folder"),
                  "untouched": QCoreApplication.translate("QAbstractFileIconProvider", "no such text")},
                 ensure_ascii=False))
"""


def test_qt_standard_dialogs_and_buttons_are_chinese():
    done = subprocess.run([sys.executable, "-c", TRANSLATION_PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["translators"] >= 2  # Qt's qtbase_zh_CN (shipped in the PySide6 wheel) and our supplement
    assert out["buttons"] == ["取消", "确定"]
    assert "查找范围(&L)：" in out["labels"] and "文件类型(&T)：" in out["labels"]
    english = [t for t in out["labels"] if re.search(r"[A-Za-z]", re.sub(r"\(&[A-Z]\)", "", t))]
    assert not english
    assert out["folder"] == "文件夹"
    assert out["untouched"] == "no such text"  # everything else falls through to Qt's catalogue
