"""登记会议: one screen for a meeting and the attendance of everyone expected (ui/points_meeting_form.ui).

The list is the branch's members on the meeting's date (a meeting entered late lists the branch as
it was then): changing the date lists them anew, keeping the marks of those still listed.

The attendance grid is worked from the keyboard: arrow keys move, 1 / 2 / 3 set 出席 / 请假 / 缺席
(a single member then moves on to the next), Space cycles, a click cycles; Ctrl+Enter confirms,
Esc cancels. One confirm writes the meeting, the attendance and the linked points as one batch.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QHeaderView, QTableView, QWidget

from ... import dates
from ..errors import error_text
from ...meetings import MEETING_TYPES, STATUSES
from ...meetings import ledger as meetings
from ...points.catalogue import has_catalogue
from ...registry.orgs import party_groups
from ..common import iso_of, plain, set_date
from ..forms import load_form
from .models import AttendanceModel, signed
from .views import run_change

STATUS_KEYS = {Qt.Key.Key_1: "出席", Qt.Key.Key_2: "请假", Qt.Key.Key_3: "缺席"}


def selected_positions(view: QTableView, model: AttendanceModel) -> list[int]:
    found = {model.position(i) for i in view.selectionModel().selectedIndexes()}
    if not found and view.currentIndex().isValid():
        found = {model.position(view.currentIndex())}
    return sorted(k for k in found if k is not None)


class AttendanceKeys(QObject):
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
        view = f.attendanceView
        view.setModel(self.model)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(24)
        self.keys = AttendanceKeys(view, self.model)
        view.installEventFilter(self.keys)
        view.clicked.connect(self._clicked)
        for t in MEETING_TYPES:
            f.typeCombo.addItem(t, t)
        f.typeCombo.currentIndexChanged.connect(self._type_changed)
        f.groupCombo.currentIndexChanged.connect(self._type_changed)
        f.dateEdit.dateChanged.connect(self._date_changed)
        f.allPresentButton.clicked.connect(lambda: self.model.set_status(list(range(len(self.model.people))), "出席"))
        f.presentButton.clicked.connect(lambda: self._mark("出席"))
        f.leaveButton.clicked.connect(lambda: self._mark("请假"))
        f.absentButton.clicked.connect(lambda: self._mark("缺席"))
        f.photoButton.clicked.connect(self._choose_photos)
        plain(f.photosLabel)  # the photos' file names and the error (naming members) as written
        plain(f.formError)
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
        self.year = dates.today().year
        self.photo_paths: list[Path] = []
        self._linked: dict = {}
        self._no_catalogue: int | None = None  # the year of the date, when it has no catalogue yet

    # ---- set up --------------------------------------------------------------------------
    def start(self, org_id: str, org_name: str, year: int) -> None:
        """Begin a new meeting for a branch (all present by default)."""
        f = self.form
        self.org_id = org_id
        self.year = year
        self.photo_paths = []
        f.photosLabel.setText("未添加照片")
        f.formError.clear()
        f.titleLabel.setText(f"<h3>登记会议：{escape(org_name)}</h3>")
        for w in (f.placeEdit, f.topicEdit):
            w.clear()
        f.contentEdit.clear()
        self.model.set_people([])  # a new meeting: nobody's marks carried over from the last one
        today = dates.today()
        f.dateEdit.blockSignals(True)  # the list follows once the group and type are set below
        set_date(f.dateEdit, today if year >= today.year else today.replace(year=year, month=12, day=31))
        f.dateEdit.blockSignals(False)
        f.groupCombo.blockSignals(True)
        f.groupCombo.clear()
        for g in party_groups(self.tab.db, org_id):
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
        db = self.tab.db
        if self.org_id is None or db is None:
            return
        f = self.form
        t = self.meeting_type()
        group_meeting = t == "党小组会" and f.groupCombo.count() > 0
        f.groupLabel.setVisible(group_meeting)
        f.groupCombo.setVisible(group_meeting)
        people = meetings.candidates(db, self.org_id, t, group_id=f.groupCombo.currentData() if group_meeting else None,
                                     date=iso_of(f.dateEdit))
        self.model.set_people(people, keep=dict(self.model.status))
        host = f.hostCombo.currentText()
        f.hostCombo.blockSignals(True)
        f.hostCombo.clear()
        ordered = meetings.host_order(people)
        for p in ordered:
            f.hostCombo.addItem(p.name + (f"（{p.role}）" if p.role else ""), p.member_id)
        if host and f.hostCombo.findText(host) >= 0:
            f.hostCombo.setCurrentIndex(f.hostCombo.findText(host))
        elif ordered:
            f.hostCombo.setCurrentIndex(0)
        f.hostCombo.blockSignals(False)
        self._read_linked()
        self._update_counts()
        if self.model.people:
            f.attendanceView.setCurrentIndex(self.model.index_of(0))

    def _read_linked(self) -> None:
        """The catalogue items the meeting will write, of the year of its date (moved to another year,
        the preview used to keep the first year's, or say none while the save wrote points)."""
        db, office = self.tab.db, self.tab.office_id
        year = int(iso_of(self.form.dateEdit)[:4])
        self._linked = meetings.linked_items(db, office, year, self.meeting_type()) if db and office else {}
        self._no_catalogue = year if db and office and not has_catalogue(db, office, year) else None

    def _date_changed(self, *_args) -> None:
        """The members of the branch on the new date, the marks of those still listed kept."""
        if self.org_id is not None and self.tab.db is not None:
            self._type_changed()

    def _mark(self, status: str) -> None:
        self.model.set_status(selected_positions(self.form.attendanceView, self.model), status)

    def _clicked(self, index: QModelIndex) -> None:
        k = self.model.position(index)
        if k is not None and len(self.form.attendanceView.selectionModel().selectedIndexes()) <= 1:
            self.model.cycle([k])

    def _update_counts(self) -> None:
        c = self.model.counts()
        self.form.countsLabel.setText(f"应到 {sum(c.values())} 人：出席 {c['出席']}，请假 {c['请假']}，缺席 {c['缺席']}")
        rated = self.model.counts(rated_only=True)
        parts = []
        for s in STATUSES:
            it = self._linked.get(s)
            if it is not None and rated[s]:
                parts.append(f"{s} {rated[s]} 人各记 {signed(it.signed_points)} 分（{it.code} {it.title}）")
        left = sum(1 for p in self.model.people if p.left)
        if parts:
            text = "确认后将记入积分：" + "；".join(parts) + "。"
            if left:
                text += f"另有{left}人会后已离开（转出、去世等），只登记考勤，不记积分。"
        elif self._no_catalogue:
            text = (f"{self._no_catalogue}年度还没有积分细则：确认后按上一年度（或默认）的积分细则建立，"
                    f"并按其中与本类会议关联的项目记入积分。")
        else:
            text = "本类会议在积分细则中没有关联积分项目，确认后只登记会议和考勤。"
        self.form.pointsLabel.setText(text)

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
        """One unit of work: the meeting, its attendance and the points; a refusal stays on the screen."""
        db = self.tab.db
        if db is None or self.org_id is None:
            return
        values = self.values()
        try:
            record = run_change(self, "登记会议", lambda d: meetings.record_meeting(d, **values), db)
        except Exception as e:  # noqa: BLE001 - shown under the form, the screen stays as typed
            self.form.formError.setText(error_text(e, list_from=2))
            return
        self.form.formError.clear()
        self.saved.emit(record)
