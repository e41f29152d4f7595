"""The sub-pages of the 台账 page: a table over one ledger with its buttons (登记, 删除, 导出 Excel,
打印/PDF). Rows are read off the GUI thread (kit Query); every change is a kit Operation, and the
page refreshes the panels from the bus's `changed`.

LedgerPanel is the base; the dues and pipeline panels (dues_panel.py, pipeline_panel.py) are the
larger ones."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu, QPushButton,
                               QSplitter, QTableView, QToolButton, QVBoxLayout, QWidget)

from ... import dates
from ...ledgers import cadres, funds, plaques, records
from ...ledgers.common import members_in
from ...registry.offices import org_towns
from ..kit.messages import slot
from ..kit.operations import Query
from ..kit.palette import HINT_HEX, css
from ..kit.plain_text import plain
from ..kit.row_model import Col, RowModel, set_rows_in_place
from ..table_export import add_table_export
from . import dialogs, models

READING_HINT_MS = 300  # a ledger read for longer than this says so under its table


def table_view(model: RowModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # rows stay in the ledger's order until a click
    view.setSortingEnabled(True)
    return view


TOWN_WIDTH = 80  # the 乡镇 column, when shown: a town's name of three or four characters


def _org_of(row: Any) -> str | None:
    """The organisation a ledger row is of (a core object's org_id, or a row's column)."""
    org = getattr(row, "org_id", None)
    if org is None and hasattr(row, "keys") and "org_id" in row.keys():
        org = row["org_id"]
    return org


def fit_columns(view: QTableView, rows: int) -> None:
    """Columns as wide as their text (measured on the first rows only, for large ledgers)."""
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(min(rows, 200) or 1)
    for c in range(view.model().columnCount() - 1):
        view.resizeColumnToContents(c)
        header.resizeSection(c, min(header.sectionSize(c) + 12, 320))


class LedgerPanel(QWidget):
    """One ledger: a table, buttons, a hint line. Subclasses set KIND, TITLE, COLUMNS, WATCHED,
    `load(db, scope)` (run off the GUI thread) and `actions()`."""

    KIND = ""  # tables.ledger_tables kind (导出 Excel, 打印/PDF)
    IMPORT = False  # 导入 Excel (ledgers.record_import of KIND) and its template
    IMPORT_TEXT = "导入 Excel(&I)…"
    TITLE = ""
    COLUMNS: tuple = ()
    WATCHED: frozenset[str] = frozenset()
    ENTER = None  # the action Enter on a row runs
    ROW_KEY = "id"  # what a row is known by: the current row stays current when the rows are read again
    loaded = Signal()
    # Rows to show before a long read ends (show_early, from the read's thread): the read's scope, the rows.
    early = Signal(object, object)

    def __init__(self, page: QWidget):
        super().__init__(page)
        self.page = page
        self.tab = page  # messages of this panel's slots go to the page
        self.stale = True
        self.query: Query | None = None
        self._read_scope: dict | None = None  # the scope of the read under way (an early part must be of it)
        self._shown_scope: dict | None = None  # the scope of the rows shown (a read of another: no place kept)
        self.early_rows: Any = None  # what show_early showed, until the read ends
        self.early.connect(self._early, Qt.ConnectionType.QueuedConnection)
        # 乡镇 first, shown only when the rows may be of more than one town (a county's whole ledger):
        # branches of one name in two towns are told apart.
        self.towns: dict[str, str] = {}  # organisation id -> its town's name, read with the rows
        town = Col("乡镇", lambda r: self.towns.get(_org_of(r), ""), name=True)
        self.model = RowModel((town, *self.COLUMNS), self)
        self.view = table_view(self.model, self.TITLE)
        self.view.setColumnHidden(0, True)
        self.view.doubleClicked.connect(lambda *_: self._enter())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view, activated=self._enter,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.view, activated=self._enter,
                  context=Qt.ShortcutContext.WidgetShortcut)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, fn in self.actions():
            b = QPushButton(text)
            b.clicked.connect(fn)
            self.bar.addWidget(b)
            self.buttons[text.split("(")[0].rstrip("…")] = b
        self.importer = None
        if self.IMPORT:
            from .record_import import RecordImporter

            self.importer = RecordImporter(self)
            b = QPushButton(self.IMPORT_TEXT)
            b.setToolTip(self.importer.hint())
            b.clicked.connect(self.importer.import_dialog)
            self.bar.addWidget(b)
            self.buttons["导入 Excel"] = b
        self.bar.addStretch(1)
        # Export and print share one button (the bar fits a 1280-pixel screen): 导出 Excel, 打印/PDF,
        # and what a ledger adds (the dues register, the reminder list).
        self.export_button = QToolButton()
        self.export_button.setText("导出与打印(&C)")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for text, fn in self.menu_actions():
            menu.addAction(text, fn)
        if self.importer is not None:
            menu.addAction("保存导入模板…", self.importer.template_dialog)
        # 导出 Excel / 打印/PDF take the table as shown (its sort), also from the table's context menu.
        self.table_actions = add_table_export(self.view, page, self.export_title)
        menu.addActions(self.table_actions)
        self.export_button.setMenu(menu)
        self.bar.addWidget(self.export_button)
        lay.addLayout(self.bar)
        self.body(lay)
        self.hint = plain(QLabel())  # names members, branches and towns as written
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(css(HINT_HEX))
        lay.addWidget(self.hint)
        # A county's or a prefecture's ledger takes a second or two to read: the hint says so
        # instead of leaving the table empty (or showing another town's rows) without a word.
        self._reading = QTimer(self, singleShot=True)  # started with READING_HINT_MS by refresh
        self._reading.timeout.connect(lambda: self.hint.setText(f"正在读取{self.TITLE}……"))

    def body(self, lay: QVBoxLayout) -> None:
        lay.addWidget(self.view, 1)

    def export_also(self, view: QTableView, name: str, branch: Callable[[], str] | None = None) -> None:
        """导出 Excel / 打印/PDF of a second table of the panel as shown: from its context menu and
        from a submenu `name` of the 导出与打印 button, titled like the ledger (year, branch; `branch()`:
        the branch the table shows when a row of the main table picked it)."""
        def title() -> str:
            from ...tables.ledger_tables import NOT_BY_YEAR

            scope = self.page.scope()
            org = (branch() if branch else "") or (self.page.org_combo.currentText() if scope["org_id"] else "")
            text = name if self.KIND in NOT_BY_YEAR else f"{scope['year']}年{name}"
            return f"{text}（{org}）" if org else text

        self.export_button.menu().addMenu(name).addActions(add_table_export(view, self.page, title))

    def actions(self) -> list[tuple[str, Callable]]:
        return []

    def menu_actions(self) -> list[tuple[str, Callable]]:
        """Extra entries of the 导出与打印 menu."""
        return []

    # ---- loading -------------------------------------------------------------------------------
    @property
    def db(self):
        return self.page.db

    def load(self, db, scope: dict) -> Any:  # pragma: no cover - every panel reads its ledger
        raise NotImplementedError

    def forget(self) -> None:
        """Drop what was read (another database is opened), and what a read under way would show."""
        self.query = self._read_scope = None
        self._reading.stop()
        self._whole_shown()
        self.model.set_rows([])

    def show_rows(self, result: Any) -> None:
        self.set_rows(result)
        self.hint.setText(self.summary(result))

    def set_rows(self, rows: Any) -> None:
        """Show rows in the main table, columns fitted to them the first time there are any. The
        clerk's place is kept (kit.row_model.set_rows_in_place, rows known by ROW_KEY): after a
        payment is saved they go on from that member with the arrow keys; a row no longer listed
        (paid up under 只看欠缴) leaves the cursor on the row that took its place."""
        same = self._read_scope is None or self._read_scope == self._shown_scope  # (a save, a filter: None)
        set_rows_in_place(self.view, rows, self.ROW_KEY, place=same)
        if rows and not getattr(self, "_fitted", False):
            fit_columns(self.view, len(rows))
            self._fitted = True
        # 乡镇 is shown when the rows may be of several towns: a database of several, all of them
        # chosen. Told by the scope, not by reading every row (a prefecture's 294,000 took 1.3 s).
        scope = self.page.scope()
        several = bool(self.towns) and scope.get("office_id") is None and scope.get("org_id") is None
        self.view.setColumnHidden(0, not several)
        if several and self.view.columnWidth(0) < TOWN_WIDTH:  # shown after the fit
            self.view.setColumnWidth(0, TOWN_WIDTH)

    def summary(self, rows: Any) -> str:
        return f"共{len(rows)}条。"

    def refresh(self) -> None:
        if self.db is None:
            self.model.set_rows([])
            return
        scope = dict(self.page.scope())
        self.stale = False
        q = Query(self.page, f"正在读取{self.TITLE}……", lambda db: (self.load(db, scope), org_towns(db)),
                  progress=False)
        self.query = q
        self._read_scope = scope
        self._reading.start(READING_HINT_MS)

        def done(read, q=q) -> None:
            if self.query is q:
                result, self.towns = read
                self._reading.stop()
                self._whole_shown()
                self.show_rows(result)
                self._shown_scope = scope
                self.loaded.emit()

        def ended(q=q) -> None:  # also after a failure (told by a message): no "reading" left behind
            if self.query is q:
                self._reading.stop()
                self._read_scope = None
                if self.early_rows is not None:  # failed after an early part: nothing half-read stays
                    self._whole_shown()
                    self.model.set_rows([])
                if self.hint.text().startswith("正在读取"):
                    self.hint.setText("")

        q.success(done).after(ended).run_in_background()

    def show_early(self, scope: dict, part: Any) -> None:
        """Called by `load` on the read's thread: show `part` (e.g. a county's first town) while the
        rest is read. Shown only while that read is the panel's latest."""
        with suppress(RuntimeError):  # the page is gone (the window closed under the read)
            self.early.emit(scope, part)

    def _early(self, scope: dict, part: Any) -> None:
        if scope is not self._read_scope or self.query is None or not self.query.running:
            return
        self._reading.stop()
        self.early_rows = part
        for action in self.table_actions:  # the table as shown is exported once it is all there
            action.setEnabled(False)
        self.show_part(part)

    def _whole_shown(self) -> None:
        self.early_rows = None
        for action in self.table_actions:
            action.setEnabled(True)

    def show_part(self, part: Any) -> None:
        """Rows shown before the read ends (a panel whose part is not a list of rows says how to show it)."""
        self.set_rows(part)
        self.hint.setText(f"正在读取{self.TITLE}，先显示{len(part)}条……")

    # ---- rows and entry ------------------------------------------------------------------------
    def current(self) -> Any:
        idx = self.view.currentIndex()
        return self.model.row(idx.row()) if idx.isValid() else None

    def _enter(self) -> None:
        if self.ENTER is not None:
            getattr(self, self.ENTER)()

    def open_dialog(self, cls, **context) -> dialogs.EntryDialog:
        dlg = cls(self.page, **context)
        dlg.saved.connect(lambda _r: self.view.setFocus())
        self.page.current_dialog = dlg
        dlg.open()
        return dlg

    def branch_items(self, kinds: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
        from ...ledgers.common import branches

        scope = self.page.scope()
        rows = branches(self.db, office_id=scope["office_id"], org_id=scope["org_id"])
        return [(r["name"], r["id"]) for r in rows if kinds is None or r["kind"] in kinds]

    def members(self, **kw) -> list:
        scope = self.page.scope()
        return members_in(self.db, office_id=scope["office_id"], org_id=scope["org_id"], **kw)

    # ---- export --------------------------------------------------------------------------------
    def export_title(self) -> str:
        from ...tables.ledger_tables import LISTS, NOT_BY_YEAR

        scope = self.page.scope()
        title = LISTS[self.KIND] if self.KIND in NOT_BY_YEAR else f"{scope['year']}年{LISTS[self.KIND]}"
        org = self.page.org_combo.currentText() if scope["org_id"] else ""
        return f"{title}（{org}）" if org else title

    @slot
    def export(self, path: str | Path, kind: str | None = None) -> Query:
        """Write this ledger (or another list, e.g. the reminder list) to .xlsx or .pdf off the GUI thread."""
        from ...tables.ledger_tables import save_ledger

        s = self.page.scope()
        kind = kind or self.KIND
        q = Query(self.page, f"正在保存“{Path(path).name}”……", lambda db, progress: save_ledger(
            db, kind, s["year"], path, office_id=s["office_id"], org_id=s["org_id"], progress=progress),
            takes_progress=True, stops_at_progress=True)
        return q.success(self.page.saved_file).run_in_background()

    def remove(self, label: str, fn: Callable[[Any], None]) -> None:
        row = self.current()
        if row is None:
            self.page.inform("请先在表中选择一条记录。")
            return
        self.page.ask(f"确定删除这条{label}吗？删除记入变更日志。", "删除", lambda: dialogs.apply(
            self.page, f"删除{label}", lambda db: fn(row)), yes_text="删除")


class TrainingPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "training", "教育培训", models.TRAINING
    WATCHED = frozenset({"training_record", "member"})
    IMPORT = True
    ENTER = "add"

    def actions(self):
        return [("登记培训(&N)…", self.add), ("删除", self.delete)]

    def load(self, db, s):
        return records.trainings(db, s["year"], office_id=s["office_id"], org_id=s["org_id"])

    def summary(self, rows):
        people = len({r["member_id"] for r in rows})
        return f"{len(rows)}人次，{people}名党员，共{sum(r['hours'] for r in rows):g}学时。"

    @slot
    def add(self):
        self.open_dialog(dialogs.TrainingDialog, members=self.members())

    @slot
    def delete(self):
        self.remove("教育培训记录", lambda r: records.remove_record(self.db, "training_record", r["id"]))


class RewardsPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "rewards", "奖惩", models.REWARDS
    WATCHED = frozenset({"reward_record", "member"})
    IMPORT = True
    ENTER = "add"

    def actions(self):
        return [("登记奖惩(&N)…", self.add), ("删除", self.delete)]

    def load(self, db, s):
        return records.rewards(db, s["year"], office_id=s["office_id"], org_id=s["org_id"])

    def summary(self, rows):
        bad = sum(1 for r in rows if r["kind"] == "处分")
        return f"奖励{len(rows) - bad}人次，处分{bad}人次。处分可能触发考核方案的否决项（由审核人决定）。"

    @slot
    def add(self):
        self.open_dialog(dialogs.RewardDialog, members=self.members())

    @slot
    def delete(self):
        self.remove("奖惩记录", lambda r: records.remove_record(self.db, "reward_record", r["id"]))


class VisitsPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "visits", "走访慰问", models.VISITS
    WATCHED = frozenset({"care_visit", "ledger_photo", "member"})
    IMPORT = True
    ENTER = "add"

    def actions(self):
        return [("登记走访(&N)…", self.add), ("删除", self.delete)]

    def load(self, db, s):
        return (records.visits(db, s["year"], office_id=s["office_id"], org_id=s["org_id"]),
                records.care_targets(db, office_id=s["office_id"], org_id=s["org_id"]))

    def show_rows(self, result):
        rows, targets = result
        self.set_rows(rows)
        reached = {r["member_id"] for r in rows}
        missing = [t["name"] for t in targets if t["id"] not in reached]
        self.hint.setText(f"困难党员和建国前老党员{len(targets)}人，本年走访{len(rows)}次，覆盖{len(targets) - len(missing)}人"
                          + (f"；尚未走访：{'、'.join(missing[:12])}{'等' if len(missing) > 12 else ''}" if missing else "。"))

    @slot
    def add(self):
        people = sorted(self.members(), key=lambda m: not (m["is_hardship"] or m["is_old"]))
        self.open_dialog(dialogs.VisitDialog, members=people)

    @slot
    def delete(self):
        self.remove("走访慰问记录", lambda r: records.remove_record(self.db, "care_visit", r["id"]))


class TalksPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "talks", "谈心谈话", models.TALKS
    WATCHED = frozenset({"talk_record", "ledger_photo"})
    IMPORT = True
    ENTER = "add"

    def actions(self):
        return [("登记谈话(&N)…", self.add), ("删除", self.delete)]

    def load(self, db, s):
        return records.talks(db, s["year"], office_id=s["office_id"], org_id=s["org_id"])

    def summary(self, rows):
        return f"{len(rows)}次谈心谈话，附照片{sum(r['photos'] for r in rows)}张。"

    @slot
    def add(self):
        self.open_dialog(dialogs.TalkDialog, branches=self.branch_items())

    @slot
    def delete(self):
        self.remove("谈心谈话记录", lambda r: records.remove_record(self.db, "talk_record", r["id"]))


class FundsPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "funds", "党建工作经费", models.FUNDS
    WATCHED = frozenset({"fund_entry", "member"})
    ENTER = "add"

    def body(self, lay):
        self.entries = RowModel(models.FUND_ENTRIES, self)
        self.entries_view = table_view(self.entries, "经费收支明细")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.entries_view)
        lay.addWidget(split, 1)
        self.export_also(self.entries_view, "经费收支明细", lambda: self.current().org_name if self.current() else "")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_entries())

    def actions(self):
        return [("登记收支(&N)…", self.add), ("删除明细", self.delete)]

    def load(self, db, s):
        return (funds.summaries(db, s["year"], office_id=s["office_id"], org_id=s["org_id"]),
                funds.entries(db, s["year"], office_id=s["office_id"], org_id=s["org_id"]))

    def show_rows(self, result):
        self.summaries, self.all_entries = result
        self.set_rows(self.summaries)
        self._show_entries()
        low = [s.org_name for s in self.summaries if s.standard_fen is not None and not s.provided]
        self.hint.setText("机关、事业单位党组织党建工作经费应达到人均600元/年" +
                          (f"；未达到：{'、'.join(low)}。" if low else "。"))

    def _show_entries(self):
        s = self.current()
        rows = [r for r in getattr(self, "all_entries", []) if s is None or r["org_id"] == s.org_id]
        self.entries.set_rows(rows)

    @slot
    def add(self):
        self.open_dialog(dialogs.FundDialog, branches=self.branch_items())

    @slot
    def delete(self):
        idx = self.entries_view.currentIndex()
        row = self.entries.row(idx.row()) if idx.isValid() else None
        if row is None:
            self.page.inform("请先在下方明细中选择一条收支记录。")
            return
        self.page.ask("确定删除这条经费记录吗？删除记入变更日志。", "删除", lambda: dialogs.apply(
            self.page, "删除经费记录", lambda db: funds.remove_entry(db, row["id"])), yes_text="删除")


class CadresPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "cadres", "后备干部", models.CADRES
    WATCHED = frozenset({"reserve_cadre", "committee_member", "committee_term", "member"})
    ENTER = "add"

    def body(self, lay):
        self.structure = RowModel(models.STRUCTURE, self)
        self.structure_view = table_view(self.structure, "支委班子结构")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(QLabel("支委班子结构（对照：35岁至45岁为主体，高中以上文化程度占一半以上）："))
        inner.addWidget(self.structure_view, 1)
        split.addWidget(box)
        lay.addWidget(split, 1)
        self.export_also(self.structure_view, "支委班子结构")

    def actions(self):
        return [("登记后备干部(&N)…", self.add), ("不再列入", self.end)]

    def load(self, db, s):
        from ...ledgers.common import branches

        rows = branches(db, office_id=s["office_id"], org_id=s["org_id"])
        office = s["office_id"] or db.local_office_id
        return (cadres.cadres(db, office_id=s["office_id"], org_id=s["org_id"]),
                cadres.committee_structures(db, rows),
                [w for w in cadres.cadre_warnings(db, office_id=office)
                 if not s["org_id"] or w.org_id in {b["id"] for b in rows}])

    def show_rows(self, result):
        rows, structure, warnings = result
        self.set_rows(rows)
        self.structure.set_rows(structure)
        self.hint.setText("；".join(w.message for w in warnings) or "每个行政村都有1-2名后备干部。")

    @slot
    def add(self):
        self.open_dialog(dialogs.CadreDialog, branches=self.branch_items(("村", "社区")), members=self.members())

    @slot
    def end(self):
        row = self.current()
        if row is None:
            self.page.inform("请先在表中选择一名后备干部。")
            return
        self.page.ask(f"{row['name']}自今日起不再列为后备干部？", "后备干部", lambda: dialogs.apply(
            self.page, "后备干部不再列入", lambda db: cadres.end_cadre(db, row["id"], until=dates.today().isoformat())))


class PlaquesPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "plaques", "挂牌", models.PLAQUES
    WATCHED = frozenset({"plaque", "round_branch"})

    def actions(self):
        return [("摘牌(&R)…", self.revoke), ("按考核结果更新(&U)", self.update_from_rounds)]

    def load(self, db, s):
        return plaques.history(db, office_id=s["office_id"], org_id=s["org_id"])

    def summary(self, rows):
        hanging = [r for r in rows if not r["removed_on"]]
        return f"现挂牌{len(hanging)}块（五星、四星级服务型党组织和六有党支部挂牌；三星及以下只评星不挂牌）。"

    @slot
    def revoke(self):
        row = self.current()
        if row is None or row["removed_on"]:
            self.page.inform("请先选择一块现挂的牌匾。")
            return
        self.open_dialog(dialogs.RevokeDialog, plaque=row)

    @slot
    def update_from_rounds(self):
        from ...assessment.plaque_results import update_from_round
        from ...assessment.rounds import list_rounds

        def run(db):
            changes = [update_from_round(db, r.id) for r in sorted(list_rounds(db), key=lambda r: r.year)]
            return sum(len(c.hung) for c in changes), sum(len(c.removed) for c in changes)

        hung, removed = dialogs.apply(self.page, "按考核结果更新挂牌", run)
        self.page.inform(f"已按已确定的考核结果更新：挂牌{hung}块，摘牌{removed}块。")
