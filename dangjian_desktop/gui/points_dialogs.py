"""Dialogs of the 党员积分 tab: catalogue item, ledger entry, exemption, year lock, 民主评议 sheet,
and the 星级党员 publicity preview. Each calls one core function on OK and stays open showing
the core's Chinese message until the input is valid; open them with `.open()` (non-blocking)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QBuffer, QIODevice, QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QListWidgetItem, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from .. import dates
from ..errors import UserError, ValidationError
from ..filesave import write_bytes
from ..meetings import MEETING_TYPES, STATUSES
from ..points import catalogue as cat
from ..points.batch import EntryDraft
from ..points.common import EXEMPTION_KINDS, MEMBER_CLASSES
from ..points.ledger import add_entries, add_entry
from ..points.review import GRADES, ReviewInput, record_reviews, reviews
from ..points.totals import lock_year, set_exemption, unlock_year
from .forms import load_form
from .screen_fit import fit_to_screen
from .points_common import date_edit, error_text, iso_of, set_date

try:  # QtPdf comes with the addons wheel; without it the sheet can still be saved
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    HAVE_QTPDF = True
except ImportError:  # pragma: no cover - depends on the installed wheels
    HAVE_QTPDF = False


class _FormDialog(QObject):
    """A dialog whose OK runs `save()`; errors show in the form and keep it open."""

    saved = Signal(object)

    def __init__(self, dialog: QDialog):
        super().__init__(dialog)
        self.dialog = dialog
        box = getattr(dialog, "buttonBox", None)
        if box is not None:
            box.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
            box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
            box.accepted.connect(self._ok)
            box.rejected.connect(dialog.reject)

    def _ok(self) -> None:
        self.clear_errors()
        try:
            result = self.save()
        except ValidationError as e:
            self.show_errors(e)
            return
        except Exception as e:  # noqa: BLE001
            self.error_label().setText(error_text(e))
            return
        self.dialog.accept()
        self.saved.emit(result)

    def _add_footer(self, lay: QVBoxLayout, ok_text: str) -> None:
        """Under a code-built form: the red error line, then OK (named `ok_text`) and 取消."""
        dialog = self.dialog
        dialog.formError = QLabel()
        dialog.formError.setStyleSheet("color: #c62828;")
        dialog.formError.setWordWrap(True)
        lay.addWidget(dialog.formError)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        box.accepted.connect(self._ok)
        box.rejected.connect(dialog.reject)
        lay.addWidget(box)

    def error_label(self) -> QLabel:
        return self.dialog.formError

    def clear_errors(self) -> None:
        self.error_label().clear()

    def show_errors(self, e: ValidationError) -> None:
        self.error_label().setText(error_text(e))

    def open(self) -> None:
        self.dialog.open()

    def save(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError


def _load_dialog(form: str, parent: QWidget | None) -> QDialog:
    dialog = load_form(form)
    dialog.setParent(parent, dialog.windowFlags())
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    fit_to_screen(dialog)
    return dialog


def _build_dialog(title: str, parent: QWidget | None) -> QDialog:
    dlg = QDialog(parent)
    dlg.setWindowTitle(title)
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    fit_to_screen(dlg)
    return dlg


# ---- catalogue item ----------------------------------------------------------------------

class ItemDialog(_FormDialog):
    """新增/修改积分项目 (ui/points_item_dialog.ui)."""

    FIELDS = ("code", "title", "points", "yearly_cap", "exempt_classes", "meeting_types", "on_status")

    def __init__(self, db, office_id: str, year: int, parent: QWidget | None = None, item_id: str | None = None):
        dialog = _load_dialog("points_item_dialog.ui", parent)
        super().__init__(dialog)
        self.db, self.office_id, self.year, self.item_id = db, office_id, year, item_id
        d = dialog
        for k in cat.KINDS:
            d.kindCombo.addItem(k, k)
        for u, text in cat.UNITS.items():
            d.unitCombo.addItem(text, u)
        d.statusCombo.addItem("（不关联）", None)
        for s in STATUSES:
            d.statusCombo.addItem(s, s)
        for c in MEMBER_CLASSES:
            it = QListWidgetItem(c)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            d.exemptList.addItem(it)
        for t in MEETING_TYPES:
            it = QListWidgetItem(t)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            d.meetingList.addItem(it)
        d.capCheck.toggled.connect(d.capSpin.setEnabled)
        d.capSpin.setEnabled(False)
        self.rev = None
        if item_id:
            it = cat.get_item(db, item_id)
            self.rev = it.rev
            d.setWindowTitle(f"修改积分项目 {it.code}")
            d.codeEdit.setText(it.code)
            d.kindCombo.setCurrentIndex(d.kindCombo.findData(it.kind))
            d.titleEdit.setText(it.title)
            d.pointsSpin.setValue(it.points)
            d.unitCombo.setCurrentIndex(d.unitCombo.findData(it.unit))
            d.capCheck.setChecked(it.yearly_cap is not None)
            d.capSpin.setValue(it.yearly_cap or 0)
            self._check(d.exemptList, it.exempt_classes)
            self._check(d.meetingList, it.meeting_types)
            d.statusCombo.setCurrentIndex(max(0, d.statusCombo.findData(it.on_status)))
            d.noteEdit.setText(it.note)
            d.activeCheck.setChecked(it.active)
            used = cat.item_usage(db, item_id)
            if used:
                d.intro.setText(f"该项目已有 {used} 条积分记录：修改分值不影响已记的分数；年度上限和免计类别对全年有效。")
        else:
            d.setWindowTitle("新增积分项目")

    @staticmethod
    def _check(lst, names) -> None:
        for i in range(lst.count()):
            it = lst.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.text() in names else Qt.CheckState.Unchecked)

    @staticmethod
    def _checked(lst) -> list[str]:
        return [lst.item(i).text() for i in range(lst.count()) if lst.item(i).checkState() == Qt.CheckState.Checked]

    def values(self) -> dict[str, Any]:
        d = self.dialog
        return {"code": d.codeEdit.text(), "kind": d.kindCombo.currentData(), "title": d.titleEdit.text(),
                "points": d.pointsSpin.value() or None, "unit": d.unitCombo.currentData(),
                "yearly_cap": d.capSpin.value() if d.capCheck.isChecked() else None,
                "exempt_classes": self._checked(d.exemptList), "meeting_types": self._checked(d.meetingList),
                "on_status": d.statusCombo.currentData(), "note": d.noteEdit.text(),
                "active": d.activeCheck.isChecked()}

    def clear_errors(self) -> None:
        super().clear_errors()
        for f in self.FIELDS:
            self._label(f).clear()

    def _label(self, field: str) -> QLabel:
        head, *rest = field.split("_")
        name = head + "".join(p.capitalize() for p in rest) + "Error"
        return getattr(self.dialog, name, self.dialog.formError)

    def show_errors(self, e: ValidationError) -> None:
        for field, msg in e.errors.items():
            label = self._label(field)
            label.setText((label.text() + "\n" if label.text() else "") + msg)

    def save(self) -> str:
        v = self.values()
        if self.item_id:
            cat.update_item(self.db, self.item_id, v, expected_rev=self.rev)
            return self.item_id
        return cat.add_item(self.db, self.office_id, self.year, v)


# ---- ledger entry -------------------------------------------------------------------------

class EntryDialog(_FormDialog):
    """录入积分 for one member or several (one batch) (ui/points_entry_dialog.ui)."""

    def __init__(self, db, office_id: str, year: int, members: list[tuple[str, str]], parent: QWidget | None = None):
        dialog = _load_dialog("points_entry_dialog.ui", parent)
        super().__init__(dialog)
        self.db, self.members = db, members
        self.evidence: Path | None = None
        d = dialog
        names = "、".join(n for _i, n in members[:8]) + (f" 等 {len(members)} 人" if len(members) > 8 else "")
        d.whoText.setText(names)
        d.setWindowTitle("录入积分" if len(members) == 1 else f"为 {len(members)} 名党员录入积分（一批）")
        cat.ensure_catalogue(db, office_id, year)
        self.items = {i.id: i for i in cat.items(db, office_id, year, active_only=True)}
        for it in self.items.values():
            d.itemCombo.addItem(f"{it.code} {it.title}（{it.describe()}）", it.id)
        d.itemCombo.currentIndexChanged.connect(self._item_changed)
        today = dates.today()
        set_date(d.dateEdit, today if year >= today.year else dt.date(year, 12, 31))
        d.evidenceButton.clicked.connect(self._choose)
        d.evidenceEdit.setEnabled(len(members) == 1)
        d.evidenceButton.setEnabled(len(members) == 1)
        self._item_changed()

    def _item_changed(self, *_args) -> None:
        it = self.items.get(self.dialog.itemCombo.currentData())
        if it is None:
            return
        self.dialog.pointsSpin.setValue(it.signed_points)
        linked = f"该项目通常由“{'、'.join(it.meeting_types)}”的考勤自动记入。" if it.meeting_types else ""
        self.dialog.hintLabel.setText(f"{it.describe()}。{linked}")

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.dialog, "选择佐证材料", "",
                                              "图片或文件 (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx)")
        if path:
            self.set_evidence(Path(path))

    def set_evidence(self, path: Path | None) -> None:
        self.evidence = path
        self.dialog.evidenceEdit.setText(path.name if path else "")

    def save(self) -> Any:
        d = self.dialog
        item_id = d.itemCombo.currentData()
        if item_id is None:
            raise ValidationError({"item": "请选择积分项目"})
        date, points, note = iso_of(d.dateEdit), d.pointsSpin.value(), d.noteEdit.text()
        if len(self.members) == 1:
            return add_entry(self.db, self.members[0][0], item_id, date, points=points, note=note,
                             evidence=self.evidence)
        it = self.items[item_id]
        return add_entries(self.db, [EntryDraft(mid, item_id, date, points, note) for mid, _n in self.members],
                           title=f"批量录入积分 {it.code} {it.title}（{len(self.members)}人）")


# ---- exemption ------------------------------------------------------------------------------

class ExemptionDialog(_FormDialog):
    """免评/免计 on request: kind, reason, approval date."""

    def __init__(self, db, year: int, member_id: str, member_name: str, parent: QWidget | None = None):
        dialog = _build_dialog(f"{member_name} {year}年度免评/免计", parent)
        super().__init__(dialog)
        self.db, self.year, self.member_id = db, year, member_id
        lay = QVBoxLayout(dialog)
        form = QFormLayout()
        self.kind = QComboBox()
        for k, text in zip(EXEMPTION_KINDS, ("不参评（本年度不参与党员评星）", "年老体弱（免计注明该类别的项目）")):
            self.kind.addItem(text, k)
        form.addRow("类型(&K)：", self.kind)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：长期患病住院，本人申请，支部委员会同意")
        form.addRow("原因(&R)：", self.reason)
        self.approved = date_edit()
        set_date(self.approved, dates.today())
        form.addRow("批准日期(&D)：", self.approved)
        lay.addLayout(form)
        self._add_footer(lay, "确定")
        fit_to_screen(dialog, 520, key="ExemptionDialog")

    def save(self) -> str:
        return set_exemption(self.db, self.member_id, self.year, self.kind.currentData(), self.reason.text(),
                             approved_on=iso_of(self.approved))


# ---- lock / unlock -----------------------------------------------------------------------------

class LockDialog(_FormDialog):
    """锁定年度 after publicity (dates), or 解除锁定 with a reason."""

    def __init__(self, db, office_id: str, year: int, *, unlock: bool, parent: QWidget | None = None):
        dialog = _build_dialog(f"{'解除' if unlock else ''}锁定{year}年度党员积分", parent)
        super().__init__(dialog)
        self.db, self.office_id, self.year, self.unlock = db, office_id, year, unlock
        lay = QVBoxLayout(dialog)
        intro = QLabel("解除锁定后，本年度积分可以再次修改，固定的公示结果将被清除；原因记入变更日志。" if unlock else
                       "公示期满、无异议后锁定：全体党员的年度积分和星级按现在的结果固定，之后不能再修改本年度的积分、"
                       "会议、细则和免评。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        if unlock:
            self.reason = QLineEdit()
            self.reason.setPlaceholderText("如：公示期间党员提出异议，经核实漏记一次志愿服务")
            form.addRow("原因(&R)：", self.reason)
        else:
            settings = cat.year_settings(db, office_id, year)
            self.start = date_edit()
            self.end = date_edit()
            today = dates.today()
            set_date(self.start, settings.publicity_start or today - dt.timedelta(days=7))
            set_date(self.end, settings.publicity_end or today)
            form.addRow("公示开始(&S)：", self.start)
            form.addRow("公示结束(&E)：", self.end)
        lay.addLayout(form)
        self._add_footer(lay, "解除锁定" if unlock else "锁定")
        fit_to_screen(dialog, 480, key="LockDialog")

    def save(self) -> Any:
        if self.unlock:
            return unlock_year(self.db, self.office_id, self.year, reason=self.reason.text())
        return lock_year(self.db, self.office_id, self.year, publicity_start=iso_of(self.start),
                         publicity_end=iso_of(self.end))


# ---- 民主评议 ---------------------------------------------------------------------------------------

class ReviewDialog(_FormDialog):
    """民主评议党员: a branch's sheet of ballots (好/一般/差) and grades, saved in one unit of work."""

    def __init__(self, db, year: int, org_id: str, org_name: str, parent: QWidget | None = None):
        dialog = _build_dialog(f"{org_name} {year}年度民主评议党员", parent)
        super().__init__(dialog)
        self.db, self.year = db, year
        lay = QVBoxLayout(dialog)
        intro = QLabel("按测评表统计每名党员得到的“好”“一般”“差”票数，再填写支部评定的等次"
                       "（优秀、合格、基本合格、不合格）。票数和等次都不填的党员不保存。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.rows = reviews(db, year, org_id=org_id)
        self.table = QTableWidget(len(self.rows), 5)
        self.table.setHorizontalHeaderLabels(["姓名", "好", "一般", "差", "评定等次"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.spins: list[tuple[QSpinBox, QSpinBox, QSpinBox, QComboBox]] = []
        for r, row in enumerate(self.rows):
            name = QTableWidgetItem(row["name"])
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(r, 0, name)
            cells = []
            for c, key in enumerate(("good", "fair", "poor"), start=1):
                spin = QSpinBox()
                spin.setRange(0, 9999)
                spin.setValue(row[key] or 0)
                self.table.setCellWidget(r, c, spin)
                cells.append(spin)
            grade = QComboBox()
            grade.addItem("（未评定）", None)
            for g in GRADES:
                grade.addItem(g, g)
            grade.setCurrentIndex(max(0, grade.findData(row["grade"])))
            self.table.setCellWidget(r, 4, grade)
            self.spins.append((*cells, grade))
        lay.addWidget(self.table, 1)
        self._add_footer(lay, "保存")
        fit_to_screen(dialog, 620, 560, key="ReviewDialog")

    def save(self) -> int:
        entries = [ReviewInput(row["member_id"], g.value(), f.value(), p.value(), grade.currentData())
                   for row, (g, f, p, grade) in zip(self.rows, self.spins)]
        return record_reviews(self.db, self.year, entries)


# ---- 星级党员 publicity preview ----------------------------------------------------------------

class StarsSheetDialog(QObject):
    """Preview the branch's 星级党员 sheet and save it as PDF."""

    saved = Signal(object)

    def __init__(self, db, year: int, org_id: str, org_name: str, parent: QWidget | None = None):
        dialog = _build_dialog(f"{org_name} {year}年度星级党员公示", parent)
        super().__init__(dialog)
        self.dialog, self.db, self.year, self.org_id, self.org_name = dialog, db, year, org_id, org_name
        self.pdf_bytes: bytes | None = None
        lay = QVBoxLayout(dialog)
        row = QHBoxLayout()
        row.addWidget(QLabel("纸张："))
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A3"])
        row.addWidget(self.paper)
        row.addWidget(QLabel("公示开始："))
        self.start = date_edit()
        settings = cat.year_settings(db, db.scalar("SELECT office_id FROM org WHERE id = ?", (org_id,)), year)
        set_date(self.start, settings.publicity_start or dates.today())
        row.addWidget(self.start)
        self.refresh_button = QPushButton("生成预览(&V)")
        self.save_button = QPushButton("保存 PDF(&S)…")
        row.addWidget(self.refresh_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.info = QLabel()
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        if HAVE_QTPDF:
            self.document = QPdfDocument(dialog)
            self.view = QPdfView()
            self.view.setDocument(self.document)
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            lay.addWidget(self.view, 1)
        else:  # pragma: no cover
            self.document = None
            lay.addWidget(QLabel("本机缺少 PDF 预览组件；仍可保存 PDF 后用其他软件打开。"), 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(dialog.reject)
        lay.addWidget(close)
        self.refresh_button.clicked.connect(self.build)
        self.save_button.clicked.connect(self._save_dialog)
        self.paper.currentIndexChanged.connect(self.build)
        self.start.dateChanged.connect(self.build)
        fit_to_screen(dialog, 820, 900, key="StarsSheetDialog")
        self._buffer: QBuffer | None = None
        self.build()

    def options(self):
        from ..reports.member_stars import MemberStarsOptions

        return MemberStarsOptions(paper=self.paper.currentText(), start=iso_of(self.start))

    def build(self, *_args) -> None:
        from ..reports.member_stars import build_member_stars, prepare

        try:
            info = prepare(self.db, self.year, self.org_id, self.options())
            data = build_member_stars(self.db, self.year, self.org_id, None, self.options())
        except Exception as e:  # noqa: BLE001 - shown in the dialog
            self.pdf_bytes = None
            self.info.setStyleSheet("color: #c62828;")
            self.info.setText(error_text(e))
            self.save_button.setEnabled(False)
            return
        self.pdf_bytes = data
        pages = 0
        if self.document is not None:
            self.document.close()
            buf = QBuffer(self)
            buf.setData(QByteArray(data))
            buf.open(QIODevice.OpenModeFlag.ReadOnly)
            self._buffer = buf
            self.document.load(buf)
            pages = self.document.pageCount()
        counts = "，".join(f"{k}{v}人" for k, v in info.by_rating.items())
        self.info.setStyleSheet("color: #555555;")
        self.info.setText(f"{info.rows}名党员（{counts}）；公示期{dates.format_cn(info.start)}至"
                          f"{dates.format_cn(info.end)}" + (f"；共{pages}页" if pages else "") + "。")
        self.save_button.setEnabled(True)

    def _save_dialog(self) -> None:
        name = f"{self.org_name}{self.year}年度星级党员公示.pdf"
        path, _ = QFileDialog.getSaveFileName(self.dialog, "保存 PDF", name, "PDF 文件 (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> Path | None:
        if self.pdf_bytes is None:
            return None
        try:
            write_bytes(path, self.pdf_bytes)
        except (OSError, UserError) as e:  # UserError: 磁盘空间不足
            self.info.setStyleSheet("color: #c62828;")
            self.info.setText(e.message if isinstance(e, UserError) else f"无法保存到 {path}：{e.strerror}")
            return None
        self.info.setText(f"已保存 {path}")
        self.saved.emit(path)
        return path

    def open(self) -> None:
        self.dialog.open()

