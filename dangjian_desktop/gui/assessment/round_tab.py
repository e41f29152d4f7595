"""RoundTab: the round-picking base the 考核检查 and 结果报告 pages stand on.

A page that shows one assessment round picked in a combo box mixes it in: it opens the database
(or says why it cannot), fills the rounds, hears committed changes (`on_data_changed`, which the
main window passes on from its OperationBus; a change already shown is skipped by its commit
mark) and runs long work off the GUI thread (`run_task`).
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from PySide6.QtCore import QThreadPool

from ...assessment import rounds as rounds_api
from ...db import Database
from ...errors import UserError
from ...registry.offices import local_office
from ..common import close_dialog
from ..kit.messages import MessageHost
from ..kit.operations import commit_mark
from ..kit.tasks import Task

log = logging.getLogger(__name__)


class RoundTab(MessageHost):
    """Mixin of the tabs that show one assessment round picked in `round_combo` (考核检查, 结果报告).

    The widget provides `round_combo`, `stack` (page 0: `empty_label`, page 1: the round),
    `_update_actions()` and `select_round(round_id, force=)`, and may refine the hooks below.
    """

    TAB_TITLE = ""  # the tab's name in "无法显示…"
    NO_ROUNDS_HTML = ""  # the empty page when the database has no round yet

    def _init_round_tab(self) -> None:
        self.db: Database | None = None
        self.current_dialog: Any = None
        self.current_message = None
        self.task: Task | None = None
        self.last_timings: dict[str, float] = {}
        self._round_id: str | None = None
        self._seen_tx: int | None = None

    # ---- database
    def set_database(self, db: Database | None) -> None:
        self._release_database()
        self.db = db
        self._round_id = None
        self._clear_views()
        if db is None:
            self._show_empty("<h3>未打开数据库</h3>")
            self._fill_rounds()
            self._update_actions()
            return
        try:
            local_office(db)
        except UserError as e:
            self.db = None
            self._show_empty(f"<h3>无法显示{self.TAB_TITLE}</h3><p>{escape(e.message)}</p>")
            self._update_actions()
            return
        self._seen_tx = self._tx_mark()
        self._open_rounds()

    def _wait_for_tasks(self) -> None:
        if self.task is not None or getattr(self, "dash_task", None) is not None:
            QThreadPool.globalInstance().waitForDone(10000)  # nothing may read the old database after it closes

    def _release_database(self) -> None:
        """Before another database: dialogs closed, background readers finished."""
        close_dialog(self)
        self._wait_for_tasks()

    def _clear_views(self) -> None:
        """What the tab shows of the old database is dropped."""

    def _open_rounds(self) -> None:
        self._fill_rounds()

    def _tx_mark(self) -> int | None:
        return commit_mark(self.db)

    def on_data_changed(self, tables: set[str] | None = None) -> None:
        """After a committed unit of work: nothing happens unless a commit was heard since the last look."""
        if self.db is None:
            return
        mark = self._tx_mark()
        if mark == self._seen_tx:
            return
        self._seen_tx = mark
        self._tables_changed(tables)

    def _tables_changed(self, tables: set[str] | None) -> None:
        raise NotImplementedError

    def _show_empty(self, html: str) -> None:
        self.empty_label.setText(html)
        self.stack.setCurrentIndex(0)

    # ---- rounds
    @property
    def round_id(self) -> str | None:
        return self._round_id

    def _round_label(self, r: rounds_api.Round) -> str:
        raise NotImplementedError

    def _fill_rounds(self, keep: str | None = None) -> None:
        combo = self.round_combo
        combo.blockSignals(True)
        combo.clear()
        rounds = rounds_api.list_rounds(self.db) if self.db is not None else []
        for r in rounds:
            combo.addItem(self._round_label(r), r.id)
        combo.blockSignals(False)
        if not rounds:
            self._round_id = None
            self._no_rounds()
            self._update_actions()
            return
        i = combo.findData(keep) if keep else -1
        combo.setCurrentIndex(i if i >= 0 else 0)
        self.select_round(combo.currentData(), force=True)

    def _no_rounds(self) -> None:
        if self.db is not None:
            self._show_empty(self.NO_ROUNDS_HTML)

    def _enter_round(self, round_id: str) -> None:
        """`round_id` becomes the current round: the combo follows without a signal, the round page shows."""
        self._round_id = round_id
        i = self.round_combo.findData(round_id)
        if i >= 0 and self.round_combo.currentIndex() != i:
            self.round_combo.blockSignals(True)
            self.round_combo.setCurrentIndex(i)
            self.round_combo.blockSignals(False)
        self.stack.setCurrentIndex(1)

    # ---- background work
    def run_task(self, label: str, fn, on_done, on_error=None) -> Task:
        """Long work off the GUI thread; `_task_started` / `_task_ended` keep the clerk from writing meanwhile.
        The task deletes itself once it has finished."""
        self._task_started()

        def finished() -> None:
            self._task_ended(task)

        task = Task(self, label, fn, on_done, on_error)  # type: ignore[arg-type]
        task.finished.connect(finished)
        self.task = task
        return task

    def _task_started(self) -> None:
        raise NotImplementedError

    def _task_ended(self, task: Task) -> None:
        if self.task is task:
            self.task = None
