"""The main window: four tabs over one office database, File menu, status bar."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMessageBox,
                               QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from .. import APP_TITLE, __version__
from ..db import Database
from ..paths import default_db_path
from .backup_auto import AutoBackup, run_blocking
from .backup_dialog import open_backup_dialog
from .errors import show_error
from .kit import tab_key
from .kit.operations import OperationBus
from .lazy_tabs import LazyTabs
from .screen_fit import fit_main_window, remember_main_window
from .tab_preparer import TabPreparer
from .undo_menu import UndoMenu

log = logging.getLogger(__name__)


class PlaceholderTab(QWidget):
    """A tab whose features come later: says plainly what will be there."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(f"<h2>{title}</h2><p>{text}</p>")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)

    def set_database(self, db: Database | None) -> None:
        pass


def _tab(module: str, cls: str, title: str, text: str) -> QWidget:
    """The real tab when its module is present, else a placeholder naming what will come."""
    import importlib

    try:
        mod = importlib.import_module(f".{module}", __package__)
    except ModuleNotFoundError as e:
        if e.name and e.name.endswith(module):
            return PlaceholderTab(title, text)
        raise
    return getattr(mod, cls)()


class WelcomePage(QWidget):
    """Shown while no database is open: the two ways to begin, and a demo to try things out."""

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        title = QLabel("<h1>党建台账</h1><p>请新建本单位的数据库，打开已有的数据库文件，或者从备份恢复（换了电脑时）。</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        self.missing_label = QLabel()  # the database used last, when it is not there
        self.missing_label.setObjectName("missingLabel")
        self.missing_label.setWordWrap(True)
        self.missing_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing_label.setStyleSheet("color: #b71c1c;")
        self.missing_label.hide()
        outer.addWidget(self.missing_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.new_button = QPushButton("新建数据库…")
        self.open_button = QPushButton("打开数据库…")
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.setToolTip("换了电脑或数据库文件丢失：选择U盘上的备份，恢复为数据库文件并打开")
        self.demo_button = QPushButton("打开演示数据库")
        self.demo_button.setToolTip("生成一个虚构乡镇的演示数据库（保存在用户数据目录），用于熟悉操作")
        for b in (self.new_button, self.open_button, self.restore_button, self.demo_button):
            b.setMinimumSize(160, 44)
            row.addWidget(b)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)
        self.new_button.clicked.connect(window.new_database_dialog)
        self.open_button.clicked.connect(window.open_database_dialog)
        self.restore_button.clicked.connect(window.restore_to_new_file)
        self.demo_button.clicked.connect(window.open_demo_database)

    def show_missing(self, path: Path | None) -> None:
        """Say that the database used last is not where it was (None: say nothing)."""
        if path is None:
            self.missing_label.hide()
            return
        self.missing_label.setText(
            f"上次使用的数据库找不到了：{path}\n如果它在U盘或移动硬盘上，请插好后点“打开数据库…”选择它；"
            "文件被移动或改名了，也请点“打开数据库…”找到它；文件丢失了，请点“从备份恢复…”。")
        self.missing_label.show()


def user_settings() -> QSettings:
    """The user's settings (last database, window geometry): dangjian-desktop.ini in the user's
    configuration folder (%APPDATA%\\dangjian-desktop on Windows, ~/.config/dangjian-desktop on Linux).
    An INI file on every platform, so QSettings.setPath (tests/conftest.py) moves it anywhere."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "dangjian-desktop", "dangjian-desktop")


class MainWindow(QMainWindow):
    database_changed = Signal(object)  # the new Database or None
    data_changed = Signal(object)  # set of table names changed by a committed unit of work

    def __init__(self, db_path: Path | None = None, *, settings: QSettings | None = None):
        super().__init__()
        tab_key.ensure_installed()  # Tab leaves the tables read and picked from (kit/tab_key.py)
        self.db: Database | None = None
        self.current_dialog = None  # the open non-blocking dialog, if any (tests drive it)
        self.settings = settings or user_settings()
        self.setWindowTitle(APP_TITLE)
        fit_main_window(self, self.settings)  # the user's last geometry, clamped to this screen

        # Every unit of work committed on the open database, whatever made it (an operation, a dialog,
        # undo, a restore), reaches the bus; data_changed passes its tables on to the tabs.
        self.operations = OperationBus(self)
        self.operations.changed.connect(lambda changes: self.data_changed.emit(set(changes.tables)))

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.welcome = WelcomePage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.tabs)
        self.setCentralWidget(self.pages)
        self.registry_tab = _tab("registry.page", "RegistryTab", "组织台账", "")
        self.points_tab = _tab("points.page", "PointsTab", "党员积分",
                               "这里将提供：积分细则、三会一课会议与考勤登记、年度积分汇总与星级党员评定、民主评议党员。")
        self.assessment_tab = _tab("assessment.page", "AssessmentTab", "考核检查",
                                   "这里将提供：评分方案浏览与试算、年度考核轮次、检查清单打分、抽签交叉考核、申诉与公示。")
        self.reports_tab = _tab("reports.page", "ReportsTab", "结果报告",
                                "这里将提供：评定结果汇总、公示表预览与打印、往年对比、整改台账。")
        # The 考核检查 and 结果报告 pages rate a whole round: they read the database when their tab is shown.
        # The 组织台账 page re-reads every member's counts and warnings after a change: while another
        # tab is shown it does so when shown again, not behind the page the clerk works in.
        self.lazy_tabs = LazyTabs(self.tabs)
        self.statistics_tab = _tab("statistics", "StatisticsPage", "统计", "")
        self.ledgers_tab = _tab("ledgers", "LedgersPage", "台账", "")
        for widget, title in ((self.registry_tab, "组织台账(&1)"), (self.points_tab, "党员积分(&2)"),
                              (self.assessment_tab, "考核检查(&3)"), (self.reports_tab, "结果报告(&4)"),
                              (self.statistics_tab, "统计(&5)"), (self.ledgers_tab, "台账(&6)")):
            self.tabs.addTab(widget, title)
            if widget in (self.registry_tab, self.assessment_tab, self.reports_tab) and hasattr(widget, "set_database"):
                self.lazy_tabs.add(widget, self.database_changed, self.data_changed)  # loads when shown
                continue
            if hasattr(widget, "set_database"):
                self.database_changed.connect(widget.set_database)
            if hasattr(widget, "on_data_changed"):
                self.data_changed.connect(widget.on_data_changed)

        # While the clerk reads the first tab, the others read what they show first (tab_preparer.py).
        self.preparer = TabPreparer(self.tabs, self.lazy_tabs, busy=lambda: self.operations.busy)
        self.database_changed.connect(self.preparer.database_changed)

        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self.undo_menu = UndoMenu(self)  # 编辑 → 撤销 / 重做, one stack per open database
        self._show_db_state()
        self.auto_backup = AutoBackup(self)  # on closing a changed database, and every 30 minutes
        if db_path is not None:
            self.open_database(Path(db_path))

    @staticmethod
    def last_db_setting() -> str | None:
        value = user_settings().value("last_db")
        return str(value) if value else None

    # ---- menus ---------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.action_new = QAction("新建数据库(&N)…", self, shortcut=QKeySequence.StandardKey.New,
                                  triggered=self.new_database_dialog)
        self.action_open = QAction("打开数据库(&O)…", self, shortcut=QKeySequence.StandardKey.Open,
                                   triggered=self.open_database_dialog)
        self.action_close = QAction("关闭数据库(&C)", self, triggered=self.close_database)
        self.action_quit = QAction("退出(&X)", self, shortcut=QKeySequence("Ctrl+Q"), triggered=self.close)
        self.action_restore_new = QAction("从备份恢复为数据库(&R)…", self, triggered=self.restore_to_new_file)
        self.action_restore_new.setToolTip("换了电脑或数据库文件丢失：把备份恢复为数据库文件并打开")
        self.action_recover_new = QAction("用县里的恢复数据包重建数据库(&K)…", self, triggered=self.recover_to_new_file)
        self.action_recover_new.setToolTip("乡镇的电脑损坏或丢失：用县里生成的恢复数据包和恢复码重建数据库并打开")
        for a in (self.action_new, self.action_open, self.action_restore_new, self.action_recover_new,
                  self.action_close):
            file_menu.addAction(a)
        file_menu.addSeparator()
        self.action_settings = QAction("设置(&S)…", self, triggered=self.open_settings)
        file_menu.addAction(self.action_settings)
        file_menu.addAction(QAction("备份与恢复(&B)…", self, triggered=lambda: open_backup_dialog(self)))
        self.action_exchange = QAction("数据交换(&E)…", self, triggered=self.open_exchange)
        self.action_exchange.setToolTip("与县里（或乡镇）用U盘交换数据包：导出、预览后导入、冲突、交换记录")
        file_menu.addAction(self.action_exchange)
        self.action_check = QAction("检查数据(&V)…", self, triggered=self.check_data)
        self.action_check.setToolTip("检查数据库是否完好、是否在本程序之外被改动过")
        file_menu.addAction(self.action_check)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.action_guide = QAction("使用说明(&U)", self, shortcut=QKeySequence("F1"), triggered=self.show_guide)
        help_menu.addAction(self.action_guide)
        help_menu.addSeparator()
        help_menu.addAction(QAction("关于党建台账(&A)", self, triggered=self._about))

    def check_data(self):
        """检查数据: integrity, foreign keys and the sealed change log, off the GUI thread."""
        from .data_check import check_data

        self._check_task = check_data(self)
        return self._check_task

    def open_exchange(self):
        """文件 → 数据交换: export, import with preview, conflicts, log, invitations / joining."""
        if self.db is None:
            QMessageBox.information(self, "数据交换", "请先打开数据库。")
            return None
        from .exchange import open_exchange_window

        return open_exchange_window(self)

    def open_settings(self) -> None:
        """Office settings: publicity issuer and contact, PDF font (stored in the database)."""
        if self.db is None:
            QMessageBox.information(self, "设置", "请先打开数据库。设置保存在本单位的数据库中。")
            return
        from .settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.db, self)
        self.current_dialog = dlg
        dlg.open()

    def show_guide(self) -> None:
        """帮助 → 使用说明 (F1): the user guide, at the section about the tab that is showing."""
        from .guide_window import open_guide

        open_guide(self)

    def _about(self) -> None:
        QMessageBox.about(self, "关于党建台账",
                          f"<h3>党建台账 {__version__}</h3><p>乡镇党组织台账、考核评定、党员积分与公示。</p>"
                          f"<p>数据只保存在本机的数据库文件中。</p>")

    # ---- database ------------------------------------------------------------------
    def new_database_dialog(self) -> None:
        from .dialogs import NewDatabaseDialog

        dlg = NewDatabaseDialog(self)
        self.current_dialog = dlg
        dlg.dialog.accepted.connect(lambda: self._create_database(*dlg.values(), dialog=dlg))
        dlg.dialog.open()

    def _create_database(self, name: str, level: str, path: Path, *, dialog=None) -> None:
        """Make the database and open it. When it cannot be made (a read-only folder, a full disk),
        the dialog comes back with what was typed and the reason, to choose another place."""
        from ..registry import init_office
        from .errors import error_text

        self.current_dialog = None
        try:
            # The office is made before the file appears at its path: a program killed half-way leaves none.
            Database.create(path, setup=lambda db: init_office(db, name=name, level=level)).close()
        except Exception as e:  # noqa: BLE001
            if dialog is None:
                show_error(self, e, "新建数据库")
                return
            dialog.dialog.errorLabel.setText(error_text(e))
            self.current_dialog = dialog
            dialog.dialog.open()
            dialog.dialog.pathEdit.setFocus()
            return
        self.open_database(path)

    def open_demo_database(self) -> None:
        """Create (once) and open a demo town database in the user's data folder; one whose
        making was cut short last time (the program killed half-way) is finished first."""
        from ..demo import ensure_demo_database
        from ..paths import user_data_dir

        path = user_data_dir() / "演示数据.sqlite"
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            ensure_demo_database(path, name="演示镇", seed=1)
        except Exception as e:  # noqa: BLE001
            show_error(self, e, "演示数据库")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.open_database(path)

    def open_database_dialog(self) -> None:
        from ..db.backup_zip import is_zip_backup
        from .restore_new import offer_restore

        start = str(Path(self.settings.value("last_db", str(default_db_path()))).parent)
        path, _ = QFileDialog.getOpenFileName(self, "打开数据库", start,
                                              "党建台账数据库 (*.sqlite);;党建台账备份 (*.zip);;所有文件 (*)")
        if path and is_zip_backup(Path(path)):  # a backup is restored into a database file first
            offer_restore(self, Path(path))
        elif path:
            self.open_database(Path(path))

    def restore_to_new_file(self) -> None:
        from .restore_new import restore_to_new_file

        restore_to_new_file(self)

    def recover_to_new_file(self) -> None:
        from .recover_new import recover_to_new_file

        recover_to_new_file(self)

    def open_database(self, path: Path) -> bool:
        self.close_database()
        try:
            if Database.needs_upgrade(path):
                # The upgrade (a checked backup of the whole file first) off this thread, with a bar;
                # then the upgraded file is opened as any other.
                run_blocking(self, "正在升级数据库…",
                             lambda progress: Database.open(path, mode="auto", progress=progress).close())
            db = Database.open(path, mode="auto")
        except Exception as e:  # noqa: BLE001
            show_error(self, e, "打开数据库")
            self._show_db_state()
            return False
        self.db = db
        self.welcome.show_missing(None)
        self.operations.attach(db)
        self.settings.setValue("last_db", str(path))
        if db.readonly and db.holder is not None:
            QMessageBox.information(self, "只读打开",
                                    f"数据库正被{db.holder.describe()}使用。\n本窗口以只读方式打开，不能修改数据。")
        elif db.readonly_reason:  # on read-only media: readable, and the clerk knows why not writable
            from ..db.readonly import readonly_notice

            self.statusBar().showMessage(readonly_notice(db.readonly_reason))
        elif db.stale_lock_cleared is not None:
            self.statusBar().showMessage("上次程序未正常退出，遗留的锁已清除；数据完好。", 10000)
        self._show_db_state()
        self.database_changed.emit(db)
        return True

    def close_database(self) -> None:
        if self.db is None:
            return
        # What is being typed into a cell is kept as leaving the cell keeps it (a score typed
        # without Enter was lost when the window or the database was closed).
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()
        db, self.db = self.db, None
        self.operations.attach(None)  # after its background operations have ended
        self.database_changed.emit(None)
        db.close()
        self.statusBar().clearMessage()  # a message about this database (read-only, stale lock) goes with it
        self._show_db_state()

    def _show_db_state(self) -> None:
        self.pages.setCurrentWidget(self.tabs if self.db is not None else self.welcome)
        self.action_close.setEnabled(self.db is not None)
        self.action_settings.setEnabled(self.db is not None and not self.db.readonly)
        if self.db is None:
            self.db_label.setText("未打开数据库")
            self.setWindowTitle(APP_TITLE)
            return
        from ..registry import local_office

        try:
            office = local_office(self.db)["name"]
        except Exception:  # noqa: BLE001 - an empty database still opens
            office = "未初始化"
        ro = "（只读）" if self.db.readonly else ""
        self.db_label.setText(f"数据库：{self.db.path}{ro}")
        self.setWindowTitle(f"{office} - {APP_TITLE}{ro}")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        remember_main_window(self, self.settings)
        self.close_database()
        super().closeEvent(event)
