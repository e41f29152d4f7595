"""会议与考勤: the branch's meetings, one meeting's attendance (corrected here) and photos, 撤销上一批,
and the one-screen entry of a new meeting (ui/points_meetings.ui, the entry page in meeting_entry.py)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QAbstractItemView, QDialog, QFileDialog, QLabel, QScrollArea, QVBoxLayout

from ...meetings import ledger as meetings
from ...points.batch import undoable_batch
from ...points.scope import org_name
from ..kit.formatting import format_date
from ..kit.messages import slot
from ..kit.row_model import RowModel, set_rows_in_place
from ..screen_fit import fit_to_screen
from .meeting_entry import MeetingEntryPage
from .models import ATTENDEE_COLUMNS, MEETING_COLUMNS
from .views import Panel, fit, select_where, setup_table, table_out

PHOTO_FILES = "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp)"


class MeetingsPanel(Panel):
    FORM = "points_meetings.ui"

    def __init__(self, tab, parent=None):
        super().__init__(tab, parent)
        f = self.form
        self.stack = f.stack
        self.new_button, self.delete_button, self.photo_button = f.newButton, f.deleteButton, f.photoButton
        self.undo_button, self.undo_label, self.hint = f.undoButton, f.undoLabel, f.hintLabel
        self.view, self.att_view, self.detail_label, self.photo_list = f.meetingView, f.attendeeView, f.detailLabel, f.photoList
        self.fix_buttons = {"出席": f.fixPresentButton, "请假": f.fixLeaveButton, "缺席": f.fixAbsentButton}
        self.model = RowModel(MEETING_COLUMNS, self)
        setup_table(self.view, self.model, row_numbers=False)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.att_model = RowModel(ATTENDEE_COLUMNS, self)
        setup_table(self.att_view, self.att_model, sorting=False, row_numbers=False)
        self.att_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # 导出 Excel / 打印/PDF as shown: the meetings (button row, context menu) and one meeting's attendance.
        table_out(self, self.view, lambda: f"{self.tab.year}年度三会一课会议记录", "buttonRow")
        table_out(self, self.att_view, self._attendance_title, "fixRow")
        f.splitter.setStretchFactor(0, 3)
        f.splitter.setStretchFactor(1, 2)
        self.entry = MeetingEntryPage(tab)
        self.stack.addWidget(self.entry)
        self.entry.saved.connect(self._saved)
        self.entry.cancelled.connect(lambda: self.stack.setCurrentIndex(0))
        for status, button in self.fix_buttons.items():
            button.clicked.connect(lambda _c=False, s=status: self.fix_attendance(s))
        self.photo_list.itemDoubleClicked.connect(self.show_photo)
        self.new_button.clicked.connect(self.new_meeting)
        self.delete_button.clicked.connect(self.delete_meeting)
        self.photo_button.clicked.connect(self.add_photo)
        self.undo_button.clicked.connect(self.undo_requested.emit)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.last_record = None
        self.photo_dialog: QDialog | None = None
        self._attendance_of: str | None = None  # the meeting whose attendance is listed

    # ---- state ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        tab = self.tab
        keep = self.current_meeting_id()
        rows = meetings.list_meetings(tab.db, year=tab.year, org_id=tab.org_id,
                                      office_id=None if tab.org_id else tab.office_id) if self.ready() else []
        self.model.set_rows(rows)
        fit(self.view, 200)  # the whole date shown (2025年12月24日, not 2025年12月2…)
        # A locked year's meetings are not changed: said before a form is filled, not after.
        writable = self.editable()
        branch = tab.branch_id()
        self.new_button.setEnabled(writable and branch is not None)
        if self.ready() and not writable and self.writable():
            self.hint.setText(f"{tab.year}年度积分已锁定：会议和考勤不能再登记或修改（如需修改，请先在“年度汇总”中解除锁定）。")
        else:
            self.hint.setText("" if branch is not None or tab.db is None else "请先在上方选择一个党支部，再登记会议。")
        b = undoable_batch(tab.db, tab.office_id) if self.ready() else None
        self.undo_button.setEnabled(writable and b is not None)
        self.undo_label.setText(f"上一批：{b.describe()}" if b else "")
        if keep:
            select_where(self.view, lambda m: m["id"] == keep)
        self._selected()

    def _attendance_title(self) -> str:
        mid = self.current_meeting_id()
        m = meetings.get_meeting(self.db, mid) if mid and self.db is not None else None
        return f"{format_date(m['date'])}{m['meeting_type']}考勤" if m else "会议考勤"

    def current_meeting_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        m = self.model.row(rows[0].row()) if rows else None
        return m["id"] if m else None

    def _selected(self, *_args) -> None:
        db = self.db
        mid = self.current_meeting_id()
        can_change = self.editable() and mid is not None
        for b in (self.delete_button, self.photo_button, *self.fix_buttons.values()):
            b.setEnabled(can_change)
        self.photo_list.clear()
        if db is None or mid is None:
            self._attendance_of = None
            self.att_model.set_rows([])
            self.detail_label.setText("选择一次会议查看考勤")
            return
        m = meetings.get_meeting(db, mid)
        people = meetings.attendance(db, mid)
        if mid == self._attendance_of:  # the same meeting read again (a correction saved): the place kept
            set_rows_in_place(self.att_view, people, "member_id")
        else:
            self.att_model.set_rows(people)
        self._attendance_of = mid
        e = escape  # a meeting's texts as typed, never read as markup
        self.detail_label.setText(f"<b>{format_date(m['date'])} {e(str(m['meeting_type']))}</b> {e(str(m['topic']))}<br>"
                                  f"{e(str(m['org_name']))}{('·' + e(m['group_name'])) if m['group_name'] else ''}　"
                                  f"地点：{e(m['place'] or '—')}　主持人：{e(m['host_name'] or '—')}<br>"
                                  f"{e(str(m['content']))}")
        for p in meetings.photos(db, mid):
            self.photo_list.addItem(p["caption"] or p["file_name"])
            self.photo_list.item(self.photo_list.count() - 1).setData(Qt.ItemDataRole.UserRole, p["id"])

    # ---- actions ----------------------------------------------------------------------------------
    @slot
    def new_meeting(self, *_args) -> None:
        branch = self.tab.branch_id()
        if self.db is None or branch is None:
            return
        self.entry.start(branch, org_name(self.db, branch), self.tab.year)
        self.stack.setCurrentWidget(self.entry)

    def _saved(self, record) -> None:
        self.last_record = record
        self.stack.setCurrentIndex(0)
        c = record.counts
        m = meetings.get_meeting(self.db, record.meeting_id) if self.db is not None else None
        year = int(m["date"][:4]) if m else self.tab.year
        where = "" if year == self.tab.year else f"这次会议在{year}年度，切换到{year}年度后可在列表中看到。"
        self.status.emit(f"已登记会议：出席{c['出席']}人、请假{c['请假']}人、缺席{c['缺席']}人，"
                         f"写入{record.entries}条积分记录。{where}")
        select_where(self.view, lambda m: m["id"] == record.meeting_id)

    @slot
    def delete_meeting(self, *_args) -> None:
        mid = self.current_meeting_id()
        if mid is None:
            return
        m = meetings.get_meeting(self.db, mid)
        what = f"{format_date(m['date'])}的{m['meeting_type']}"
        self.tab.ask(f"删除{what}？\n它的考勤记录、由考勤记入的积分和会议照片将一并删除。", "删除会议",
                     lambda: self.change(f"删除会议 {what}", lambda db: meetings.delete_meeting(db, mid)), yes_text="删除")

    @slot
    def fix_attendance(self, status: str) -> None:
        mid = self.current_meeting_id()
        rows = self.att_view.selectionModel().selectedRows()
        if mid is None or not rows:
            self.tab.inform("请先在右侧的考勤名单中选择党员。", "更正考勤")
            return
        members = [self.att_model.row(idx.row())["member_id"] for idx in rows]
        self.change(f"更正考勤为{status}", lambda db: meetings.set_attendances(db, mid, members, status))

    @slot
    def add_photo(self, *_args) -> None:
        mid = self.current_meeting_id()
        if mid is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, "添加会议照片", "", PHOTO_FILES)
        if paths:
            self.add_photo_files(mid, paths)

    def add_photo_files(self, meeting_id: str, paths: list) -> None:
        def add(db) -> None:
            for p in paths:
                meetings.add_photo(db, meeting_id, p)

        self.change("添加会议照片", add)

    @slot
    def show_photo(self, item) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        pix = QPixmap()
        pix.loadFromData(meetings.photo_data(self.db, pid))
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
