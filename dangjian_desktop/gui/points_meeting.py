"""会议与考勤: the meeting list of a branch and the 登记会议 screen, where a whole branch's
attendance is ticked (arrow keys, 1/2/3, Space) and one 确认 writes the meeting, the
attendance and the points; 撤销上一批 takes the last batch back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QPushButton, QScrollArea, QSplitter, QStackedWidget, QTableView,
                               QVBoxLayout, QWidget)

from .. import dates
from ..meetings import MEETING_TYPES, STATUSES
from ..meetings import ledger as meetings
from ..points.batch import undoable_batch
from ..points.common import fmt_points
from .forms import load_form
from .screen_fit import fit_to_screen
from .points_common import (ALIGN_CENTER, AMBER, GREEN, RED, Col, RowsModel, error_text, iso_of, set_date,
                            slot)

STATUS_COLORS = {"出席": GREEN, "请假": AMBER, "缺席": RED}
STATUS_BACKGROUNDS = {"请假": QColor("#fff3d6"), "缺席": QColor("#fde0e0")}
STATUS_KEYS = {Qt.Key.Key_1: "出席", Qt.Key.Key_2: "请假", Qt.Key.Key_3: "缺席"}


class AttendanceModel(QAbstractTableModel):
    """The members expected at a meeting, each with a status (出席 by default), laid out as a
    grid filled column by column so that a 60-member branch fits on one screen."""

    ROWS_PER_COLUMN = 15
    MAX_COLUMNS = 6
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.people: list[meetings.Candidate] = []
        self.status: dict[str, str] = {}
        self.n_rows = 0
        self.n_cols = 0

    def set_people(self, people: list[meetings.Candidate], keep: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self.people = list(people)
        keep = keep or {}
        self.status = {p.member_id: keep.get(p.member_id, "出席") for p in self.people}
        n = len(self.people)
        self.n_cols = max(1, min(self.MAX_COLUMNS, -(-n // self.ROWS_PER_COLUMN))) if n else 0
        self.n_rows = -(-n // self.n_cols) if n else 0
        self.endResetModel()
        self.changed.emit()

    # ---- grid <-> list ------------------------------------------------------------------------
    def position(self, index: QModelIndex) -> int | None:
        """The list position of a cell (column-major), or None for an empty cell."""
        if not index.isValid():
            return None
        k = index.column() * self.n_rows + index.row()
        return k if 0 <= k < len(self.people) and index.row() < self.n_rows else None

    def index_of(self, k: int) -> QModelIndex:
        if not 0 <= k < len(self.people) or not self.n_rows:
            return QModelIndex()
        return self.index(k % self.n_rows, k // self.n_rows)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else self.n_rows

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else self.n_cols

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        k = self.position(index)
        if k is None:
            return None
        p = self.people[k]
        status = self.status[p.member_id]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "（流动）" if "流动党员" in p.classes else ""
            return f"{k + 1}. {p.name}{mark}　{status}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(STATUS_COLORS[status])
        if role == Qt.ItemDataRole.BackgroundRole and status != "出席":
            return QBrush(STATUS_BACKGROUNDS[status])
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = "，".join(x for x in (p.group_name, p.role, "、".join(p.classes)) if x)
            return f"{p.name}{('（' + extra + '）') if extra else ''}：{status}\n按 1 出席、2 请假、3 缺席；空格或单击切换"
        if role == Qt.ItemDataRole.UserRole:
            return p.member_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self.n_cols:
                return None
            first = section * self.n_rows + 1
            return f"第{first}–{min(len(self.people), first + self.n_rows - 1)}人"
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if self.position(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _touch(self, k: int) -> None:
        idx = self.index_of(k)
        if idx.isValid():
            self.dataChanged.emit(idx, idx)

    def set_status(self, positions: list[int], status: str) -> None:
        for k in positions:
            if 0 <= k < len(self.people):
                self.status[self.people[k].member_id] = status
                self._touch(k)
        self.changed.emit()

    def cycle(self, positions: list[int]) -> None:
        for k in positions:
            if 0 <= k < len(self.people):
                mid = self.people[k].member_id
                self.status[mid] = STATUSES[(STATUSES.index(self.status[mid]) + 1) % len(STATUSES)]
                self._touch(k)
        self.changed.emit()

    def status_of(self, name: str) -> str:
        return next(self.status[p.member_id] for p in self.people if p.name == name)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for v in self.status.values() if v == s) for s in STATUSES}


def selected_positions(view: QTableView, model: AttendanceModel) -> list[int]:
    found = {model.position(i) for i in view.selectionModel().selectedIndexes()}
    if not found and view.currentIndex().isValid():
        found = {model.position(view.currentIndex())}
    return sorted(k for k in found if k is not None)


class _AttendanceKeys(QObject):
    """1/2/3 set the selected members' status (a single one then moves to the next); Space cycles."""

    def __init__(self, view: QTableView, model: AttendanceModel):
        super().__init__(view)
        self.view, self.model = view, model

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        chosen = selected_positions(self.view, self.model)
        if key in STATUS_KEYS and chosen:
            self.model.set_status(chosen, STATUS_KEYS[key])
            if len(chosen) == 1 and chosen[0] + 1 < len(self.model.people):
                self.view.selectionModel().setCurrentIndex(
                    self.model.index_of(chosen[0] + 1), QItemSelectionModel.SelectionFlag.ClearAndSelect)
            return True
        if key == Qt.Key.Key_Space and chosen:
            self.model.cycle(chosen)
            return True
        return False


class MeetingEntryPage(QWidget):
    """登记会议: type, date, place, host, topic, content, photos and the attendance of everyone expected."""

    saved = Signal(object)  # MeetingRecord
    cancelled = Signal()

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self.tab = tab
        self.form = load_form("points_meeting_form.ui", self)
        f = self.form
        self.model = AttendanceModel(self)
        f.attendanceView.setModel(self.model)
        f.attendanceView.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        f.attendanceView.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        f.attendanceView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        f.attendanceView.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        f.attendanceView.verticalHeader().setVisible(False)
        f.attendanceView.verticalHeader().setDefaultSectionSize(24)
        self.keys = _AttendanceKeys(f.attendanceView, self.model)
        f.attendanceView.installEventFilter(self.keys)
        f.attendanceView.clicked.connect(self._clicked)
        for t in MEETING_TYPES:
            f.typeCombo.addItem(t, t)
        f.typeCombo.currentIndexChanged.connect(self._type_changed)
        f.groupCombo.currentIndexChanged.connect(self._type_changed)
        f.allPresentButton.clicked.connect(lambda: self.model.set_status(list(range(len(self.model.people))), "出席"))
        f.presentButton.clicked.connect(lambda: self._mark("出席"))
        f.leaveButton.clicked.connect(lambda: self._mark("请假"))
        f.absentButton.clicked.connect(lambda: self._mark("缺席"))
        f.photoButton.clicked.connect(self._choose_photos)
        f.confirmButton.clicked.connect(self.confirm)
        f.cancelButton.clicked.connect(self.cancelled.emit)
        self.model.changed.connect(self._update_counts)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.confirm,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Escape"), self, activated=self.cancelled.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        f.confirmButton.setToolTip("Ctrl+Enter：确认登记")
        self.org_id: str | None = None
        self.photo_paths: list[Path] = []
        self._linked: dict = {}

    # ---- set up --------------------------------------------------------------------------
    def start(self, org_id: str, org_name: str, year: int) -> None:
        """Begin a new meeting for a branch (all present by default)."""
        db = self.tab.db
        f = self.form
        self.org_id = org_id
        self.year = year
        self.photo_paths = []
        f.photosLabel.setText("未添加照片")
        f.formError.clear()
        f.titleLabel.setText(f"<h3>登记会议：{org_name}</h3>")
        for w in (f.placeEdit, f.topicEdit):
            w.clear()
        f.contentEdit.clear()
        today = dates.today()
        set_date(f.dateEdit, today if year >= today.year else today.replace(year=year, month=12, day=31))
        f.groupCombo.blockSignals(True)
        f.groupCombo.clear()
        for g in db.query("SELECT id, name FROM org WHERE parent_id = ? AND org_type = '党小组' ORDER BY sort_order, name",
                          (org_id,)):
            f.groupCombo.addItem(g["name"], g["id"])
        f.groupCombo.blockSignals(False)
        f.typeCombo.blockSignals(True)
        f.typeCombo.setCurrentIndex(0)
        f.typeCombo.blockSignals(False)
        self._type_changed()
        f.typeCombo.setFocus()

    def meeting_type(self) -> str:
        return self.form.typeCombo.currentData()

    def _type_changed(self, *_args) -> None:
        if self.org_id is None or self.tab.db is None:
            return
        f = self.form
        t = self.meeting_type()
        group_meeting = t == "党小组会" and f.groupCombo.count() > 0
        f.groupLabel.setVisible(group_meeting)
        f.groupCombo.setVisible(group_meeting)
        people = meetings.candidates(self.tab.db, self.org_id, t,
                                     group_id=f.groupCombo.currentData() if group_meeting else None, year=self.year)
        self.model.set_people(people, keep=dict(self.model.status))
        host = f.hostCombo.currentText()
        f.hostCombo.blockSignals(True)
        f.hostCombo.clear()
        ordered = sorted(people, key=lambda p: (p.role != "书记", p.role == "", p.name_pinyin))
        for p in ordered:
            f.hostCombo.addItem(p.name + (f"（{p.role}）" if p.role else ""), p.member_id)
        if host and f.hostCombo.findText(host) >= 0:
            f.hostCombo.setCurrentIndex(f.hostCombo.findText(host))
        elif ordered:
            f.hostCombo.setCurrentIndex(0)
        f.hostCombo.blockSignals(False)
        year = int(iso_of(f.dateEdit)[:4])
        self._linked = meetings.linked_items(self.tab.db, self.tab.office_id, year, t) if self.tab.office_id else {}
        self._update_counts()
        if self.model.people:
            f.attendanceView.setCurrentIndex(self.model.index_of(0))

    def _mark(self, status: str) -> None:
        self.model.set_status(selected_positions(self.form.attendanceView, self.model), status)

    def _clicked(self, index: QModelIndex) -> None:
        k = self.model.position(index)
        if k is not None and len(self.form.attendanceView.selectionModel().selectedIndexes()) <= 1:
            self.model.cycle([k])

    def _update_counts(self) -> None:
        c = self.model.counts()
        self.form.countsLabel.setText(f"应到 {sum(c.values())} 人：出席 {c['出席']}，请假 {c['请假']}，缺席 {c['缺席']}")
        parts = []
        for s in STATUSES:
            it = self._linked.get(s)
            if it is not None and c[s]:
                parts.append(f"{s} {c[s]} 人各记 {fmt_points(it.signed_points, signed=True)} 分（{it.code} {it.title}）")
        self.form.pointsLabel.setText(("确认后将记入积分：" + "；".join(parts) + "。") if parts
                                      else "本类会议在积分细则中没有关联积分项目，确认后只登记会议和考勤。")

    def _choose_photos(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择会议照片", "", "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp)")
        self.add_photo_paths([Path(p) for p in paths])

    def add_photo_paths(self, paths: list[Path]) -> None:
        self.photo_paths += [p for p in paths if p not in self.photo_paths]
        self.form.photosLabel.setText("、".join(p.name for p in self.photo_paths) or "未添加照片")

    # ---- confirm -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        f = self.form
        t = self.meeting_type()
        host_text = f.hostCombo.currentText().strip()
        i = f.hostCombo.findText(host_text)
        host_id = f.hostCombo.itemData(i) if i >= 0 else None
        host_name = host_text.split("（")[0] if host_id else host_text
        return {"org_id": self.org_id, "meeting_type": t, "date": iso_of(f.dateEdit),
                "group_id": f.groupCombo.currentData() if t == "党小组会" and f.groupCombo.count() else None,
                "place": f.placeEdit.text(), "host_member_id": host_id, "host_name": host_name,
                "topic": f.topicEdit.text(), "content": f.contentEdit.toPlainText(),
                "attendance": dict(self.model.status), "photos": list(self.photo_paths)}

    def confirm(self) -> None:
        if self.tab.db is None or self.org_id is None:
            return
        try:
            record = meetings.record_meeting(self.tab.db, **self.values())
        except Exception as e:  # noqa: BLE001 - shown under the form, the screen stays as typed
            self.form.formError.setText(error_text(e))
            return
        self.form.formError.clear()
        self.saved.emit(record)


MEETING_COLUMNS = (
    Col("日期", lambda r: dates.format_cn(r["date"]), sort=lambda r: r["date"]),
    Col("会议类型", lambda r: r["meeting_type"]),
    Col("党小组", lambda r: r["group_name"] or ""),
    Col("主题", lambda r: r["topic"]),
    Col("地点", lambda r: r["place"]),
    Col("主持人", lambda r: r["host_name"]),
    Col("出席", lambda r: r["present"], ALIGN_CENTER, sort=lambda r: r["present"]),
    Col("请假", lambda r: r["leave"], ALIGN_CENTER, lambda r: AMBER if r["leave"] else None, sort=lambda r: r["leave"]),
    Col("缺席", lambda r: r["absent"], ALIGN_CENTER, lambda r: RED if r["absent"] else None, sort=lambda r: r["absent"]),
    Col("照片", lambda r: r["photos"] or "", ALIGN_CENTER),
)
ATTENDEE_COLUMNS = (
    Col("姓名", lambda r: r["name"], sort=lambda r: r["name_pinyin"]),
    Col("考勤", lambda r: r["status"], ALIGN_CENTER, lambda r: STATUS_COLORS.get(r["status"])),
    Col("积分", lambda r: fmt_points(r["points"], signed=True) if r["points"] else "", ALIGN_CENTER),
)


class MeetingsWidget(QWidget):
    """The 会议与考勤 sub-tab: the branch's meetings, one meeting's attendance and photos, and the entry page."""

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self.tab = tab
        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        page = QWidget()
        lay = QVBoxLayout(page)
        row = QHBoxLayout()
        self.new_button = QPushButton("登记会议(&N)…")
        self.new_button.setToolTip("选择党支部后登记一次会议，勾选全支部党员的考勤，一次确认写入会议、考勤和积分")
        self.delete_button = QPushButton("删除会议")
        self.photo_button = QPushButton("添加照片…")
        self.undo_button = QPushButton("撤销上一批(&Z)")
        for b in (self.new_button, self.delete_button, self.photo_button, self.undo_button):
            row.addWidget(b)
        self.undo_label = QLabel()
        self.undo_label.setStyleSheet("color: #555555;")
        row.addWidget(self.undo_label, 1)
        lay.addLayout(row)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.model = RowsModel(MEETING_COLUMNS, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        split.addWidget(self.view)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        self.detail_label = QLabel("选择一次会议查看考勤")
        self.detail_label.setWordWrap(True)
        dl.addWidget(self.detail_label)
        self.att_model = RowsModel(ATTENDEE_COLUMNS, self)
        self.att_view = QTableView()
        self.att_view.setModel(self.att_model)
        self.att_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.att_view.verticalHeader().setVisible(False)
        self.att_view.verticalHeader().setDefaultSectionSize(24)
        self.att_view.horizontalHeader().setStretchLastSection(True)
        dl.addWidget(self.att_view, 1)
        fix = QHBoxLayout()
        fix.addWidget(QLabel("更正考勤："))
        self.fix_buttons = {}
        for s in STATUSES:
            b = QPushButton(f"改为{s}")
            b.clicked.connect(lambda _c=False, s=s: self.fix_attendance(s))
            fix.addWidget(b)
            self.fix_buttons[s] = b
        fix.addStretch(1)
        dl.addLayout(fix)
        dl.addWidget(QLabel("会议照片（双击查看）："))
        self.photo_list = QListWidget()
        self.photo_list.setMaximumHeight(90)
        self.photo_list.itemDoubleClicked.connect(self.show_photo)
        dl.addWidget(self.photo_list)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split, 1)
        self.stack.addWidget(page)

        self.entry = MeetingEntryPage(tab)
        self.stack.addWidget(self.entry)
        self.entry.saved.connect(self._saved)
        self.entry.cancelled.connect(lambda: self.stack.setCurrentIndex(0))
        self.new_button.clicked.connect(self.new_meeting)
        self.delete_button.clicked.connect(self.delete_meeting)
        self.photo_button.clicked.connect(self.add_photo)
        self.undo_button.clicked.connect(self.undo)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.last_record = None
        self.photo_dialog: QDialog | None = None

    # ---- state ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        tab = self.tab
        db = tab.db
        keep = self.current_meeting_id()
        rows = [] if db is None or tab.office_id is None else meetings.list_meetings(
            db, year=tab.year, org_id=tab.org_id, office_id=None if tab.org_id else tab.office_id)
        self.model.set_rows(rows)
        writable = db is not None and not db.readonly
        branch = tab.branch_id()
        self.new_button.setEnabled(writable and branch is not None)
        self.hint.setText("" if branch is not None or db is None else "请先在上方选择一个党支部，再登记会议。")
        self.undo_button.setEnabled(False)
        self.undo_label.clear()
        if db is not None and tab.office_id is not None:
            b = undoable_batch(db, tab.office_id)
            self.undo_button.setEnabled(writable and b is not None)
            self.undo_label.setText(f"上一批：{b.describe()}" if b else "")
        if keep:
            for r, m in enumerate(self.model.rows):
                if m["id"] == keep:
                    self.view.selectRow(r)
                    break
        self._selected()

    def current_meeting_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        m = self.model.row(rows[0].row()) if rows else None
        return m["id"] if m else None

    def _selected(self, *_args) -> None:
        db = self.tab.db
        mid = self.current_meeting_id()
        writable = db is not None and not db.readonly
        self.delete_button.setEnabled(writable and mid is not None)
        self.photo_button.setEnabled(writable and mid is not None)
        for b in self.fix_buttons.values():
            b.setEnabled(writable and mid is not None)
        self.photo_list.clear()
        if db is None or mid is None:
            self.att_model.set_rows([])
            self.detail_label.setText("选择一次会议查看考勤")
            return
        m = meetings.get_meeting(db, mid)
        self.att_model.set_rows(meetings.attendance(db, mid))
        self.detail_label.setText(f"<b>{dates.format_cn(m['date'])} {m['meeting_type']}</b> {m['topic']}<br>"
                                  f"{m['org_name']}{('·' + m['group_name']) if m['group_name'] else ''}　"
                                  f"地点：{m['place'] or '—'}　主持人：{m['host_name'] or '—'}<br>{m['content']}")
        for p in meetings.photos(db, mid):
            self.photo_list.addItem(p["caption"] or p["file_name"])
            self.photo_list.item(self.photo_list.count() - 1).setData(Qt.ItemDataRole.UserRole, p["id"])

    # ---- actions ----------------------------------------------------------------------------------
    @slot
    def new_meeting(self, *_args) -> None:
        branch = self.tab.branch_id()
        if self.tab.db is None or branch is None:
            return
        name = self.tab.db.scalar("SELECT name FROM org WHERE id = ?", (branch,))
        self.entry.start(branch, name, self.tab.year)
        self.stack.setCurrentWidget(self.entry)

    def _saved(self, record) -> None:
        self.last_record = record
        self.stack.setCurrentIndex(0)
        c = record.counts
        self.tab.status(f"已登记会议：出席{c['出席']}人、请假{c['请假']}人、缺席{c['缺席']}人，写入{record.entries}条积分记录。")
        self.tab.data_written()
        for r, m in enumerate(self.model.rows):
            if m["id"] == record.meeting_id:
                self.view.selectRow(r)
                break

    @slot
    def delete_meeting(self, *_args) -> None:
        mid = self.current_meeting_id()
        if mid is None:
            return
        m = meetings.get_meeting(self.tab.db, mid)

        def do() -> None:
            meetings.delete_meeting(self.tab.db, mid)
            self.tab.data_written()

        self.tab.confirm("删除会议", f"删除{dates.format_cn(m['date'])}的{m['meeting_type']}？\n"
                                     f"它的考勤记录、由考勤记入的积分和会议照片将一并删除。", do, "删除")

    def undo(self, *_args) -> None:
        self.tab.undo_last()

    @slot
    def fix_attendance(self, status: str) -> None:
        mid = self.current_meeting_id()
        rows = self.att_view.selectionModel().selectedRows()
        if mid is None or not rows:
            self.tab.show_message("更正考勤", "请先在右侧的考勤名单中选择党员。")
            return
        for idx in rows:
            meetings.set_attendance(self.tab.db, mid, self.att_model.row(idx.row())["member_id"], status)
        self.tab.data_written()

    @slot
    def add_photo(self, *_args) -> None:
        mid = self.current_meeting_id()
        if mid is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, "添加会议照片", "", "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp)")
        for p in paths:
            meetings.add_photo(self.tab.db, mid, p)
        if paths:
            self.tab.data_written()

    @slot
    def show_photo(self, item) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        pix = QPixmap()
        pix.loadFromData(meetings.photo_data(self.tab.db, pid))
        dlg = QDialog(self)
        dlg.setWindowTitle(item.text())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        area = QScrollArea(dlg)
        label = QLabel()
        label.setPixmap(pix)
        area.setWidget(label)
        QVBoxLayout(dlg).addWidget(area)
        fit_to_screen(dlg, pix.width() + 40, pix.height() + 40, key="MeetingPhoto")
        self.photo_dialog = dlg
        dlg.open()

