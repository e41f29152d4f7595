"""The entry dialogs of the 台账 page: one Designer form (ui/ledger_entry.ui) whose fields each
dialog lays out, one core call per dialog run as a kit Operation and offered on 编辑 → 撤销 (the
deletes and the other changes of the page too). Keyboard-first: the first field
has the focus, Tab moves on, Enter (or Ctrl+Enter in a text box) saves; a refused value is said
under its field and the dialog stays open."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QCompleter, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QWidget)

from ... import dates, undo
from ...errors import UserError
from ...ledgers import cadres, dues, funds, pipeline, plaques, records
from ...ledgers.common import fmt_yuan, months_label
from ..kit.form_dialog import FormDialog, error_label_name
from ..kit.operations import Operation
from ..kit.palette import RED_HEX, css
from ..kit.plain_text import plain
from ..undo_menu import push_undo


def apply(parent: QWidget, label: str, fn: Callable[[Any], Any]) -> Any:
    """Run one change as an Operation (the bus tells every page) and offer it on 编辑 → 撤销;
    raise its failure to the dialog."""
    failed: list[BaseException] = []
    op = Operation(parent, label, lambda db: undo.record(db, label, lambda: fn(db))).failure(failed.append).run()
    if failed:
        raise failed[0]
    result, change = op.result
    push_undo(parent, change)
    return result


#: Choices of more entries than this are served by one model (_Items) instead of item by item.
LONG_CHOICE = 500


class _Items(QAbstractListModel):
    """(text, data) pairs as a combo box's list: texts shown, data under Qt.UserRole."""

    def __init__(self, items: list[tuple[str, Any]], parent=None):
        super().__init__(parent)
        self.items = items

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's default argument
        return 0 if parent.isValid() else len(self.items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        text, data = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == Qt.ItemDataRole.UserRole:
            return data
        return None


class EntryDialog(FormDialog):
    """A form whose fields are laid out by the subclass in `build()`; `save()` makes the change."""

    FORM = "ledger_entry.ui"
    TITLE = "台账登记"
    INTRO = ""

    def __init__(self, page: QWidget, **context: Any):
        super().__init__(page)
        self.page = page
        self.db = page.db
        self.context = context
        self._widgets: dict[str, QWidget] = {}
        self.FIELD_WIDGETS = {}
        self.dialog.setWindowTitle(self.TITLE)
        plain(self.dialog.introLabel).setText(self.INTRO)  # a dialog's intro names members and branches
        self.dialog.introLabel.setVisible(bool(self.INTRO))
        self.form = self.dialog.fields.layout()
        self.build()
        self.clear_errors()
        self.ok_button.setDefault(True)  # Enter in any field saves
        QShortcut(QKeySequence("Ctrl+Return"), self.dialog, activated=self._accept)
        self.saved.connect(self._tell_another_year)
        first = next(iter(self._widgets.values()), None)
        if first is not None:
            first.setFocus()

    def _tell_another_year(self, _result: Any) -> None:
        """A record dated in another year than the ledger shows is saved there: said, or it would
        seem lost (1999 typed for 2026)."""
        from ...tables.ledger_tables import NOT_BY_YEAR

        if "date" not in self._widgets or not callable(getattr(self.page, "scope", None)):
            return
        panel = self.page.tabs.currentWidget() if hasattr(self.page, "tabs") else None
        if getattr(panel, "KIND", "") in NOT_BY_YEAR:
            return
        day, year = self.text("date"), self.page.scope()["year"]
        if dates.is_iso_date(day) and int(day[:4]) != int(year):
            self.page.inform(f"已登记。这条记录的日期是{dates.format_cn(day)}，记在{day[:4]}年的台账中；"
                             f"本页现在显示{year}年，在上方的“年度”中选{day[:4]}年可以看到它。", self.TITLE)

    def build(self) -> None:  # pragma: no cover - every subclass lays out its fields
        raise NotImplementedError

    def w(self, name: str) -> Any:
        return self._widgets.get(name) or getattr(self.dialog, name)

    # ---- fields --------------------------------------------------------------------------------
    def add(self, name: str, label: str, widget: QWidget, hint: str = "") -> QWidget:
        widget.setObjectName(name)
        widget.setAccessibleName(label.replace("&", "").rstrip("：*"))
        lbl = QLabel(label)
        lbl.setBuddy(widget)
        self.form.addRow(lbl, widget)
        if hint:
            h = QLabel(hint)
            h.setWordWrap(True)
            h.setStyleSheet("color: #555555;")
            self.form.addRow("", h)
        err = plain(QLabel())
        err.setObjectName(error_label_name(name))
        err.setStyleSheet(css(RED_HEX))
        err.setWordWrap(True)
        self.form.addRow("", err)
        self.error_labels[err.objectName()] = err
        self.FIELD_WIDGETS[name] = name
        self._widgets[name] = widget
        return widget

    def line(self, name: str, label: str, text: str = "", placeholder: str = "", hint: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        return self.add(name, label, edit, hint)

    def date(self, name: str, label: str, value: str | None = None) -> QLineEdit:
        return self.line(name, label, value or dates.today().isoformat(), "例如 2026-03-01")

    def choice(self, name: str, label: str, items: list[tuple[str, Any]], *, editable: bool = False,
               hint: str = "") -> QComboBox:
        combo = QComboBox()
        combo.setEditable(editable)
        if len(items) > LONG_CHOICE:
            # A county's members (tens of thousands): one model read as the list shows them, and a
            # width that does not measure every name (added one by one and measured, 0.3-0.6 s).
            combo.setModel(_Items(items, combo))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
        else:
            for text, data in items:
                combo.addItem(text, data)
        if editable:
            comp = QCompleter([t for t, _ in items], combo)
            comp.setFilterMode(Qt.MatchFlag.MatchContains)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            combo.setCompleter(comp)
        return self.add(name, label, combo, hint)

    def text_box(self, name: str, label: str, text: str = "") -> QPlainTextEdit:
        box = QPlainTextEdit(text)
        box.setTabChangesFocus(True)
        box.setFixedHeight(70)
        return self.add(name, label, box)

    def member_choice(self, name: str, label: str, members: list, *, selected: str | None = None) -> QComboBox:
        items = [(f"{m['name']}（{m['org_name']}）", m["id"]) for m in members]
        combo = self.choice(name, label, items, editable=True)
        if selected:
            combo.setCurrentIndex(max(0, combo.findData(selected)))
        return combo

    def chosen(self, name: str, what: str) -> Any:
        """The data of a combo's chosen entry (an editable combo matched by its text)."""
        combo: QComboBox = self.w(name)
        i = combo.findText(combo.currentText().strip())
        if i < 0:
            raise UserError(f"请从列表中选择{what}。")
        return combo.itemData(i)

    def photos_field(self) -> None:
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        self.photo_label = plain(QLabel("未选择"))  # the chosen files' names
        button = QPushButton("选择照片(&P)…")
        button.clicked.connect(self._choose_photos)
        lay.addWidget(self.photo_label, 1)
        lay.addWidget(button)
        self.photo_paths: list[str] = []
        self.add("photos", "照片：", row)

    def _choose_photos(self) -> None:
        dlg = QFileDialog(self.dialog, "选择照片", str(Path.home()), "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.filesSelected.connect(self.set_photos)
        self.current_dialog = dlg
        dlg.open()

    def set_photos(self, paths: list[str]) -> None:
        self.photo_paths = list(paths)
        self.photo_label.setText("、".join(Path(p).name for p in paths) or "未选择")


# ---- 党费 --------------------------------------------------------------------------------------
class PaymentDialog(EntryDialog):
    TITLE = "登记党费"

    def build(self) -> None:
        md: dues.MemberDues = self.context["member"]
        owed = md.months_owed or [m for m in range(1, 13) if md.member_month[m - 1] and m not in md.months_paid][:1]
        months = f"{owed[0]}-{owed[-1]}" if len(owed) > 1 else (str(owed[0]) if owed else "")
        self.dialog.introLabel.setText(f"{md.name}（{md.org_name}）{md.year}年：类别{md.rate_class or '未核定'}，"
                                       f"每月应交{fmt_yuan(md.monthly_fen) or '—'}元；已交{months_label(md.months_paid) or '—'}，"
                                       f"欠缴{fmt_yuan(md.arrears_fen)}元。")
        self.dialog.introLabel.setVisible(True)
        self.line("months", "*月份(&M)：", months, "如 3 或 1-6（可提前交纳以后月份）")
        self.line("amount", "金额(&A)：", "", "留空：按已核定的基数计算这些月份尚欠的金额")
        self.date("paid_on", "*缴费日期(&D)：")
        self.line("receiver", "收款人(&R)：", self.context.get("receiver", ""))
        self.line("note", "备注：")

    def save(self) -> Any:
        md = self.context["member"]
        receiver = self.text("receiver")
        self.page.last_receiver = receiver
        return apply(self.page, f"登记党费 {md.name}", lambda db: dues.record_payment(
            db, md.member_id, md.year, self.text("months"), amount=self.text("amount") or None,
            paid_on=self.text("paid_on"), receiver=receiver, note=self.text("note")))


class BaseDialog(EntryDialog):
    TITLE = "核定党费基数"
    INTRO = "党费基数一年一核定；年内调整（如工资变动、退休）请填写起始月份。"

    def build(self) -> None:
        md: dues.MemberDues = self.context["member"]
        table = dues.rate_table()
        combo = self.choice("rate_class", "*党费类别(&C)：", [(f"{c.name}：{c.describe()}", c.name) for c in table.classes])
        if md.rate_class:
            combo.setCurrentIndex(max(0, combo.findData(md.rate_class)))
        self.line("base", "月基数（元）(&B)：", fmt_yuan(md.base_fen), "税后月收入；按固定金额交纳的类别可不填")
        self.line("monthly", "每月金额（元）：", "", "农民党员等按固定金额交纳时填写（默认按标准）")
        self.line("from_month", "*起始月份(&F)：", "1", "1 为全年；年内调整填从几月起")

    def save(self) -> Any:
        md = self.context["member"]
        try:
            month = int(self.text("from_month"))
        except ValueError:
            raise UserError("起始月份应为1到12。") from None
        return apply(self.page, f"核定党费基数 {md.name}", lambda db: dues.set_base(
            db, md.member_id, md.year, base=self.text("base") or None, rate_class=self.w("rate_class").currentData(),
            monthly=self.text("monthly") or None, from_month=month))


class ExemptionDialog(EntryDialog):
    TITLE = "少交或免交党费"
    INTRO = "生活困难的党员，经党支部研究、报上一级党委批准后，可以少交或免交党费。"

    def build(self) -> None:
        self.line("months", "*月份(&M)：", "1-12")
        self.line("monthly", "每月交纳（元）：", "0", "0 为免交")
        self.line("reason", "*原因(&R)：")
        self.line("approved_by", "批准的党组织：")
        self.date("approved_on", "批准日期：")

    def save(self) -> Any:
        md = self.context["member"]
        return apply(self.page, f"党费减免 {md.name}", lambda db: dues.set_exemption(
            db, md.member_id, md.year, self.text("months"), reason=self.text("reason"), monthly=self.text("monthly"),
            approved_by=self.text("approved_by"), approved_on=self.text("approved_on") or None))


class CancelExemptionDialog(EntryDialog):
    TITLE = "取消党费减免"
    INTRO = "减免登记错了或情况变了时取消它，之后可以重新登记。"

    def build(self) -> None:
        self.choice("exemption", "*减免(&E)：", [(dues.exemption_label(r), r["id"]) for r in self.context["rows"]])

    def save(self) -> Any:
        md = self.context["member"]
        eid = self.w("exemption").currentData()
        return apply(self.page, f"取消党费减免 {md.name}", lambda db: dues.remove_exemption(db, eid))


# ---- 教育培训、奖惩、走访、谈话、经费、后备干部 -------------------------------------------------------
class TrainingDialog(EntryDialog):
    TITLE = "登记教育培训"
    INTRO = "勾选参加的党员（空格切换，Ctrl+A 全选），填写培训情况。"

    def build(self) -> None:
        self.members = QListWidget()
        for m in self.context["members"]:
            it = QListWidgetItem(f"{m['name']}（{m['org_name']}）")
            it.setData(Qt.ItemDataRole.UserRole, m["id"])
            it.setCheckState(Qt.CheckState.Checked)
            self.members.addItem(it)
        self.members.setMinimumHeight(160)
        self.add("members", "*参加人(&P)：", self.members)
        QShortcut(QKeySequence.StandardKey.SelectAll, self.members, activated=lambda: self._check_all(True))
        self.date("date", "*日期(&D)：")
        self.choice("kind", "*形式(&K)：", [(k, k) for k in records.TRAINING_KINDS], editable=True)
        self.line("content", "*内容(&C)：")
        self.line("hours", "*学时(&H)：", "", "如 4 或 1.5")
        self.line("organiser", "组织单位：")

    def _check_all(self, on: bool) -> None:
        for i in range(self.members.count()):
            self.members.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        return [self.members.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.members.count())
                if self.members.item(i).checkState() == Qt.CheckState.Checked]

    def save(self) -> Any:
        ids = self.checked()
        return apply(self.page, "登记教育培训", lambda db: records.add_training(
            db, ids, date=self.text("date"), kind=self.w("kind").currentText(), content=self.text("content"),
            hours=self.text("hours"), organiser=self.text("organiser")))


class RewardDialog(EntryDialog):
    TITLE = "登记奖励或处分"

    def build(self) -> None:
        self.member_choice("member", "*党员(&M)：", self.context["members"])
        self.choice("kind", "*类别(&K)：", [("奖励", "奖励"), ("处分", "处分")])
        self.choice("title", "*名称或种类(&T)：", [(t, t) for t in ("优秀共产党员", "优秀党务工作者", *records.PUNISHMENTS)],
                    editable=True, hint="处分的种类：警告、严重警告、撤销党内职务、留党察看、开除党籍")
        self.line("issuer", "*决定机关(&I)：")
        self.line("decision", "决定文号或内容：")
        self.date("date", "*决定日期(&D)：")

    def save(self) -> Any:
        mid = self.chosen("member", "党员")
        return apply(self.page, "登记奖惩", lambda db: records.add_reward(
            db, mid, date=self.text("date"), kind=self.w("kind").currentData(), title=self.w("title").currentText(),
            issuer=self.text("issuer"), decision=self.text("decision")))


class VisitDialog(EntryDialog):
    TITLE = "登记走访慰问"
    INTRO = "困难党员和建国前老党员排在前面。"

    def build(self) -> None:
        self.member_choice("member", "*党员(&M)：", self.context["members"])
        self.date("date", "*日期(&D)：")
        self.choice("kind", "*形式(&K)：", [(k, k) for k in records.VISIT_KINDS], editable=True)
        self.line("visitor", "走访人：")
        self.line("content", "*内容(&C)：", "", "如 送去慰问金和米面油")
        self.line("amount", "慰问金（物）（元）：")
        self.photos_field()

    def save(self) -> Any:
        mid = self.chosen("member", "党员")
        return apply(self.page, "登记走访慰问", lambda db: records.add_visit(
            db, mid, date=self.text("date"), kind=self.w("kind").currentText(), content=self.text("content"),
            visitor=self.text("visitor"), amount=self.text("amount") or None, photos=self.photo_paths))


class TalkDialog(EntryDialog):
    TITLE = "登记谈心谈话"

    def build(self) -> None:
        self.choice("org", "*党支部(&B)：", self.context["branches"])
        self.date("date", "*日期(&D)：")
        self.line("talker", "*谈话人(&T)：")
        self.line("participants", "*谈话对象(&P)：")
        self.line("topic", "*主题(&S)：")
        self.text_box("content", "谈话内容：")
        self.photos_field()

    def save(self) -> Any:
        org = self.w("org").currentData()
        return apply(self.page, "登记谈心谈话", lambda db: records.add_talk(
            db, org, date=self.text("date"), talker=self.text("talker"), participants=self.text("participants"),
            topic=self.text("topic"), content=self.text("content"), photos=self.photo_paths))


class FundDialog(EntryDialog):
    TITLE = "登记党建工作经费"

    def build(self) -> None:
        t = funds.targets()
        self.choice("org", "*党支部(&B)：", self.context["branches"])
        self.choice("direction", "*收支(&K)：", [("收入", "收入"), ("支出", "支出")])
        self.line("amount", "*金额（元）(&A)：")
        self.choice("purpose", "用途：", [(p, p) for p in t["purposes"]], editable=True, hint="支出须写明用途")
        self.choice("source", "来源：", [(s, s) for s in t["sources"]], editable=True)
        self.line("account", "账户：", "党建工作经费专户")
        self.line("voucher", "凭证号：")
        self.date("date", "*日期(&D)：")

    def save(self) -> Any:
        direction = self.w("direction").currentData()
        return apply(self.page, "登记党建工作经费", lambda db: funds.add_entry(
            db, self.w("org").currentData(), date=self.text("date"), direction=direction,
            purpose=self.w("purpose").currentText() if direction == "支出" else "",
            source=self.w("source").currentText() if direction == "收入" else "", amount=self.text("amount"),
            account=self.text("account"), voucher=self.text("voucher")))


class CadreDialog(EntryDialog):
    TITLE = "登记后备干部"
    INTRO = "每个行政村应有1-2名后备干部。可从党员中选择，或填写非党员的姓名。"

    def build(self) -> None:
        self.choice("org", "*村党组织(&B)：", self.context["branches"])
        self.member_choice("member", "党员(&M)：", self.context["members"])
        self.w("member").setCurrentIndex(-1)
        self.line("name", "或姓名(&N)：")
        self.date("since", "*列入日期(&D)：")

    def save(self) -> Any:
        name = self.text("name")
        mid = None if name else self.chosen("member", "党员")
        return apply(self.page, "登记后备干部", lambda db: cadres.add_cadre(
            db, self.w("org").currentData(), since=self.text("since"), member_id=mid, name=name))


class RevokeDialog(EntryDialog):
    TITLE = "摘牌"

    def build(self) -> None:
        row = self.context["plaque"]
        self.dialog.introLabel.setText(f"{row['org_name']}：{row['title']}（{dates.format_cn(row['hung_on'])}挂牌）")
        self.dialog.introLabel.setVisible(True)
        self.date("date", "*摘牌日期(&D)：")
        self.line("reason", "*原因(&R)：", "", "如 发生群体性事件，造成恶劣影响")

    def save(self) -> Any:
        pid = self.context["plaque"]["id"]
        return apply(self.page, "摘牌", lambda db: plaques.take_down(db, pid, removed_on=self.text("date"),
                                                                  reason=self.text("reason")))


# ---- 发展党员 -----------------------------------------------------------------------------------
class ApplicantDialog(EntryDialog):
    TITLE = "登记入党申请人"

    def build(self) -> None:
        self.choice("org", "*党支部(&B)：", self.context["branches"])
        self.line("name", "*姓名(&N)：")
        self.line("id_number", "身份证号(&I)：", "", "接收为预备党员、记入花名册时必须填写")
        self.line("ethnicity", "民族：", "汉族")
        self.line("education", "学历：")
        self.date("applied_on", "*递交入党申请书日期(&D)：")

    def save(self) -> Any:
        values = {k: self.text(k) or None for k in ("name", "id_number", "ethnicity", "education")}
        return apply(self.page, "登记入党申请人", lambda db: pipeline.add_person(
            db, self.w("org").currentData(), values, applied_on=self.text("applied_on")))


NEXT_STEP = {"入党申请人": "谈话", "入党积极分子": "考察", "发展对象": "政审", "预备党员": "转正"}


class StepDialog(EntryDialog):
    TITLE = "登记发展环节"

    def build(self) -> None:
        p: pipeline.Person = self.context["person"]
        self.dialog.introLabel.setText(f"{p.name}（{p.org_name}）：{p.stage}")
        self.dialog.introLabel.setVisible(True)
        steps = [(f"{pipeline.STEPS[s]}", s) for s in pipeline.STEPS if s != "申请"]
        combo = self.choice("step", "*环节(&S)：", steps)
        nxt = NEXT_STEP.get(p.stage)
        if p.stage == "入党申请人" and p.first("谈话"):
            nxt = "积极分子"
        combo.setCurrentIndex(max(0, combo.findData(nxt)))
        self.date("date", "*日期(&D)：")
        self.line("decision", "决定机关/会议：", "", "如 支部委员会研究确定、支部党员大会讨论通过")
        self.line("doc_no", "文号：")
        self.line("hours", "培训学时：", "", "集中培训时填写，至少24学时")
        self.line("months", "延长月数：", "", "延长预备期时填写（6到12个月）")
        self.line("result", "结论：", "", "政审、预审、考察的结论")

    def save(self) -> Any:
        p = self.context["person"]
        step = self.w("step").currentData()
        return apply(self.page, f"发展党员：{pipeline.STEPS[step]}", lambda db: pipeline.record_step(
            db, p.id, step, self.text("date"), decision=self.text("decision"), doc_no=self.text("doc_no"),
            hours=self.text("hours") or None, months=self.text("months") or None, result=self.text("result")))


class IntroducersDialog(EntryDialog):
    TITLE = "确定入党介绍人"
    INTRO = "入党介绍人应为两名正式党员。"

    def build(self) -> None:
        self.member_choice("first", "*第一介绍人(&1)：", self.context["members"])
        self.member_choice("second", "*第二介绍人(&2)：", self.context["members"])
        self.w("second").setCurrentIndex(min(1, self.w("second").count() - 1))

    def save(self) -> Any:
        p = self.context["person"]
        a, b = self.chosen("first", "第一介绍人"), self.chosen("second", "第二介绍人")
        return apply(self.page, "确定入党介绍人", lambda db: pipeline.set_introducers(db, p.id, a, b))


class PlanDialog(EntryDialog):
    TITLE = "年度发展党员计划"

    def build(self) -> None:
        self.choice("org", "*党支部(&B)：", self.context["branches"])
        self.line("planned", "*计划发展人数(&N)：", "1")

    def save(self) -> Any:
        year = self.context["year"]
        return apply(self.page, "发展党员计划", lambda db: pipeline.set_plan(
            db, self.w("org").currentData(), year, self.text("planned")))
