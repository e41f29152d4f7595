"""The 结果报告 tab and the settings dialog through their real widgets (pytest-qt, offscreen):
results with stars, ranks, quotas and year-over-year arrows, the rectification ledger, the
publicity sheet preview and save."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialogButtonBox

from dangjian_desktop import dates
from dangjian_desktop.assessment import rectification as rect_api
from dangjian_desktop.assessment import rounds, sheets
from dangjian_desktop.assessment.results import rate_round
from dangjian_desktop.db import Database
from dangjian_desktop.registry import get_setting, set_setting
from dangjian_desktop.registry.orgs import add_org

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 16)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    """One generated demo office (rounds of earlier years confirmed, this year's in progress), copied per test."""
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = Database.create(path)
    init_office(db, name="文城镇", level="town")
    generate(db, seed=7, today=TODAY)
    db.close()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    path = tmp_path / "office.sqlite"
    shutil.copy(demo_template, path)
    db = Database.open(path)
    yield db
    db.close()


def make_tab(qtbot, db):
    from dangjian_desktop.gui.reports.page import ReportsTab

    tab = ReportsTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    with qtbot.waitSignal(tab.rated, timeout=15000):
        tab.set_database(db)
    db.on_commit(tab.on_data_changed)
    return tab


def press_ok(wrapper) -> None:
    wrapper.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()


def current_round_id(db) -> str:
    return rounds.list_rounds(db)[0].id


# ---- results ------------------------------------------------------------------------------------

def test_results_table_shows_the_core_ratings_stars_and_ranks(qtbot, demo_db):
    from dangjian_desktop.gui.reports.models import R_BRANCH, R_RANK_COUNTY, R_RANK_TOWN, R_RATING, R_STARS

    tab = make_tab(qtbot, demo_db)
    expected = {b.sheet_id: b for b in rate_round(demo_db, tab.round_id).branches}
    m = tab.results.model
    assert m.rowCount() == len(expected)
    for r in range(m.rowCount()):
        b = expected[m.rows[r].sheet_id]
        assert m.index(r, R_BRANCH).data() == b.org_name
        assert m.index(r, R_RATING).data().startswith(b.rating)
        assert m.index(r, R_STARS).data().count("★") == b.stars
        assert m.index(r, R_RANK_TOWN).data() == str(b.rank_town)
        assert m.index(r, R_RANK_COUNTY).data() == str(b.rank_county)


def test_summary_counts_the_ratings_from_the_highest_down(qtbot, demo_db):
    import re

    tab = make_tab(qtbot, demo_db)
    rating = rate_round(demo_db, tab.round_id)
    text = tab.results.summary_label.text()
    shown = re.findall(r"(\S+?) \d+", text.split("评定：", 1)[1].split("；", 1)[0].replace("，", " "))
    names = rating.scheme.rating.names()
    assert len(shown) > 2 and set(shown) <= set(names)
    assert shown == sorted(shown, key=names.index)  # 五星 … 一星, not the order of the table


def test_year_over_year_arrows_follow_the_trend(qtbot, demo_db):
    from dangjian_desktop.gui.reports.models import R_TREND, TREND_ARROWS

    tab = make_tab(qtbot, demo_db)
    m = tab.results.model
    trends = [b.trend for b in m.rows]
    assert {"up", "down"} <= set(trends), "the demo should have branches going up and down"
    for r, b in enumerate(m.rows):
        assert m.index(r, R_TREND).data() == TREND_ARROWS.get(b.trend or "", "")
    assert "比较" in tab.results.summary_label.text()


def test_consequences_listed_per_branch(qtbot, demo_db):
    from dangjian_desktop.gui.reports.models import R_CONSEQ

    tab = make_tab(qtbot, demo_db)
    m = tab.results.model
    r = next(i for i, b in enumerate(m.rows) if b.consequences)
    b = m.rows[r]
    # Consequences of a result still being filled are "if confirmed".
    assert m.index(r, R_CONSEQ).data() == b.consequence_prefix + "；".join(c.title for c in b.consequences)
    tab.results.view.selectRow(r)
    assert b.consequences[0].title in tab.results.details.toPlainText()


def test_over_quota_is_flagged_with_named_candidates_and_nothing_demoted(qtbot, db):
    from dangjian_desktop.gui.kit.palette import LIGHT_AMBER
    from dangjian_desktop.gui.reports.models import R_QUOTA, R_RATING

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    for n in range(8):
        add_org(db, parent_id=root, name=f"第{n + 1}村党支部", org_type="党支部", kind="村")
    rid = rounds.create_round(db, year=2025, scheme_id="wuhua")
    for n, b in enumerate(rounds.round_branches(db, rid)):
        sheet = sheets.open_sheet(db, b.id)
        # everyone scores at the top, each a little lower than the one before
        sheets.set_scores(db, b.id, "self", {i.code: i.max - (0.5 * n if k == 0 else 0)
                                             for k, i in enumerate(sheet.items)})
    tab = make_tab(qtbot, db)
    rating = tab.rating
    over = [f for f in rating.quota_flags if f.candidates]
    assert over, "eight top results must exceed the 15 % cap on the highest level"
    names = set(over[0].candidates)
    texts = [tab.results.quota_list.item(i).text() for i in range(tab.results.quota_list.count())]
    assert any(all(n in t for n in names) for t in texts)
    assert any("审核人决定" in t for t in texts)
    m = tab.results.model
    top = rating.scheme.rating.levels[0].name
    for r, b in enumerate(m.rows):
        assert m.index(r, R_RATING).data().startswith(top)  # nobody was demoted silently
        flagged = b.org_name in names
        assert ("超名额候选" in m.index(r, R_QUOTA).data()) == flagged
        assert "待决定" in m.index(r, R_QUOTA).data()  # the reviewer names the holders (名额决定)
        if flagged:
            assert m.index(r, R_QUOTA).data(Qt.ItemDataRole.BackgroundRole).color() == LIGHT_AMBER


def test_results_follow_a_score_change(qtbot, demo_db):
    tab = make_tab(qtbot, demo_db)
    sheet = next(b for b in rounds.round_branches(demo_db, tab.round_id) if b.state == "自评")
    s = sheets.open_sheet(demo_db, sheet.id)
    with qtbot.waitSignal(tab.rated, timeout=15000):
        sheets.set_scores(demo_db, sheet.id, "self", {i.code: i.max for i in s.items})
    row = next(b for b in tab.results.model.rows if b.sheet_id == sheet.id)
    assert row.total == s.scheme.effective_total_max()


# ---- ledger -----------------------------------------------------------------------------------

def test_ledger_add_through_dialog(qtbot, demo_db):
    tab = make_tab(qtbot, demo_db)
    tab.tabs.setCurrentIndex(1)
    before = tab.ledger.model.rowCount()
    tab.results.view.selectRow(next(n for n, b in enumerate(tab.results.model.rows) if not b.vetoed))
    b = tab.selected_branch()
    tab.results.to_ledger_button.click()
    dlg = tab.current_dialog
    press_ok(dlg)
    assert "问题" in dlg.error_shown()  # a problem is required
    dlg.dialog.problemEdit.setPlainText("三会一课记录不全")
    dlg.dialog.measureEdit.setPlainText("补齐记录，每月检查")
    dlg.dialog.responsibleEdit.setText("支部书记")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert tab.ledger.model.rowCount() == before + 1
    entry = next(r for r in tab.ledger.model.rows if r.problem == "三会一课记录不全")
    assert entry.org_id == b.org_id and entry.responsible == "支部书记" and entry.status == "未整改"


def test_ledger_overdue_rows_highlighted(qtbot, demo_db):
    from dangjian_desktop.gui.kit.palette import LIGHT_RED

    tab = make_tab(qtbot, demo_db)
    rows = tab.ledger.model.rows
    overdue = [n for n, r in enumerate(rows) if r.overdue]
    assert overdue, "the demo has overdue ledger entries"
    assert len(overdue) == len(rect_api.overdue_rectifications(demo_db, today=TODAY))
    for n, r in enumerate(rows):
        bg = tab.ledger.model.index(n, 0).data(Qt.ItemDataRole.BackgroundRole)
        assert (bg is not None and bg.color() == LIGHT_RED) == r.overdue
    assert f"逾期 {len(overdue)} 项" in tab.ledger.counts.text()


def test_ledger_close_with_evidence(qtbot, demo_db, tmp_path):
    tab = make_tab(qtbot, demo_db)
    tab.tabs.setCurrentIndex(1)
    row = next(n for n, r in enumerate(tab.ledger.model.rows) if r.status != "已销号")
    rid = tab.ledger.model.rows[row].id
    tab.ledger.view.selectRow(row)
    assert tab.ledger.close_button.isEnabled()
    tab.ledger.close_button.click()
    dlg = tab.current_dialog
    proof = tmp_path / "整改照片.png"
    from PIL import Image

    Image.new("RGB", (400, 300), (10, 120, 10)).save(proof)
    dlg.add_files([str(proof)])
    dlg.dialog.noteEdit.setPlainText("已补齐全部会议记录")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    entry = next(r for r in rect_api.list_rectifications(demo_db) if r.id == rid)
    assert entry.status == "已销号" and entry.closed_on == TODAY.isoformat() and entry.evidence_count == 1
    shown = next(r for r in tab.ledger.model.rows if r.id == rid)
    assert shown.status == "已销号"


# ---- publicity sheet ---------------------------------------------------------------------------------

def _set_contact(db):
    set_setting(db, "publicity_contact_office", "镇党委组织办")
    set_setting(db, "publicity_contact_phone", "0898-12345678")


def _preview(qtbot, tab):
    with qtbot.waitSignal(tab.preview_ready, timeout=20000):
        tab.tabs.setCurrentIndex(2)
        if tab.task is None:
            tab.build_preview()


def _page_is_drawn(tab) -> bool:
    img = tab.preview.pdf_document.render(0, QSize(300, 420))
    colours = {img.pixel(x, y) for x in range(0, img.width(), 5) for y in range(0, img.height(), 5)}
    return len(colours) > 2


def test_publicity_preview_renders_pages(qtbot, demo_db):
    from PySide6.QtPdf import QPdfDocument

    _set_contact(demo_db)
    tab = make_tab(qtbot, demo_db)
    _preview(qtbot, tab)
    assert tab.preview.error is None
    assert tab.preview.pdf_document.status() == QPdfDocument.Status.Ready
    assert tab.preview.pdf_document.pageCount() >= 1
    assert _page_is_drawn(tab)
    size = tab.preview.pdf_document.pagePointSize(0)
    assert size.height() > size.width()  # A4 portrait by default
    assert "公示期" in tab.preview.info.text()


def test_publicity_preview_follows_paper_and_orientation(qtbot, demo_db):
    _set_contact(demo_db)
    tab = make_tab(qtbot, demo_db)
    _preview(qtbot, tab)
    a4 = tab.preview.pdf_document.pagePointSize(0)
    with qtbot.waitSignal(tab.preview_ready, timeout=20000):
        tab.preview.paper_combo.setCurrentText("A3")
    with qtbot.waitSignal(tab.preview_ready, timeout=20000):
        tab.preview.orientation_combo.setCurrentIndex(1)
    a3 = tab.preview.pdf_document.pagePointSize(0)
    assert a3.width() > a3.height()  # landscape
    assert round(a3.width()) == round(a4.height() * 2 ** 0.5)  # A3 long side = √2 × A4 long side


def _clear_contact(db):
    for key in ("publicity_contact_office", "publicity_contact_phone", "publicity_contact_address"):
        set_setting(db, key, None)


def test_publicity_without_contact_says_what_to_set(qtbot, demo_db):
    _clear_contact(demo_db)  # the demo office fills them in
    tab = make_tab(qtbot, demo_db)
    _preview(qtbot, tab)
    assert tab.preview.pdf_bytes is None
    assert "设置" in tab.preview.error and "受理" in tab.preview.error
    assert tab.preview.error in tab.preview.info.text()


def test_publicity_saved_as_pdf_with_the_results(qtbot, demo_db, tmp_path):
    from pypdf import PdfReader

    _set_contact(demo_db)
    tab = make_tab(qtbot, demo_db)
    _preview(qtbot, tab)
    out = tab.save_pdf(str(tmp_path / "公示.pdf"))
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    # Completed reviews only: at 公示 or later with every 考核分 filled, no veto the registry proves
    # left unread by the reviewer.
    reviewed = [b for b in tab.rating.branches if b.state in ("公示", "申诉", "确定") and not b.provisional]
    assert reviewed
    compact = text.replace(" ", "").replace("\n", "")
    for b in reviewed:
        assert (b.org_name in compact) is not bool(b.veto_proposals)
    assert "0898-12345678" in compact


# ---- settings ----------------------------------------------------------------------------------------

def test_settings_dialog_saves_publicity_values(qtbot, demo_db):
    tab = make_tab(qtbot, demo_db)
    tab.settings_button.click()
    dlg = tab.current_dialog
    f = dlg.dialog
    f.issuerEdit.setText("中共文城镇委员会")
    f.contactOfficeEdit.setText("镇党委组织办")
    f.contactPhoneEdit.setText("0898-87654321")
    f.contactAddressEdit.setText("镇政府三楼")
    marks = demo_db.scalar("SELECT count(*) FROM tx_log")
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert demo_db.scalar("SELECT count(*) FROM tx_log") == marks + 1  # one unit of work
    assert [get_setting(demo_db, k) for k in ("publicity_issuer", "publicity_contact_office",
                                                "publicity_contact_phone", "publicity_contact_address")] == [
        "中共文城镇委员会", "镇党委组织办", "0898-87654321", "镇政府三楼"]


@pytest.mark.parametrize("content, message", [
    (b"not a font at all", "不是可用的 TrueType 字体"),
    (b"", "不是可用的 TrueType 字体"),
])
def test_settings_dialog_refuses_unusable_font(qtbot, db, tmp_path, content, message):
    from dangjian_desktop.gui.settings_dialog import SettingsDialog

    bad = tmp_path / "坏字体.ttf"
    bad.write_bytes(content)
    dlg = SettingsDialog(db)
    qtbot.addWidget(dlg.dialog)
    assert not dlg.choose_font_file(str(bad))
    assert message in dlg.error_shown()
    assert dlg.font_path() == ""


def test_settings_dialog_stores_a_chosen_font(qtbot, db):
    from dangjian_desktop.gui.settings_dialog import SettingsDialog
    from dangjian_desktop.reports.fonts import SETTING_PDF_FONT, bundled_font_path

    dlg = SettingsDialog(db)
    qtbot.addWidget(dlg.dialog)
    font = str(bundled_font_path())
    assert dlg.choose_font_file(font)
    assert "字体：" in dlg.dialog.fontInfoLabel.text()
    press_ok(dlg)
    assert dlg.error_shown() == ""
    assert get_setting(db, SETTING_PDF_FONT) == font


def test_results_and_ledger_models_pass_the_model_tester(qtbot, qtmodeltester, demo_db):
    tab = make_tab(qtbot, demo_db)
    assert tab.results.model.rowCount() and tab.ledger.model.rowCount()
    qtmodeltester.check(tab.results.model, force_py=True)
    qtmodeltester.check(tab.ledger.model, force_py=True)


def test_results_sort_by_county_rank_keeps_the_selection_right(qtbot, demo_db):
    from dangjian_desktop.gui.reports.models import R_RANK_COUNTY, R_TOTAL

    tab = make_tab(qtbot, demo_db)
    tab.results.view.sortByColumn(R_RANK_COUNTY, Qt.SortOrder.AscendingOrder)
    proxy = tab.results.proxy
    ranks = [int(proxy.index(r, R_RANK_COUNTY).data()) for r in range(proxy.rowCount())]
    assert ranks == sorted(ranks) and ranks[0] == 1
    tab.results.view.selectRow(0)
    assert tab.selected_branch().rank_county == 1
    assert tab.selected_branch().org_name in tab.results.details.toPlainText()
    tab.results.view.sortByColumn(R_TOTAL, Qt.SortOrder.DescendingOrder)
    totals = [float(proxy.index(r, R_TOTAL).data() or -1) for r in range(proxy.rowCount())]
    assert totals == sorted(totals, reverse=True)
