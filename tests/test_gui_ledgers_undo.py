"""编辑 → 撤销 after a change made on the 台账 tab (pytest-qt, offscreen, in the main window): a
payment entered through its dialog and a deleted training record are taken back."""

from __future__ import annotations

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import QSettings

from dangjian_desktop import dates
from dangjian_desktop.ledgers import dues, records
from dangjian_desktop.registry import add_member, add_org, idcard

pytestmark = pytest.mark.gui

YEAR = dates.today().year


@pytest.fixture
def window(qtbot, db, db_path, tmp_path):
    from dangjian_desktop.gui.main_window import MainWindow

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "张伟", "id_number": idcard.make("140826", dt.date(1980, 5, 6), 11, True),
                          "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}, org_id=branch)
    dues.set_base(db, mid, YEAR, base=3000, rate_class="在职", fixed_on=f"{YEAR}-01-02")
    records.add_training(db, [mid], date=f"{YEAR}-01-10", kind="专题学习", content="党章学习", hours=4)
    db.close()
    win = MainWindow(db_path, settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    page = win.ledgers_tab
    win.tabs.setCurrentWidget(page)
    yield win, page, mid
    for box in (page.current_message, win.undo_menu.message_box):
        if box is not None and shiboken6.isValid(box):
            box.close()
    win.close_database()


def test_a_payment_entered_on_the_ledger_tab_is_undone(qtbot, window):
    win, page, mid = window
    panel = page.panels[0]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=20000)
    panel.view.setCurrentIndex(panel.model.index(0, 1))
    panel.pay()
    dlg = page.current_dialog
    dlg.w("months").setText("1-3")
    dlg.ok_button.click()
    assert len(dues.payments(win.db, mid, YEAR)) == 1
    undo = win.undo_menu.action_undo
    assert undo.isEnabled() and undo.text() == "撤销 登记党费 张伟"
    undo.trigger()
    qtbot.waitUntil(lambda: not dues.payments(win.db, mid, YEAR))


def test_a_deleted_training_record_comes_back_on_undo(qtbot, window):
    win, page, mid = window
    from dangjian_desktop.gui.ledgers.panels import TrainingPanel

    index = next(i for i, p in enumerate(page.panels) if isinstance(p, TrainingPanel))
    panel = page.panels[index]
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        page.tabs.setCurrentIndex(index)
    assert panel.model.rowCount() == 1
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    panel.delete()
    box = page.current_message
    yes = next(b for b in box.buttons() if b.text() == "删除")
    yes.click()
    assert not records.trainings(win.db, YEAR)
    win.undo_menu.action_undo.trigger()
    qtbot.waitUntil(lambda: len(records.trainings(win.db, YEAR)) == 1)
    assert records.trainings(win.db, YEAR)[0]["content"] == "党章学习"
