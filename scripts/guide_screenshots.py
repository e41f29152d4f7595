"""Rebuild the pictures of the user guide (resources/guide/images/*.png) from the real program.

Builds a demo town database (the same seed every time) in a fresh work folder, opens the main
window at 1366×768 on Qt's offscreen platform, goes to each screen and dialog the guide
shows, grabs it and saves it scaled to at most 1000 px wide as an optimised PNG. "Today" is
fixed, so rebuilding gives the same pictures for as long as the program looks the same.

    .venv/bin/python scripts/guide_screenshots.py            # into resources/guide/images
    .venv/bin/python scripts/guide_screenshots.py --out DIR  # somewhere else (tests)

The user's own data folder and settings are never touched: DANGJIAN_DATA_DIR, the XDG and
Windows profile folders and Qt's settings path point into the work folder (a fixed folder in
the system's temporary folder, emptied before and after, one run at a time) before the
program is imported.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "resources" / "guide" / "images"

#: The screen size the pictures are taken at, and the width they are scaled to.
SCREEN = (1366, 768)
MAX_WIDTH = 1000
#: The office's "today" in the pictures: December, when the yearly round is under way.
TODAY = dt.date(2026, 12, 1)
NOW = "2026-12-01T09:30:00+08:00"
SEED = 1
STARTED = time.monotonic()


def _isolate(work: Path) -> None:
    """Offscreen, and every per-user folder inside `work` (before Qt or the app is imported)."""
    # Qt's offscreen platform with one 1366×768 screen at 96 dpi: windows fit it as on a town laptop.
    screen = work / "offscreen-screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "guide", "x": 0, "y": 0, "width": SCREEN[0],
                                               "height": SCREEN[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    os.environ["DANGJIAN_DATA_DIR"] = str(work / "data")
    for var, sub in (("XDG_DATA_HOME", "xdg-data"), ("XDG_CONFIG_HOME", "xdg-config"),
                     ("XDG_CACHE_HOME", "xdg-cache"), ("HOME", "home"), ("APPDATA", "appdata"),
                     ("LOCALAPPDATA", "localappdata")):
        os.environ[var] = str(work / sub)
        (work / sub).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(work / "runtime"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _fix_clock() -> None:
    """The same 'today' and 'now' for every run (dates in tables, history and titles)."""
    from dangjian_desktop import dates
    from dangjian_desktop.db import database, lock

    dates.today = lambda: TODAY
    dates.now_iso = lambda: NOW
    database.now_iso = dates.now_iso
    lock.now_iso = dates.now_iso


class Shooter:
    """Saves grabbed widgets as scaled, optimised PNGs and remembers what it wrote."""

    def __init__(self, out: Path):
        self.out = out
        self.out.mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = []

    def save(self, name: str, widget) -> Path:
        """Grab `widget`, scale it to at most MAX_WIDTH px wide, save `name`.png (256 colours)."""
        from PIL import Image
        from PySide6.QtCore import QBuffer, QIODevice

        settle()
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        widget.grab().save(buf, "PNG")
        img = Image.open(io.BytesIO(bytes(buf.data()))).convert("RGB")
        w, h = img.size
        if w > MAX_WIDTH:
            img = img.resize((MAX_WIDTH, round(h * MAX_WIDTH / w)), Image.Resampling.LANCZOS)
        # Screens have few colours: a 256-colour palette keeps the text sharp at a quarter of the size.
        img = img.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        path = self.out / f"{name}.png"
        img.save(path, "PNG", optimize=True)
        self.written.append(path)
        print(f"{path.name}: {img.size[0]}×{img.size[1]}, {path.stat().st_size // 1024} KB, "
              f"{time.monotonic() - STARTED:.1f} s")
        return path


def settle(rounds: int = 3) -> None:
    """Let queued events, background tasks and repaints finish."""
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QThreadPool.globalInstance().waitForDone(20000)
        for _ in range(20):
            QApplication.processEvents()
        QApplication.sendPostedEvents()


def wait_drawn(widget, timeout: float = 20.0) -> None:
    """Wait until a PDF preview has drawn its first page (the pages are rendered in the background)."""
    from PySide6.QtGui import QColor

    def drawn() -> bool:
        image = widget.grab().toImage()
        w, h = image.width(), image.height()
        dark = 0
        for y in range(h // 8, h, max(1, h // 60)):
            for x in range(w // 8, w - w // 8, max(1, w // 80)):
                if QColor(image.pixel(x, y)).lightness() < 100:
                    dark += 1
        return dark >= 10

    wait_until(drawn, timeout)


def wait_until(cond, timeout: float = 20.0) -> None:
    import time

    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("the program did not reach the expected state")
        settle(1)
        time.sleep(0.01)


def build_demo(path: Path) -> None:
    """The demo town every picture of the registry, the rounds and the points is taken on."""
    from dangjian_desktop.db import Database
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    db = Database.create(path)
    try:
        init_office(db, name="演示镇", level="town")
        generate(db, seed=SEED, today=TODAY)
    finally:
        db.close()


def write_old_roster(demo: Path, path: Path) -> None:
    """Last year's roster as a clerk keeps it: a title, a 填报单位 line, one sheet per branch,
    headers in the clerk's own words, and two mistakes the import check finds."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from dangjian_desktop.db import Database

    header = ["序号", "姓名", "性别", "民族", "出生年月", "身份证号码", "文化程度", "入党时间", "转正时间",
              "党员类别", "联系电话"]
    sheets = {"东山村党支部": "南铺村党支部", "西河村党支部": "下头村党支部", "青山社区党支部": "南寨社区党支部"}
    db = Database.open(demo, mode="read")
    try:
        wb = Workbook()
        wb.remove(wb.active)
        for sheet_name, source in sheets.items():
            ws = wb.create_sheet(sheet_name)
            ws.append([f"青山镇{sheet_name}党员花名册（2025年）"])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
            ws["A1"].font = Font(size=14, bold=True)
            ws["A1"].alignment = Alignment(horizontal="center")
            ws.append([f"填报单位：青山镇{sheet_name}　　　　填报日期：2025年12月"])
            ws.append(header)
            rows = db.query("SELECT m.* FROM member m JOIN org o ON o.id = m.org_id WHERE o.name = ? "
                            "AND m.status = '正常' AND m.join_date < '2025-12' ORDER BY m.name_pinyin LIMIT 30",
                            (source,))
            for n, m in enumerate(rows, start=1):
                ws.append([n, m["name"], m["sex"], m["ethnicity"], m["birth_date"][:7].replace("-", "."),
                           m["id_number"], m["education"], m["join_date"], m["full_date"], m["category"],
                           m["phone"]])
            for col, width in zip("ABCDEFGHIJK", (5, 9, 5, 7, 9, 20, 10, 11, 11, 9, 13)):
                ws.column_dimensions[col].width = width
        first = wb[next(iter(sheets))]
        first["F6"] = first["F6"].value[:-1] + ("0" if first["F6"].value[-1] != "0" else "1")  # a wrong check digit
        first["H9"] = "九八年七月"  # a date the program cannot read
        wb.save(path)
    finally:
        db.close()


def _quiet_offscreen_notice() -> None:
    """The offscreen platform warns on every new window that it cannot propagate size hints."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind, _context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def menu_action(win, menu: str, text: str):
    """The action of the main window's menu `menu` whose text begins with `text`, or None."""
    for top in win.menuBar().actions():
        if top.menu() is not None and top.text().replace("&", "").startswith(menu):
            for a in top.menu().actions():
                if a.text().replace("&", "").startswith(text):
                    return a
    return None


def current_dialog(host):
    """The dialog a tab or window opened last (its Designer-form QDialog)."""
    wrapper = host.current_dialog
    return getattr(wrapper, "dialog", wrapper)


def close(dialog) -> None:
    dialog.reject()
    settle(1)


def run(out: Path, work: Path) -> list[Path]:
    os.chdir(work)  # databases and files are opened by relative names: short paths in the pictures
    _fix_clock()
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from dangjian_desktop.gui.app import create_app
    from dangjian_desktop.gui.main_window import MainWindow

    app = create_app(["guide_screenshots"])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    _quiet_offscreen_notice()
    shots = Shooter(out)
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings)
    win.showMaximized()  # as on a 1366×768 laptop, where the window opens maximised
    demo = Path("演示镇.sqlite")
    build_demo(demo)

    # ---- the first day: welcome, a new database, last year's roster -------------------------
    shots.save("welcome", win)
    win.welcome.new_button.click()
    dlg = current_dialog(win)
    dlg.nameEdit.setText("青山镇")
    dlg.pathEdit.setText("D:\\党建台账\\青山镇.sqlite")
    shots.save("new_database", dlg)
    dlg.pathEdit.setText("青山镇.sqlite")
    dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    wait_until(lambda: win.db is not None)

    roster = Path("青山镇党员花名册（2025年）.xlsx")
    write_old_roster(demo, roster)
    win.tabs.setCurrentWidget(win.registry_tab)
    win.registry_tab.action_import.trigger()
    wizard = win.registry_tab.current_dialog
    wizard.set_file(roster)
    wizard.file_page.create_check.setChecked(True)
    shots.save("roster_file", wizard)
    wizard.next()
    shots.save("roster_mapping", wizard)
    wizard.next()
    wait_until(lambda: wizard.check_page.report is not None)
    shots.save("roster_check", wizard)
    wizard.reject()
    settle(1)

    # ---- the demo town ------------------------------------------------------------------------
    win.open_database(demo)
    wait_until(lambda: win.reports_tab.task is None)
    win.action_settings.trigger()
    shots.save("settings", current_dialog(win))
    close(current_dialog(win))

    reg = win.registry_tab
    village = win.db.scalar("SELECT id FROM org WHERE org_type = '党支部' AND kind = '村' ORDER BY sort_order, name")
    reg.select_org(village)
    shots.save("registry", win)

    # ---- the yearly round -----------------------------------------------------------------------
    a = win.assessment_tab
    win.tabs.setCurrentWidget(a)
    settle()
    a.rounds.new_round_button.click()
    dlg = current_dialog(a)
    dlg.yearSpin.setValue(TODAY.year + 1)
    shots.save("new_round", dlg)
    close(dlg)
    shots.save("assessment", win)

    def sheet_in(state: str) -> str:
        row = next(r for r in a.dashboard.rows if r.state == state)
        a.open_sheet(row.sheet_id)
        settle()
        return row.org_name

    sheet_in("公示")
    ed = a.editor
    ed.tabs.setCurrentIndex(4)
    ed.workflow.move_button("申诉").click()
    dlg = current_dialog(ed)
    dlg.reasonEdit.setPlainText("“服务文化建设”一项扣分依据不足，本村全年开展文艺演出6场，有照片和节目单为证。")
    dlg.materialEdit.setPlainText("文艺演出照片6张、节目单")
    shots.save("appeal", dlg)
    close(dlg)
    sheet_in("申诉")
    a.editor.tabs.setCurrentIndex(4)
    shots.save("workflow", win)
    a.editor.tabs.setCurrentIndex(0)

    r = win.reports_tab
    win.tabs.setCurrentWidget(r)
    wait_until(lambda: r.task is None)
    shots.save("results", win)
    r.tabs.setCurrentIndex(1)
    settle()
    shots.save("rectification", win)
    r.tabs.setCurrentIndex(2)
    wait_until(lambda: r.task is None and r.preview.pdf_bytes is not None)
    wait_drawn(r.preview.pdf_view.viewport())
    shots.save("publicity", win)
    r.tabs.setCurrentIndex(0)

    # ---- points and meetings --------------------------------------------------------------------
    p = win.points_tab
    win.tabs.setCurrentWidget(p)
    p.tabs.setCurrentWidget(p.catalogue)
    settle()
    shots.save("points_catalogue", win)
    p.select_branch(village)
    p.tabs.setCurrentWidget(p.meetings)
    settle()
    p.meetings.new_button.click()
    settle()
    entry = p.meetings.entry
    f = entry.form
    f.typeCombo.setCurrentIndex(f.typeCombo.findText("支部党员大会"))
    f.placeEdit.setText("村党员活动室")
    f.topicEdit.setText("通报党员积分情况")
    f.contentEdit.setPlainText("通报全年党员积分和星级评定初步结果，讨论下一年度积分细则。")
    for k, status in ((2, "请假"), (5, "缺席"), (9, "请假")):
        entry.model.set_status([k], status)
    f.attendanceView.setCurrentIndex(entry.model.index_of(10))
    shots.save("meeting_entry", win)
    entry.cancelled.emit()
    p.tabs.setCurrentWidget(p.ledger)
    settle()
    p.ledger.member_view.selectRow(0)
    settle()
    shots.save("points_ledger", win)
    p.tabs.setCurrentWidget(p.totals)
    settle()
    shots.save("points_totals", win)
    p.totals.print_button.click()
    wrapper = p.current_dialog
    wrapper.dialog.resize(820, SCREEN[1] - 60)
    wait_drawn(wrapper.view.viewport())
    shots.save("stars_sheet", wrapper.dialog)
    close(wrapper.dialog)
    p.select_branch(None)
    p.tabs.setCurrentWidget(p.compliance)
    settle()
    shots.save("compliance", win)

    # ---- 台账: the dues of the year, and a training file with mistakes refused row by row ----------
    led = win.ledgers_tab
    win.tabs.setCurrentWidget(led)
    wait_until(lambda: not led.panels[0].stale and led.panels[0].model.rowCount() > 0)
    led.panels[0].view.selectRow(3)
    shots.save("ledgers", win)
    training = led.panels[2]
    led.tabs.setCurrentWidget(training)
    wait_until(lambda: not training.stale and training.model.rowCount() > 0)
    training_file = Path("党员教育培训登记（2026年）.xlsx")
    write_training_file(win.db, training_file)
    training.importer.import_file(training_file)
    wait_until(lambda: training.importer.errors_dialog is not None)
    shots.save("ledger_import", training.importer.errors_dialog)
    close(training.importer.errors_dialog)
    led.tabs.setCurrentWidget(led.panels[0])

    # ---- 统计: the membership's structure -------------------------------------------------------------
    st = win.statistics_tab
    win.tabs.setCurrentWidget(st)
    wait_until(lambda: not any(q.running for q in st.queries.values()))
    shots.save("statistics", win)

    # ---- backups: 文件 → 备份与恢复, listing three backups made on fixed days -------------------
    action = menu_action(win, "文件", "备份与恢复")
    if action is not None:
        from dangjian_desktop.db.backup import make_backup

        for when, reason in ((dt.datetime(2026, 11, 27, 17, 42, 5), "close"),
                             (dt.datetime(2026, 11, 30, 17, 36, 48), "close"),
                             (dt.datetime(2026, 12, 1, 9, 30, 12), "manual")):
            make_backup(win.db, reason, now=when)
        action.trigger()
        dlg = current_dialog(win)
        shots.save("backup", dlg)
        close(dlg)

    # ---- 数据交换: the county previews the demo town's first package ----------------------------------
    shots.save("exchange", exchange_preview(win, demo))

    win.close_database()
    win.close()
    settle(1)
    del app
    return shots.written


def write_training_file(db, path: Path) -> None:
    """A branch's training sign-in sheet kept in Excel: four good rows, a name not on the roster,
    a date the program cannot read and class hours in words."""
    from openpyxl import Workbook

    names = [r[0] for r in db.query("SELECT m.name FROM member m JOIN org o ON o.id = m.org_id WHERE o.name = ? "
                                    "AND m.status = '正常' ORDER BY m.name_pinyin LIMIT 6", ("南铺村党支部",))]
    wb = Workbook()
    ws = wb.active
    ws.title = "培训签到"
    ws.append(["南铺村党支部党员教育培训登记表（2026年）"])
    ws.append(["序号", "姓名", "培训日期", "培训形式", "培训内容", "学时", "组织单位"])
    rows = [(names[0], "2026-11-20"), (names[1], "2026-11-20"), ("王小明", "2026-11-20"), (names[2], "11月20日"),
            (names[3], "2026-11-20"), (names[4], "2026-11-20")]
    for n, (name, day) in enumerate(rows, start=1):
        ws.append([n, name, day, "集中培训", "学习贯彻党的二十届四中全会精神", "三" if n == 5 else 3, "演示镇党委"])
    wb.save(path)


def exchange_preview(win, demo: Path):
    """文件 → 数据交换 at the county, after the demo town joined and exported its first package:
    the package chosen and previewed (nothing written yet). Returns the window."""
    from dangjian_desktop.db import Database
    from dangjian_desktop.exchange import export_town, invite, join
    from dangjian_desktop.registry import init_office

    county = Path("演示县.sqlite")
    db = Database.create(county)
    try:
        init_office(db, name="演示县", level="county")
        invite(db, "演示镇", Path("邀请-演示镇.djx"))
    finally:
        db.close()
    win.close_database()
    settle(1)
    db = Database.open(demo)
    try:
        with db.transaction("修改操作人") as tx:  # the package names its maker, not this computer's login
            tx.set_meta("operator", "李文")
        join(db, Path("邀请-演示镇.djx"))
        export_town(db, Path("演示镇-数据包.djx"))
    finally:
        db.close()
    win.open_database(county)
    wait_until(lambda: win.db is not None)
    menu_action(win, "文件", "数据交换").trigger()
    ex = win.exchange_window
    ex.resize(1000, 680)
    op = ex.transfer.preview_file(Path("演示镇-数据包.djx"))
    wait_until(lambda: not op.running, timeout=120)
    return ex


@contextlib.contextmanager
def work_folder():
    """A fresh work folder at a fixed place (the same paths in every picture), one run at a time."""
    base = Path(tempfile.gettempdir())
    with open(base / "dangjian-guide-screenshots.lock", "a+b") as lock:
        if os.name == "nt":
            import msvcrt

            while True:
                try:
                    msvcrt.locking(lock.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:  # LK_LOCK gives up after 10 s: keep waiting
                    continue
        else:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        work = base / "dangjian-guide-screenshots"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="重新生成使用说明中的截图（演示数据，离屏，1366×768）")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="保存 PNG 的文件夹（默认 resources/guide/images）")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    here = os.getcwd()
    with work_folder() as work:
        _isolate(work)
        try:
            written = run(out, work)
        finally:
            os.chdir(here)
    for old in sorted(set(out.glob("*.png")) - set(written)):  # pictures the guide no longer shows
        old.unlink()
        print(f"removed {old.name}")
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} pictures, {total / 1024:.0f} KB in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
