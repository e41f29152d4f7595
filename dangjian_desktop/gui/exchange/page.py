"""The 数据交换 window (文件 → 数据交换…): this office's key fingerprint on top, then 导出与导入,
冲突, 交换记录 and, at the county, 各乡镇情况 with 邀请乡镇; at a town, 县里 with 加入县里的交换.

The window composes the panels and hosts their message boxes; every change is a kit Operation and
the window reloads from the database's OperationBus (`changed`), never by polling.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from ...errors import UserError
from ...exchange import exchange_log, exchange_status, identity, invite, join, recovery_package
from ...registry.offices import local_office
from ..kit.messages import MessageHost, slot
from ..kit.operations import Changes, Operation, bus_for
from ..kit.palette import HINT_HEX, css
from ..kit.row_model import RowModel
from ..table_export import add_table_export, tool_buttons
from .conflicts_panel import ConflictsPanel
from .dialogs import ReceiptDialog
from .invite_dialog import InviteDialog
from .models import LOG_COLUMNS, STATUS_COLUMNS
from .transfer import PACKAGE_FILTER, TransferPanel


def open_exchange_window(window: Any) -> "ExchangeWindow | None":
    """文件 → 数据交换…: the window for the main window's open database (one at a time)."""
    if window.db is None:
        window.inform("请先打开数据库。", "数据交换") if hasattr(window, "inform") else None
        return None
    old = getattr(window, "exchange_window", None)
    if old is not None and shiboken6.isValid(old) and old.db is window.db:
        from ..guide_window import bring_forward

        bring_forward(old)
        return old
    win = ExchangeWindow(window.db, window)
    window.exchange_window = win
    if hasattr(window, "database_changed"):
        window.database_changed.connect(win.database_closed)  # another database, or none: this one goes
    win.show()
    return win


def _table(parent: QWidget, model: RowModel) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    return view


class ExchangeWindow(QDialog, MessageHost):
    """数据交换 for one office database, a window of its own beside the main window."""

    def __init__(self, db: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("数据交换")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.db = db
        self.receipt: ReceiptDialog | None = None
        self.current_dialog: Any = None
        office = local_office(db)
        self.office_name, self.level = office["name"], office["level"]
        layout = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        self.transfer = TransferPanel(self, self)
        self.tabs.addTab(self.transfer, "导出与导入")
        self.conflicts = ConflictsPanel(self, self)
        self.tabs.addTab(self.conflicts, "冲突")
        self.log_model = RowModel(LOG_COLUMNS, self)
        log_page = QWidget(self)
        ll = QVBoxLayout(log_page)
        ll.setContentsMargins(0, 0, 0, 0)
        self.log_view = _table(log_page, self.log_model)
        ll.addWidget(self.log_view, 1)
        log_row = QHBoxLayout()
        log_row.addStretch(1)
        for b in tool_buttons(add_table_export(self.log_view, self, "数据交换记录")):  # also the context menu
            log_row.addWidget(b)
        ll.addLayout(log_row)
        self.tabs.addTab(log_page, "交换记录")

        peers = QWidget(self)
        pl = QVBoxLayout(peers)
        self.peers_hint = QLabel(peers)
        self.peers_hint.setTextFormat(Qt.TextFormat.RichText)  # its offices' names escaped in reload()
        self.peers_hint.setWordWrap(True)
        pl.addWidget(self.peers_hint)
        self.status_model = RowModel(STATUS_COLUMNS, self)
        self.status_view = _table(peers, self.status_model)
        pl.addWidget(self.status_view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.invite_button = QPushButton("邀请乡镇…", peers)
        self.join_button = QPushButton("加入县里的交换…", peers)
        self.recovery_button = QPushButton("乡镇换了电脑…", peers)
        self.recovery_button.setToolTip("乡镇的电脑损坏或丢失：用县里保存的该乡镇数据生成恢复数据包")
        row.addWidget(self.invite_button)
        row.addWidget(self.recovery_button)
        row.addWidget(self.join_button)
        county = self.level == "county"
        # 导出 Excel / 打印/PDF of the table as shown, also from its context menu.
        status_title = "各乡镇数据交换情况" if county else "与县里的数据交换情况"
        for b in tool_buttons(add_table_export(self.status_view, self, status_title)):
            row.addWidget(b)
        pl.addLayout(row)
        self.invite_button.setVisible(county)
        self.recovery_button.setVisible(county)
        self.join_button.setVisible(not county)
        self.tabs.addTab(peers, "各乡镇情况" if county else "县里")
        self.invite_button.clicked.connect(self.choose_invite)
        self.recovery_button.clicked.connect(self.choose_recovery)
        self.join_button.clicked.connect(self.choose_join)

        self.bus = bus_for(db)
        self.bus.changed.connect(self._changed)
        self.bus.busy_changed.connect(self._busy)
        self.reload()
        self.resize(1100, 680)

    def database_closed(self, *_args: Any) -> None:
        if shiboken6.isValid(self):
            self.db = None
            self.close()
            self.deleteLater()

    # ---- showing ----------------------------------------------------------------------------------
    def _changed(self, _changes: Changes) -> None:
        if shiboken6.isValid(self) and self.db is not None:
            self.reload()

    def _busy(self, busy: bool) -> None:
        if shiboken6.isValid(self):
            self.transfer.set_busy(busy)
            for w in (self.invite_button, self.recovery_button, self.join_button, self.conflicts):
                w.setEnabled(not busy)

    def reload(self) -> None:
        db = self.db
        try:
            fp = identity(db).fingerprint
        except UserError:
            fp = "（本机没有本单位的密钥）"
        statuses = exchange_status(db)
        county = self.level == "county"
        who = "县委组织部" if county else "乡镇"
        self.header.setText(f"<b>{escape(self.office_name)}</b>（{who}）　本单位密钥指纹：<b>{fp}</b>"
                            f"<br><span style='{css(HINT_HEX)}'>数据包装在U盘里传递，已签名并加密；"
                            f"请与对方通过电话逐字核对双方的密钥指纹。</span>")
        self.status_model.set_rows(statuses)
        self.log_model.set_rows(exchange_log(db))
        self.conflicts.reload(db)
        n = len(self.conflicts.model.rows)
        self.tabs.setTabText(1, f"冲突（{n}）" if n else "冲突")
        enrolled = [s.name for s in statuses if s.state == "enrolled"]
        self.transfer.set_peers(self.level, enrolled)
        if county:
            missing = [escape(s.name) for s in statuses if not s.reported and s.state != "not-invited"]
            text = f"尚未报送：{'、'.join(missing)}" if missing else "已加入的乡镇都报送过数据。"
            if not statuses:  # not "every town reported" when there is none yet
                text = "还没有邀请乡镇加入数据交换：请点“邀请乡镇…”为乡镇生成邀请文件。"
            uninvited = [escape(s.name) for s in statuses if s.state == "not-invited"]
            if uninvited:
                text += f"　未邀请：{'、'.join(uninvited)}"
        elif statuses:
            s = statuses[0]
            text = (f"已{('加入' if s.state == 'enrolled' else '受邀加入')}{escape(s.name)}的数据交换。"
                    f"县里的密钥指纹：<b>{escape(s.fingerprint or '—')}</b>（请与县里电话核对）")
        else:
            text = "还没有加入县里的数据交换：请用县里给的邀请文件点“加入县里的交换”。"
        self.peers_hint.setText(text)

    def show_receipt(self, package_id: str) -> ReceiptDialog:
        if self.receipt is not None and shiboken6.isValid(self.receipt):
            self.receipt.close()
        self.receipt = ReceiptDialog(self.db, package_id, self)
        self.receipt.open()
        return self.receipt

    # ---- the county: invitations ----------------------------------------------------------------
    @slot
    def choose_invite(self) -> None:
        names = [s.name for s in self.status_model.rows if s.state != "enrolled"]
        dlg = InviteDialog(names, self)
        self.current_dialog = dlg

        def accepted() -> None:
            town = dlg.town()
            path, _ = QFileDialog.getSaveFileName(self, "邀请文件保存到", f"邀请-{town}.djx", PACKAGE_FILTER)
            if path:
                self.invite_town(town, path)

        dlg.accepted.connect(accepted)
        dlg.open()

    def invite_town(self, town: str, path: str | Path) -> Operation:
        def done(inv) -> None:
            again = (f"注意：{inv.town}原来的加入已作废。在{inv.town}用这个邀请文件重新加入之前，"
                     f"县里不再接收它的数据包。\n\n" if inv.reenrolment else "")
            self.inform(f"已生成{'重新加入的' if inv.reenrolment else ''}邀请文件：{inv.path}\n\n{again}"
                        f"本县密钥指纹：{inv.county_fingerprint}\n\n请把邀请文件交给{inv.town}，由乡镇在“数据交换”中"
                        f"点“加入县里的交换”；加入后请电话核对双方的密钥指纹。邀请只能使用一次。", "邀请乡镇")

        return Operation(self, f"邀请{town}", lambda db: invite(db, town, path)).success(done).run()

    @slot
    def choose_recovery(self) -> None:
        names = [s.name for s in self.status_model.rows if s.office_id]  # the county holds its data
        if not names:
            self.inform("县里还没有收到过任何乡镇的数据，没有可以恢复的乡镇数据。", "乡镇换了电脑")
            return
        dlg = InviteDialog(names, self, recovery=True)
        self.current_dialog = dlg

        def accepted() -> None:
            town = dlg.town()
            path, _ = QFileDialog.getSaveFileName(self, "恢复数据包保存到", f"恢复-{town}.djx", PACKAGE_FILTER)
            if path:
                self.recover_town(town, path)

        dlg.accepted.connect(accepted)
        dlg.open()

    def recover_town(self, town: str, path: str | Path) -> Operation:
        """The recovery file for `town`; its code is shown once, to tell the town apart from the file."""
        def done(r) -> None:
            self.inform(f"已为{r.peer}生成恢复数据包：{r.path}（{r.total_rows} 条记录）\n\n"
                        f"恢复码：{r.recovery_code}\n\n请当面或通过电话把恢复码告诉{r.peer}，不要写在U盘上，"
                        f"也不要与恢复数据包放在一起。乡镇在新电脑上用恢复数据包和恢复码新建数据库"
                        f"（命令行：exchange recover）。\n\n{r.peer}原来的密钥已停用：旧电脑导出的数据包县里不再接收。"
                        f"\n本县密钥指纹：{r.own_fingerprint}", "乡镇换了电脑")

        def work(db, progress):
            progress(0, 0, f"正在生成{town}的恢复数据包…")
            return recovery_package(db, town, path)

        return Operation(self, f"为{town}生成恢复数据包", work, takes_progress=True).success(done).run_in_background()

    # ---- a town: joining ------------------------------------------------------------------------
    @slot
    def choose_join(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择县里的邀请文件", "", PACKAGE_FILTER)
        if path:
            self.join_with(path)

    def join_with(self, path: str | Path) -> Operation:
        def done(j) -> None:
            self.inform(f"已{'重新' if j.again else ''}加入{j.county}的数据交换。\n\n"
                        f"县里的密钥指纹：{j.county_fingerprint}\n本镇的密钥指纹：{j.own_fingerprint}\n\n"
                        f"请与县里通过电话逐字核对这两个指纹，然后导出第一个数据包交给县里。", "加入县里的交换")

        return Operation(self, "加入县里的数据交换", lambda db: join(db, path)).success(done).run()
