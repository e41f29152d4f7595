"""The 统计 page: the membership's structure, assessments year over year, points and 三会一课,
each as tables with charts, for the office, a town or a branch, at a chosen date and year.

Everything is counted off the GUI thread (kit Query, on its own read-only connection); the page
only lays the views out: the table at once, the chart when it is drawn (off the GUI thread too).
What was counted is kept per scope until the database changes (cache.py), so a scope shown
again is laid out without counting. 导出 Excel and 打印/PDF write the section's tables with the one shared
writer (tables.save_tables: the same files as `dangjian report structure --out`), 导出图片 the
chart on show as a PNG rasterised from the very PDF drawing that is printed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QTabWidget, QVBoxLayout, QWidget)

from ... import dates
from ...db import Database
from ...errors import UserError
from ...statistics import views as core
from ...statistics.structure import default_date
from ..kit.messages import MessageHost, slot
from ..kit.operations import Query, commit_mark
from ..kit.plain_text import plain
from ..scope_combos import fill_towns
from . import cache
from .chart_view import save_chart_pdf, save_png
from .section import StatSection

#: Tables whose change makes the page count again.
WATCHED = frozenset({"member", "org", "office", "points_entry", "points_item", "points_year", "points_exemption",
                     "meeting", "assessment_round", "round_branch", "round_score", "round_veto", "committee_member",
                     "committee_term", "dev_person", "dev_step"})
STRUCTURE, ASSESSMENT, POINTS, MEETINGS = "structure", "assessment", "points", "meetings"
TITLES = {STRUCTURE: "党员队伍结构", ASSESSMENT: "考核结果（逐年）", POINTS: "党员积分", MEETINGS: "三会一课（逐月）"}
FILE_NAMES = {STRUCTURE: "党员队伍结构统计", ASSESSMENT: "考核结果逐年比较", POINTS: "党员积分统计",
              MEETINGS: "三会一课逐月完成情况"}


class StatisticsPage(QWidget, MessageHost):
    loaded = Signal(str)  # a section finished loading (its key)
    exported = Signal(object)  # the Path of a file written

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.current_dialog = None
        self.queries: dict[str, Query] = {}
        self._county = False
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.town_label = QLabel("乡镇：")
        self.town_combo = QComboBox()
        self.town_combo.setMinimumContentsLength(8)
        self.org_combo = QComboBox()
        self.org_combo.setMinimumContentsLength(14)
        self.org_combo.setMaxVisibleItems(25)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        d = default_date()
        self.date_edit.setDate(QDate(d.year, d.month, d.day))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setValue(dates.today().year)
        self.year_spin.setSuffix(" 年")
        for w in (self.town_label, self.town_combo, QLabel("党组织："), self.org_combo, QLabel("统计时间："),
                  self.date_edit, QLabel("年度："), self.year_spin):
            bar.addWidget(w)
        bar.addStretch(1)
        self.excel_button = QPushButton("导出 Excel…")
        self.pdf_button = QPushButton("打印/PDF…")
        self.png_button = QPushButton("导出图片…")
        self.excel_button.setToolTip("把本页的各张表保存为一个 Excel 文件（每表一个工作表）")
        self.pdf_button.setToolTip("把本页的各张表连同图表保存为 A4 的 PDF，可直接打印")
        self.png_button.setToolTip("把显示的图表保存为 PNG 图片")
        for b in (self.excel_button, self.pdf_button, self.png_button):
            bar.addWidget(b)
        lay.addLayout(bar)
        self.tabs = QTabWidget()
        self.sections: dict[str, StatSection] = {}
        for key, title in TITLES.items():
            sec = StatSection(title)
            sec.export_table_requested.connect(lambda kind, k=key: self.export_dialog(kind, "table", k))
            sec.export_chart_requested.connect(lambda kind: self.export_dialog(kind, "chart"))
            sec.list.currentRowChanged.connect(lambda _r: self._update_actions())
            self.sections[key] = sec
            self.tabs.addTab(sec, title)
        lay.addWidget(self.tabs, 1)
        self.status = plain(QLabel())  # a file's path, shown as written
        lay.addWidget(self.status)
        self.town_combo.currentIndexChanged.connect(self._town_changed)
        self.org_combo.currentIndexChanged.connect(self._scope_changed)
        self.date_edit.dateChanged.connect(self._scope_changed)
        self.year_spin.valueChanged.connect(self._scope_changed)
        self.tabs.currentChanged.connect(lambda _i: (self._update_actions(), self.refresh()))
        self.excel_button.clicked.connect(lambda: self.export_dialog("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export_dialog("pdf"))
        self.png_button.clicked.connect(lambda: self.export_dialog("png", "chart"))
        self._update_actions()

    # ---- database and scope ----------------------------------------------------------------
    def set_database(self, db: Database | None) -> None:
        self.db = db
        for sec in self.sections.values():
            sec.stale = True
            sec.clear()
        self._fill_scope()
        if db is not None:
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(core.latest_year(db))
            self.year_spin.blockSignals(False)
        if self.isVisible():
            self.refresh()

    def on_data_changed(self, tables) -> None:
        if tables and not set(tables) & WATCHED:
            return
        if tables and set(tables) & {"org", "office"}:
            self._fill_scope()
        for sec in self.sections.values():
            sec.stale = True
        if self.isVisible():
            self.refresh()

    def _fill_scope(self) -> None:
        self.town_combo.blockSignals(True)
        self._county = fill_towns(self.db, self.town_label, self.town_combo)
        self._fill_orgs()
        self.town_combo.blockSignals(False)

    def _fill_orgs(self) -> None:
        self.org_combo.blockSignals(True)
        self.org_combo.clear()
        db = self.db
        office = self.town_combo.currentData() if self._county else (db.local_office_id if db else None)
        self.org_combo.addItem("全部" if office or not self._county else "全县", None)
        if db is not None and office:
            for org_id, name in core.scope_orgs(db, office):
                self.org_combo.addItem(name, org_id)
        self.org_combo.setEnabled(self.org_combo.count() > 1)
        self.org_combo.blockSignals(False)

    def scope(self) -> dict:
        """The chosen town (office), organisation, date and year."""
        db = self.db
        office_id = self.town_combo.currentData() if self._county else None
        org_id = self.org_combo.currentData()
        root = core.town_root(db, office_id) if office_id and db is not None else None
        q = self.date_edit.date()
        return {"office_id": office_id, "org_id": org_id, "structure_org": org_id or root,
                "as_of": dt.date(q.year(), q.month(), q.day()), "year": self.year_spin.value(),
                "by_town": self._county and not office_id}

    def _town_changed(self, _index: int) -> None:
        self._fill_orgs()
        self._scope_changed()

    def _scope_changed(self, *_args) -> None:
        for sec in self.sections.values():
            sec.stale = True
        self.refresh()

    # ---- loading ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def current_key(self) -> str:
        return list(self.sections)[self.tabs.currentIndex()]

    def _work(self, key: str, s: dict):
        if key == STRUCTURE:  # from the counts kept: after a save only the members changed are counted
            return lambda db: core.structure_views(db, s["structure_org"], s["as_of"], kept_between_runs=True)
        if key == ASSESSMENT:
            return lambda db: core.assessment_views(db, s["office_id"], s["org_id"])
        if key == POINTS:
            return lambda db: core.points_views(db, s["year"], s["office_id"], s["org_id"])
        return lambda db: core.compliance_views(db, s["year"], s["office_id"], s["org_id"], s["as_of"], s["by_town"])

    def refresh(self) -> None:
        """Count the section on show again when the scope or the data changed since it was counted."""
        if self.isVisible():
            self.prepare()

    def prepare(self) -> None:
        """Count the current section if it is not counted yet: on show, or while the tab is hidden
        and the window idle (tab_preparer.py)."""
        if self.db is None:
            return
        key = self.current_key()
        sec = self.sections[key]
        s = self.scope()
        marker = tuple(sorted(s.items()))
        if not sec.stale and sec.loaded_scope == marker:
            return
        running = self.queries.get(key)
        if running is not None and running.running and getattr(running, "marker", None) == marker:
            return
        # Kept per day as well: whether a date is past (counted from the status history) moves at midnight.
        day = dates.today()
        kept = cache.counted(self.db, key, (marker, day))
        if kept is not None:  # counted before, and nothing written since
            self.queries.pop(key, None)
            self._show(key, kept, marker)
            return
        self.status.setText(f"正在统计{TITLES[key]}……")
        q = Query(self, f"正在统计{TITLES[key]}……", self._work(key, s), progress=False)
        q.marker = marker
        self.queries[key] = q
        db, mark = self.db, commit_mark(self.db)

        def done(views, q=q, key=key) -> None:
            cache.remember(db, key, (marker, day), mark, views)
            if self.queries.get(key) is not q:  # a newer scope was asked for meanwhile
                return
            self._show(key, views, marker)

        def failed(exc: BaseException, q=q, key=key) -> None:
            if self.queries.get(key) is q:
                self.sections[key].clear()
                self.status.setText("")
                self.show_error(exc)

        q.success(done).failure(failed).run_in_background()

    def _show(self, key: str, views, marker: tuple) -> None:
        self.sections[key].set_views(views, marker)
        self.status.setText("")
        self._update_actions()
        self.loaded.emit(key)

    def _update_actions(self) -> None:
        sec = self.sections[self.current_key()] if self.sections else None
        has = bool(sec and sec.views)
        for b in (self.excel_button, self.pdf_button):
            b.setEnabled(has)
        self.png_button.setEnabled(bool(sec and sec.chart.chart is not None))

    # ---- exports ---------------------------------------------------------------------------
    def default_name(self, target: str, kind: str, key: str | None = None) -> str:
        sec = self.sections[key or self.current_key()]
        if target == "chart":
            base = sec.chart.chart.title if sec.chart.chart else "图表"
        elif target == "table" and sec.current_view() is not None:
            base = sec.current_view().table.title
        else:
            base = FILE_NAMES[key or self.current_key()]
        return f"{base}.{kind}"

    @slot
    def export_dialog(self, kind: str, target: str = "section", key: str | None = None) -> None:
        """Ask where to save (non-blocking), then write: target "section" (every table of the section),
        "table" (the table on show), "chart" (the chart on show) as kind xlsx / pdf / png."""
        filters = {"xlsx": "Excel 工作簿 (*.xlsx)", "pdf": "PDF 文件 (*.pdf)", "png": "PNG 图片 (*.png)"}
        dlg = QFileDialog(self, "保存", str(Path.home() / self.default_name(target, kind, key)), filters[kind])
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix(kind)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if target == "chart":
            dlg.fileSelected.connect(self._export_chart_slot)
        else:
            dlg.fileSelected.connect(lambda path: self.export(path, only_shown=target == "table", key=key))
        self.current_dialog = dlg
        dlg.open()

    @slot
    def export(self, path: str | Path, *, only_shown: bool = False, key: str | None = None) -> Query | None:
        """Write the section's tables (or only the one on show), in the order shown, to .xlsx or .pdf
        off the GUI thread; `exported` says when the file is there."""
        from ...tables import check_suffix, save_tables

        path = Path(path)
        check_suffix(path)
        sec = self.sections[key or self.current_key()]
        tables = [sec.shown_table()] if only_shown else sec.tables()
        tables = [t for t in tables if t is not None]
        if not tables:
            self.inform("还没有可导出的表格。")
            return None
        title = sec.title
        q = Query(self, f"正在保存“{path.name}”……", lambda db: save_tables(tables, path, db=db, title=title))

        def saved(out) -> None:
            self.status.setText(f"已保存：{out}")
            self.exported.emit(out)

        return q.success(saved).run_in_background()

    @slot
    def _export_chart_slot(self, path: str) -> None:
        self.export_chart(path)

    def export_chart(self, path: str | Path) -> Path:
        """The chart on show as a PNG (200 dpi) or a one-page PDF: the drawing the report prints."""
        sec = self.sections[self.current_key()]
        if sec.chart.chart is None:
            raise UserError("没有显示图表。")
        path = Path(path)
        out = save_png(sec.chart.chart, path, data=sec.chart.pdf) if path.suffix.lower() != ".pdf" \
            else save_chart_pdf(sec.chart.chart, path, data=sec.chart.pdf)
        self.status.setText(f"已保存：{out}")
        self.exported.emit(out)
        return out
