"""Items 1–3 and 5 of the rounds' decisions from the GUI, as a clerk does them (pytest-qt, offscreen):
naming the holders of a capped title, confirming or dismissing a veto the registry proves, a
deadline in a year without a holiday table (the 确定 prompt, the State Council's notice), the
rounding rule in the scheme editor, provisional ratings muted."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from assessment_util import add_branches, drive, fill, new_round
from dangjian_desktop import dates
from dangjian_desktop.assessment import rate_round, workdays
from dangjian_desktop.assessment.veto_proposals import propose_vetoes
from dangjian_desktop.registry import set_setting

pytestmark = pytest.mark.gui

EXCELLENT = {"A": 40, "B": 20, "C": 15, "D": 15, "E": 10}


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        day = dt.date(2026, 1, 10)

        def set(self, day: dt.date) -> None:
            self.day = day

    c = Clock()
    monkeypatch.setattr(dates, "today", lambda: c.day)
    return c


@pytest.fixture
def make_tab(qtbot):
    """The 考核检查 tab on a database, released before the database closes (as the main window does)."""
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    made = []

    def make(db):
        t = AssessmentTab()
        qtbot.addWidget(t)
        t.resize(1300, 820)
        t.show()
        t.set_database(db)
        db.on_commit(t.on_data_changed)
        made.append(t)
        qtbot.waitUntil(lambda: not t.loading, timeout=10000)  # the dashboard is read off the GUI thread
        return t

    yield make
    for t in made:
        t.set_database(None)


def yes(host) -> None:
    box = host.current_message
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()


def test_quota_dialog_names_the_holders_with_a_reason(qtbot, make_tab, db, clock, tmp_path):
    add_branches(db, [("甲村党支部", "村"), ("乙村党支部", "村"), ("丙村党支部", "村"), ("丁村党支部", "村")])
    rid, branches = new_round(db, scheme="liuyou")
    for b, total in zip(branches, (100, 98, 96, 90)):
        fill(db, b.id, "self", lambda i, t=total: EXCELLENT[i.code] - (100 - t if i.code == "A" else 0))
    tab = make_tab(db)
    tab.select_round(rid)
    assert tab.rounds.quota_button.isEnabled()
    tab.rounds.quota_button.click()
    dlg = tab.current_dialog
    assert "待决定" in dlg.scope_combo.currentText() and "限 2 个" in dlg.scope_combo.currentText()
    assert dlg.table.rowCount() == 3 and "待审核人确定名单" in dlg.status_label.text()
    dlg.set_ticked([branches[0].id, branches[2].id])
    assert "已勾选 2 个，名额 2 个" in dlg.tick_label.text()
    dlg.save_button.click()  # no reason: refused, nothing written
    assert "理由" in dlg.current_message.text()
    dlg.current_message.done(0)
    assert db.scalar("SELECT count(*) FROM round_quota_decision") == 0
    dlg.set_ticked([b.id for b in branches[:3]])
    dlg.reason_edit.setText("x")
    dlg.save_button.click()
    assert "超过名额" in dlg.current_message.text()
    dlg.current_message.done(0)
    dlg.set_ticked([branches[0].id, branches[2].id])
    dlg.reason_edit.setText("镇党委会议研究决定")
    dlg.save_button.click()
    assert dlg.current_message is None
    assert "已确定：甲村党支部、丙村党支部" in dlg.status_label.text()
    assert "镇党委会议研究决定" in dlg.table.item(0, 5).text()
    dlg.grab().save(str(tmp_path / "quota.png"))
    awards = {b.org_name: b.award for b in rate_round(db, rid).branches}
    assert awards == {"甲村党支部": True, "乙村党支部": False, "丙村党支部": True, "丁村党支部": False}
    dlg.close_button.click()
    assert tab.current_dialog is None


def test_veto_proposal_is_shown_on_opening_and_dismissed_with_a_reason(qtbot, make_tab, db, clock, tmp_path):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="guifanhua")
    fill(db, b.id, "self", lambda i: 0 if i.code == "D3" else (0 if i.kind == "deduction" else i.max))
    tab = make_tab(db)
    tab.select_round(rid)
    ed = tab.editor
    panel = ed.vetoes.proposals
    assert not panel.isHidden() and len(panel.pending) == 1
    assert "⚠1" in ed.tabs.tabText(1)
    assert "待审核人确认或驳回" in ed.summary_label.text()
    assert "D3" in panel.table.item(0, 2).text() and panel.table.item(0, 0).text() == "待决定"
    ed.tabs.setCurrentIndex(1)
    ed.grab().save(str(tmp_path / "vetoes.png"))
    panel.dismiss_button.click()  # no reason
    assert "理由" in ed.current_message.text()
    ed.current_message.done(0)
    panel = ed.vetoes.proposals
    panel.reason_edit.setText("经费由镇财政统一列支，有凭证")
    panel.dismiss_button.click()
    panel = ed.vetoes.proposals
    assert panel.pending == [] and panel.table.item(0, 0).text() == "已驳回"
    assert "有凭证" in panel.table.item(0, 3).text()
    assert "⚠" not in ed.tabs.tabText(1)
    assert [p.status for p in propose_vetoes(db, b.id)] == ["已驳回"]


def test_confirming_a_proposal_marks_the_veto(qtbot, make_tab, db, clock):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="guifanhua")
    fill(db, b.id, "self", lambda i: 0 if i.code == "D3" else (0 if i.kind == "deduction" else i.max))
    tab = make_tab(db)
    tab.select_round(rid)
    ed = tab.editor
    ed.vetoes.proposals.reason_edit.setText("核实全年未拨付")
    ed.vetoes.proposals.confirm_button.click()
    row = next(r for r in range(ed.vetoes.table.rowCount()) if "V3" in ed.vetoes.table.item(r, 1).text())
    assert "核实全年未拨付" in ed.vetoes.table.item(row, 2).text()
    assert "不合格" in ed.summary_label.text()


def test_confirm_asks_for_the_years_holidays_first(qtbot, make_tab, db, clock, tmp_path):
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, year=2026)
    drive(db, b.id, "公示", publicity=dt.date(2026, 12, 15))
    clock.set(dt.date(2027, 1, 20))
    tab = make_tab(db)
    tab.select_round(rid)
    ed = tab.editor
    assert "未确认" in ed.workflow.state_label.text() and "2027" in ed.workflow.state_label.text()
    ed.workflow.move_button("确定").click()
    prompt = ed.current_dialog
    assert prompt is not None and "2027 年的放假安排" in prompt.text_label.text()
    prompt.grab().save(str(tmp_path / "prompt.png"))
    prompt.weekdays_button.click()
    yes(prompt)
    # Confirmed (logged), the prompt gives way to the 确定 dialog.
    assert workdays.year_status(db, 2027).basis == "weekdays"
    assert "周一至周五" in db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1")
    move = ed.current_dialog
    assert move is not prompt and hasattr(move, "dialog")
    move.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    assert ed.sheet.state == "确定"


def test_the_holiday_editor_reads_the_notice_day_by_day(qtbot, make_tab, db, clock):
    tab = make_tab(db)
    tab.rounds.action_holidays.trigger()
    dlg = tab.current_dialog
    dlg.dialog.yearSpin.setValue(2027)
    assert "未经确认" in dlg.dialog.sourceLabel.text()
    dlg.notice_button.click()
    notice = dlg.notice_dialog
    notice.text_edit.setPlainText("一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
                                  "二、春节：2月6日至14日放假调休，共9天。2月20日（周六）上班。")
    assert notice.read()
    assert notice.days_list.count() == 13 and "调休上班 1 天" in notice.status.text()
    notice.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dlg.dialog.table.rowCount() == 13
    dlg.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dlg.error_shown() == ""
    status = workdays.year_status(db, 2027)
    assert (status.known, status.basis, len(status.days)) == (True, "table", 13)
    assert not workdays.calendar(db).is_workday("2027-01-01")
    assert workdays.calendar(db).is_workday("2027-02-20")


def test_provisional_ratings_are_muted_in_the_dashboard_and_the_results(qtbot, make_tab, db, clock, tmp_path):
    from dangjian_desktop.gui.kit.palette import GREY
    from dangjian_desktop.gui.assessment.models import D_RATING
    from dangjian_desktop.gui.reports.models import R_RATING
    from dangjian_desktop.gui.reports.page import ReportsTab

    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, (east, west) = new_round(db)
    fill(db, east.id, "self", lambda i: 11)  # 55 分: 一星
    drive(db, west.id, "公示", value_of=lambda i: 19)
    tab = make_tab(db)
    tab.select_round(rid)
    rows = {r.org_name: n for n, r in enumerate(tab.dashboard.model.rows)}
    m = tab.dashboard.model
    assert m.index(rows["东岭村党支部"], D_RATING).data() == "一星（暂定）"
    assert m.index(rows["东岭村党支部"], D_RATING).data(Qt.ItemDataRole.ForegroundRole).color() == GREY
    assert m.index(rows["西岭村党支部"], D_RATING).data() == "五星"
    reports = ReportsTab()
    qtbot.addWidget(reports)
    reports.show()
    with qtbot.waitSignal(reports.rated, timeout=10000):
        reports.set_database(db)
    reports_release = reports.set_database
    rm = reports.results.model
    r = next(n for n, b in enumerate(rm.rows) if b.org_name == "东岭村党支部")
    assert rm.index(r, R_RATING).data() == "一星（暂定）"
    assert rm.index(r, R_RATING).data(Qt.ItemDataRole.ForegroundRole).color() == GREY
    assert rm.index(r, R_RATING).data(Qt.ItemDataRole.FontRole).italic()
    assert "暂定" in reports.results.summary_label.text()
    # The export of the results as shown keeps the provisional row muted (grey italic in Excel).
    from openpyxl import load_workbook

    from dangjian_desktop.gui.table_export import table_of_view
    from dangjian_desktop.tables import save_tables

    table = table_of_view(reports.results.view, "评定结果")
    shown = [row[[c.label for c in table.columns].index("党组织")] for row in table.rows]
    assert table.muted_rows == {shown.index("东岭村党支部")}
    out = save_tables([table], tmp_path / "结果.xlsx")
    ws = load_workbook(out).active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value in ("东岭村党支部", "西岭村党支部")}
    assert cells["东岭村党支部"].font.italic and cells["东岭村党支部"].font.color.rgb.endswith("808080")
    assert not cells["西岭村党支部"].font.italic
    reports_release(None)


def test_scheme_editor_shows_and_changes_the_rounding_rule(qtbot, monkeypatch):
    from dangjian_desktop.gui.schemes.page import SchemesWidget

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    w = SchemesWidget()
    qtbot.addWidget(w)
    w.resize(1200, 760)
    w.show()
    w.select_scheme("liuyou")
    row = w.rule.rounding_row
    assert not row.isHidden() and row.value == "truncate" and "94 分" in row.hint.text()
    for code, v in {"A": 40, "B": 20, "C": 15, "D": 15, "E": 4.5}.items():
        w.trial.set_score(code, v)
    w.trial.run()
    assert "优良" in w.trial.rating_label.text()
    row.combo.setCurrentIndex(row.combo.findData("half_up"))
    assert w.scheme.rating.rounding == "half_up" and w.dirty and "95 分" in row.hint.text()
    assert "优秀" in w.trial.rating_label.text()  # the trial follows the rule at once
    w.select_scheme("wugehao")
    assert w.rule.rounding_row.isHidden()  # a classification has no score bands
