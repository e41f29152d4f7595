"""发展党员 sub-page: everyone in the pipeline with their stage and dates, the warnings of the one
selected (or of all), and the entries: an applicant, the next step (Enter on a row: the step the
person is due for is chosen), the introducers, the yearly plan. Acceptance and conversion change
the roster through its own history (the core does it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from ...ledgers import pipeline
from ...ledgers.pipeline_checks import SEVERE, pipeline_warnings
from ..kit.messages import slot
from ..kit.palette import AMBER, RED
from ..kit.plain_text import plain
from . import dialogs, models
from .panels import LedgerPanel


class PipelinePanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "pipeline", "发展党员", models.PIPELINE
    WATCHED = frozenset({"dev_person", "dev_step", "dev_plan", "member"})
    IMPORT, IMPORT_TEXT = True, "导入 Excel(&R)…"  # &I is 入党介绍人
    ENTER = "step"

    def __init__(self, page):
        super().__init__(page)
        self.stage = QComboBox()
        self.stage.addItem("全部阶段", None)
        for s in pipeline.STAGE_NAMES:
            self.stage.addItem(s, s)
        self.stage.setAccessibleName("阶段")
        self.stage.currentIndexChanged.connect(lambda _i: self.show_rows(getattr(self, "data", None)))
        self.bar.insertWidget(0, self.stage)

    def body(self, lay):
        self.warning_list = QListWidget()
        self.warning_list.setAccessibleName("发展党员程序提示")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        self.warning_title = plain(QLabel("程序提示："))  # a person's name as written
        inner.addWidget(self.warning_title)
        inner.addWidget(self.warning_list, 1)
        split.addWidget(box)
        split.setSizes([400, 160])
        lay.addWidget(split, 1)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_warnings())

    def actions(self):
        return [("登记申请人(&A)…", self.add), ("登记环节(&S)…", self.step), ("入党介绍人(&I)…", self.introducers),
                ("发展计划(&L)…", self.plan)]

    def load(self, db, s):
        people = pipeline.people(db, office_id=s["office_id"], org_id=s["org_id"])
        warns = pipeline_warnings(db, office_id=s["office_id"], org_id=s["org_id"])
        plans = pipeline.plan_lines(db, s["year"], office_id=s["office_id"], org_id=s["org_id"])
        return people, warns, plans

    def show_rows(self, data):
        if data is None:
            return
        self.data = data
        people, warns, plans = data
        stage = self.stage.currentData()
        self.set_rows([p for p in people if stage is None or p.stage == stage])
        planned = sum(p.planned or 0 for p in plans)
        accepted = sum(p.accepted for p in plans)
        counts = {}
        for p in people:
            counts[p.stage] = counts.get(p.stage, 0) + 1
        now = "、".join(f"{s}{counts[s]}名" for s in pipeline.STAGE_NAMES[:4] if counts.get(s))
        self.hint.setText(f"本年计划发展{planned}名，已接收预备党员{accepted}名；{now or '台账中暂无人员'}。"
                          f"程序提示{len(warns)}条。选中人员后按回车登记下一环节。")
        self._show_warnings()

    def _show_warnings(self):
        self.warning_list.clear()
        if not hasattr(self, "data"):
            return
        p = self.current()
        warns = [w for w in self.data[1] if p is None or w.person_id == p.id]
        self.warning_title.setText(f"程序提示（{p.name}）：" if p is not None else "程序提示（全部）：")
        for w in warns:
            item = QListWidgetItem(f"［{w.level}］{w.message}")
            item.setForeground(RED if w.level == SEVERE else AMBER)
            self.warning_list.addItem(item)
        if not warns:
            self.warning_list.addItem("没有提示：各环节的时间和记录符合要求。")

    def _person(self):
        p = self.current()
        if p is None:
            self.page.inform("请先在表中选择一名人员。")
        return p

    @slot
    def add(self):
        self.open_dialog(dialogs.ApplicantDialog, branches=self.branch_items())

    @slot
    def step(self):
        p = self._person()
        if p is not None:
            self.open_dialog(dialogs.StepDialog, person=p)

    @slot
    def introducers(self):
        p = self._person()
        if p is not None:
            self.open_dialog(dialogs.IntroducersDialog, person=p, members=self.members(full_only=True))

    @slot
    def plan(self):
        self.open_dialog(dialogs.PlanDialog, branches=self.branch_items(), year=self.page.scope()["year"])
