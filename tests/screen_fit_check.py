"""Opens the main window and every dialog on one (offscreen) screen and reports what does not fit.

Run in its own process, because the offscreen platform's screen is chosen when Qt starts:

    QT_QPA_PLATFORM="offscreen:configfile=screen.json" python tests/screen_fit_check.py DB SETTINGS OUT [SHOTS]

DB is a demo town database (written to: some dialogs need a sheet in a given state). OUT receives
JSON: {"screen": [w, h], "checked": [names], "problems": [texts], "member_rows": n}. With SHOTS, a
screenshot of the main window and of each dialog is saved in that folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QApplication, QLabel, QWidget


def _inside(outer: QRect, inner: QRect) -> bool:
    return outer.contains(inner)


def check_window(name: str, w: QWidget, problems: list[str]) -> None:
    avail = w.screen().availableGeometry()
    frame = w.frameGeometry()
    if not _inside(avail, frame):
        problems.append(f"{name}: frame {frame.getRect()} outside the available {avail.getRect()}")
    hint = w.minimumSizeHint()
    if w.width() < hint.width() or w.height() < hint.height():
        problems.append(f"{name}: {w.width()}x{w.height()} squeezed below its minimum {hint.width()}x{hint.height()}")
    # The general error line and the buttons are inside the window, never cut off or scrolled away.
    rect = w.rect()
    for child in w.findChildren(QWidget):
        general = isinstance(child, QLabel) and child.objectName() in ("formError", "errorLabel")
        if not (general or child.objectName() == "buttonBox") or not child.isVisible():
            continue
        box = QRect(child.mapTo(w, child.rect().topLeft()), child.size())
        if not _inside(rect, box):
            problems.append(f"{name}: {child.objectName()} at {box.getRect()} is cut off (window {rect.getRect()})")
        if child.height() < child.minimumSizeHint().height():
            problems.append(f"{name}: {child.objectName()} squeezed to {child.height()} px")


def _show_errors(wrapper, dialog, press_ok: bool) -> None:
    """Show the dialog's error lines: OK pressed on an empty form (refused), and a long general error."""
    if press_ok:
        wrapper.ok_button.click()
    for lbl in dialog.findChildren(QLabel):
        if lbl.objectName() in ("formError", "errorLabel"):
            lbl.setText("这是一条很长的错误说明，用来检查错误提示行在窗口里是否完整显示，没有被截掉。" * 2)
            lbl.setVisible(True)


def dialogs(db, win):
    """(name, factory) of every dialog the app opens; each factory returns (wrapper, top-level dialog)."""
    from dangjian_desktop.assessment import rectification as rect_api
    from dangjian_desktop.assessment import sheets as sh
    from dangjian_desktop.gui.assessment import holidays, round_dialogs, sheet_dialogs
    from dangjian_desktop.gui.points import dialogs as pd
    from dangjian_desktop.gui.points.stars_sheet import StarsSheetDialog
    from dangjian_desktop.gui.registry import history_dialog, member_dialogs, org_dialogs, status_dialogs, term_dialogs
    from dangjian_desktop.gui.reports import dialogs as rd
    from dangjian_desktop.gui.backup_dialog import BackupDialog
    from dangjian_desktop.gui.data_check import ChangeHistoryDialog
    from dangjian_desktop.gui.dialogs import NewDatabaseDialog
    from dangjian_desktop.gui.guide_window import GuideWindow
    from dangjian_desktop.gui.roster.wizard import RosterImportWizard
    from dangjian_desktop.gui.settings_dialog import SettingsDialog

    office = db.local_office_id
    branch = db.query("SELECT o.id, o.name FROM org o WHERE o.org_type = '党支部' AND EXISTS "
                      "(SELECT 1 FROM org g WHERE g.parent_id = o.id AND g.org_type = '党小组') "
                      "ORDER BY o.sort_order LIMIT 1")[0]
    group = db.scalar("SELECT id FROM org WHERE parent_id = ? AND org_type = '党小组'", (branch["id"],))
    member = db.query("SELECT id, name FROM member WHERE org_id = ? AND status = '正常' LIMIT 1", (branch["id"],))[0]
    year = db.scalar("SELECT max(year) FROM assessment_round")
    rnd = db.scalar("SELECT id FROM assessment_round WHERE year = ?", (year,))
    points_year = db.scalar("SELECT max(year) FROM points_entry") or year

    def sheet_in(state: str):
        sid = db.scalar("SELECT id FROM round_branch WHERE state = ? LIMIT 1", (state,))
        return sh.open_sheet(db, sid)

    rects = rect_api.list_rectifications(db)
    open_rect = next(r for r in rects if r.closed_on is None)
    p = win  # every dialog opens over the main window, as in the app

    def wrapped(obj):
        return obj, getattr(obj, "dialog", obj)

    return [
        ("新建数据库", lambda: wrapped(NewDatabaseDialog(p))),
        ("设置", lambda: wrapped(SettingsDialog(db, p))),
        ("花名册导入向导", lambda: wrapped(RosterImportWizard(db, p))),
        ("新增组织", lambda: wrapped(org_dialogs.OrgDialog(db, p, parent_id=branch["id"]))),
        ("编辑组织", lambda: wrapped(org_dialogs.OrgDialog(db, p, org_id=branch["id"]))),
        ("新增党员", lambda: wrapped(member_dialogs.MemberDialog(db, p, org_id=branch["id"]))),  # OK refused: errors
        ("编辑党员", lambda: wrapped(member_dialogs.MemberDialog(db, p, member_id=member["id"]))),
        ("换届", lambda: wrapped(term_dialogs.TermDialog(db, p, org_id=branch["id"]))),
        ("延期换届", lambda: wrapped(term_dialogs.TermDialog(db, p, org_id=branch["id"], extend=True))),
        ("任命支委", lambda: wrapped(term_dialogs.CommitteeMemberDialog(db, p, org_id=branch["id"]))),
        ("党籍变动", lambda: wrapped(status_dialogs.StatusDialog(db, p, member_id=member["id"]))),
        ("设定组长", lambda: wrapped(org_dialogs.GroupLeaderDialog(db, p, group_id=group))),
        ("转接", lambda: wrapped(status_dialogs.TransferDialog(db, p, member_id=member["id"]))),
        ("删除党员", lambda: wrapped(status_dialogs.RemoveMemberDialog(db, member["id"], p))),
        ("变动历史", lambda: wrapped(history_dialog.HistoryDialog(db, member["id"], p))),
        ("积分细则", lambda: wrapped(pd.ItemDialog(db, office, points_year, p))),
        ("积分登记", lambda: wrapped(pd.EntryDialog(db, office, points_year, [(member["id"], member["name"])], p))),
        ("免评", lambda: wrapped(pd.ExemptionDialog(db, points_year, member["id"], member["name"], p))),
        ("锁定年度", lambda: wrapped(pd.LockDialog(db, office, points_year, unlock=False, parent=p))),
        ("民主评议", lambda: wrapped(pd.ReviewDialog(db, points_year, branch["id"], branch["name"], p))),
        ("星级党员公示", lambda: wrapped(StarsSheetDialog(db, points_year, branch["id"], branch["name"], p))),
        ("新建考核轮次", lambda: wrapped(round_dialogs.NewRoundDialog(db, p))),
        ("节假日", lambda: wrapped(holidays.HolidayDialog(db, p))),
        ("抽签交叉考核", lambda: wrapped(round_dialogs.DrawLotsDialog(db, rnd, p))),
        ("流程", lambda: wrapped(sheet_dialogs.MoveDialog(db, sheet_in("自评"), "初审", "提交初审", p))),
        ("申诉", lambda: wrapped(sheet_dialogs.AppealDialog(db, sheet_in("公示"), p))),
        ("处理申诉", lambda: wrapped(sheet_dialogs.ResolveAppealDialog(db, sheet_in("申诉"), p))),
        ("调整分数", lambda: wrapped(sheet_dialogs.AdjustmentDialog(db, sheet_in("确定"), item=sheet_in("确定").items[0],
                                                                 parent=p))),
        ("否决项", lambda: wrapped(sheet_dialogs.VetoDialog(db, sheet_in("自评"), sheet_in("自评").vetoes[0], p))),
        ("整改事项", lambda: wrapped(rd.RectificationDialog(db, p, round_id=rnd, org_id=branch["id"]))),
        ("整改销号", lambda: wrapped(rd.CloseRectificationDialog(db, open_rect, p))),
        ("备份与恢复", lambda: wrapped(BackupDialog(p))),
        ("修改记录", lambda: wrapped(ChangeHistoryDialog(db, "member", member["id"], member["name"], p))),
        ("使用说明", lambda: wrapped(GuideWindow())),
    ]


def main(argv: list[str]) -> int:
    db_path, settings_path, out = argv[1], argv[2], Path(argv[3])
    shots = Path(argv[4]) if len(argv) > 4 else None
    from dangjian_desktop.gui.app import create_app
    from dangjian_desktop.gui.main_window import MainWindow

    app = create_app()
    problems: list[str] = []
    checked: list[str] = []
    win = MainWindow(Path(db_path), settings=QSettings(settings_path, QSettings.Format.IniFormat))
    win.show()
    for _ in range(3):
        app.processEvents()
    check_window("主窗口", win, problems)
    checked.append("主窗口")
    view = win.registry_tab.members.view
    member_rows = view.viewport().height() // view.verticalHeader().defaultSectionSize()
    if shots:
        for i in range(win.tabs.count()):
            win.tabs.setCurrentIndex(i)
            app.processEvents()
            win.grab().save(str(shots / f"main-{i}.png"))
        win.tabs.setCurrentIndex(0)
    for name, factory in dialogs(win.db, win):
        wrapper, dialog = factory()
        dialog.show()
        app.processEvents()
        _show_errors(wrapper, dialog, press_ok=name == "新增党员")
        for _ in range(3):
            app.processEvents()
        check_window(name, dialog, problems)
        checked.append(name)
        if shots:
            dialog.grab().save(str(shots / f"{len(checked):02d}-{name}.png"))
        dialog.hide()
        dialog.deleteLater()
        app.processEvents()
    win.close()
    screen = app.primaryScreen().availableGeometry()
    out.write_text(json.dumps({"screen": [screen.width(), screen.height()], "checked": checked,
                               "problems": problems, "member_rows": member_rows}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
