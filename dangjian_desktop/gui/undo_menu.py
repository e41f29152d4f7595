"""The 编辑 menu: 撤销 / 重做 over one undo stack per open database, owned by the main window.

The tabs push an UndoableChange (dangjian_desktop.undo) after each successful change with
`push_undo(widget, change)`; the main window is found through the widget's window, so a tab
shown on its own records nothing. The actions' text names the action ("撤销 修改党员 张三").
Undo and redo are units of work of their own: the main window's data_changed signal (fired by
every commit) makes the tabs re-read what changed.

Keys: Ctrl+Z undoes, Ctrl+Y and Ctrl+Shift+Z redo, anywhere in the main window; a text field
being edited takes them first (Qt lets the focused editor override them), and so does a tab
with its own Ctrl+Z (the 党员积分 tab's 撤销上一批) while the focus is inside it; that tab hands
the key back here when the next undo is a change of its own records newer than its last batch.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget

from ..db import Database
from ..errors import UserError
from ..undo import UndoableChange, UndoStack
from .common import info_box
from .errors import bug_text
from .kit.operations import Operation

#: Undo or redo steps of more rows than this run in the background with a progress dialog.
LONG_STEP_ROWS = 2000
UNDO_KEYS = ("Ctrl+Z",)
REDO_KEYS = ("Ctrl+Y", "Ctrl+Shift+Z")


def _menu_text(verb: str, label: str | None) -> str:
    return verb if not label else f"{verb} {label.replace('&', '&&')}"


def undo_owner(source: QObject | None) -> "UndoMenu | None":
    """The UndoMenu of the main window `source` (a widget, or an object owned by one) is in."""
    obj = source
    while obj is not None and not isinstance(obj, QWidget):
        obj = obj.parent()
    if obj is None:
        return None
    owner = getattr(obj.window(), "undo_menu", None)
    return owner if isinstance(owner, UndoMenu) else None


def push_undo(source: QObject | None, change: UndoableChange | None) -> None:
    """After a successful change made from `source`: offer it on the 编辑 menu (None: nothing to offer)."""
    if change is None:
        return
    owner = undo_owner(source)
    if owner is not None:
        owner.push(change)


def _own_shortcut_keys(widget: QWidget | None) -> set[str]:
    """Keys that the focused widget or a widget around it binds itself (a tab's own QShortcut)."""
    keys: set[str] = set()
    w = widget
    while w is not None:
        for sc in w.findChildren(QShortcut, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not sc.isEnabled():
                continue
            if sc.context() == Qt.ShortcutContext.WidgetShortcut and w is not widget:
                continue
            if sc.context() in (Qt.ShortcutContext.WidgetShortcut, Qt.ShortcutContext.WidgetWithChildrenShortcut):
                keys.add(sc.key().toString(QKeySequence.SequenceFormat.PortableText))
        if w.isWindow():
            break
        w = w.parentWidget()
    return keys


class UndoMenu(QObject):
    """编辑(&E) → 撤销 / 重做 of the main window; `stack` holds the open database's undoable changes."""

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.db: Database | None = None
        self.stack = UndoStack()
        self.message_box: QMessageBox | None = None  # the last refusal shown (tests read it)
        self.menu = QMenu("编辑(&E)", window)
        bar = window.menuBar()
        after_file = bar.actions()[1] if len(bar.actions()) > 1 else None
        if after_file is not None:
            bar.insertMenu(after_file, self.menu)
        else:
            bar.addMenu(self.menu)
        self.action_undo = QAction("撤销", window, triggered=self.undo)
        self.action_redo = QAction("重做", window, triggered=self.redo)
        self.action_undo.setToolTip("撤销上一步修改（Ctrl+Z）")
        self.action_redo.setToolTip("重做刚撤销的修改（Ctrl+Y 或 Ctrl+Shift+Z）")
        self.menu.addAction(self.action_undo)
        self.menu.addAction(self.action_redo)
        self._keys = {self.action_undo: UNDO_KEYS, self.action_redo: REDO_KEYS}
        self._set_keys(set())
        window.database_changed.connect(self.set_database)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)
        self._update()

    # ---- state --------------------------------------------------------------------------------
    def set_database(self, db: Database | None) -> None:
        """Another database (or none): nothing of the previous one can be undone here."""
        self.db = db
        self.stack.clear()
        self._update()

    def push(self, change: UndoableChange | None) -> None:
        db = self.window.db
        if change is None or db is None or db.readonly or db is not self.db:
            return
        self.stack.push(change)
        self._update()

    def _update(self) -> None:
        writable = self.db is not None and not self.db.readonly
        can_undo, can_redo = writable and self.stack.can_undo(), writable and self.stack.can_redo()
        self.action_undo.setText(_menu_text("撤销", self.stack.undo_label() if can_undo else None))
        self.action_redo.setText(_menu_text("重做", self.stack.redo_label() if can_redo else None))
        self.action_undo.setEnabled(can_undo)
        self.action_redo.setEnabled(can_redo)

    # ---- keys -----------------------------------------------------------------------------------
    def _set_keys(self, taken: set[str]) -> None:
        for action, keys in self._keys.items():
            wanted = [QKeySequence(k) for k in keys if k not in taken]
            if [s.toString() for s in action.shortcuts()] != [s.toString() for s in wanted]:
                action.setShortcuts(wanted)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A tab with its own Ctrl+Z keeps it while the focus is inside it (no ambiguous shortcut)."""
        if new is not None and new.window() is not self.window:
            return
        self._set_keys(_own_shortcut_keys(new))

    # ---- actions --------------------------------------------------------------------------------
    def undo(self) -> None:
        self._step("撤销", self.stack.undo, self.stack.can_undo)

    def redo(self) -> None:
        self._step("重做", self.stack.redo, self.stack.can_redo)

    def _step(self, verb: str, step, possible) -> None:
        db = self.db
        if db is None or db.readonly or not possible():
            return
        coming = self.stack.next_undo() if verb == "撤销" else self.stack.next_redo()
        if coming is not None and len(coming.rows) > LONG_STEP_ROWS:
            # A roster import of thousands of members takes seconds: on the thread pool, with the
            # progress dialog, the window painting meanwhile; no second step until it ended.
            self.action_undo.setEnabled(False)
            self.action_redo.setEnabled(False)
            Operation(self.window, f"正在{verb}：{coming.label}…", step, db=db) \
                .success(lambda change: self._stepped(verb, change)) \
                .failure(lambda e: self._refused(verb, e)) \
                .after(self._update).run_in_background()
            return
        try:
            change = step(db)
        except Exception as e:  # noqa: BLE001 - never raise into the event loop
            self._refused(verb, e)
            return
        self._stepped(verb, change)

    def _stepped(self, verb: str, change: UndoableChange) -> None:
        self._update()
        self.window.statusBar().showMessage(f"已{verb}：{change.label}", 8000)

    def _refused(self, verb: str, e: BaseException) -> None:
        self._update()
        if isinstance(e, UserError):
            listed = "撤销" if verb == "撤销" else "重做"
            self._show(verb, f"{e.message}\n\n这一步已从{listed}列表中移除，数据没有改动。")
        else:
            self._show(verb, bug_text(e))

    def _show(self, title: str, text: str) -> None:
        box = info_box(QMessageBox.Icon.Warning, title, text, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box

        def done(_result: int) -> None:
            if self.message_box is box:
                self.message_box = None

        box.finished.connect(done)
        box.open()
