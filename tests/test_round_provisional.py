"""Provisional is not final: ratings of sheets still being filled are marked so (and their
consequences "if confirmed"); the publicity sheet prints only completed reviews, says how many are
pending, defaults its period sensibly, warns about a period that makes no sense, and never leaves
the signature block alone on a page."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

from pypdf import PdfReader

from assessment_util import add_branches, drive, fill, new_round
from dangjian_desktop.assessment import dashboard, rate_round, rounds, sheets, workflow
from dangjian_desktop.cli import main
from dangjian_desktop.registry import set_setting
from dangjian_desktop.reports.pdf import Column, ObjectionContact, PublicitySheet, build_publicity_pdf
from dangjian_desktop.reports.round_publicity import PublicityOptions, default_start, prepare

D = dt.date


def by_name(rating):
    return {b.org_name: b for b in rating.branches}


def test_a_sheet_being_filled_is_provisional_with_consequences_if_confirmed(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    old, olds = new_round(db, year=2024)
    for b in olds:
        drive(db, b.id, "确定", value_of=lambda i: 19, publicity=D(2024, 12, 2), confirm_on=D(2025, 1, 10))
    rid, branches = new_round(db, year=2025)
    east, west = sorted(branches, key=lambda b: b.org_name != "东岭村党支部")
    sheets.set_scores(db, east.id, "self", {"A": 12})  # four items still blank, counted as 0
    drive(db, west.id, "公示", value_of=lambda i: 19)
    r = by_name(rate_round(db, rid))
    e, w = r["东岭村党支部"], r["西岭村党支部"]
    assert (e.rating, e.provisional, e.rating_text) == ("一星", True, "一星（暂定）")
    assert any("诫勉谈话" in c.title for c in e.consequences) and e.consequence_prefix == "如确定："
    d = next(x for x in rate_round(db, rid).to_dict()["branches"] if x["branch"] == "东岭村党支部")
    assert d["provisional"] is True and all(c["if_confirmed"] for c in d["consequences"])
    assert (w.provisional, w.rating_text) == (False, "五星")
    rows = {x.org_name: x for x in dashboard(db, rid, today=D(2025, 12, 5)).rows}
    assert rows["东岭村党支部"].rating_text == "一星（暂定）" and rows["西岭村党支部"].rating_text == "五星"


def test_a_reviewed_sheet_before_publicity_is_still_provisional(db):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db)
    drive(db, b.id, "审核", value_of=lambda i: 19)
    fill(db, b.id, "final", lambda i: 19)
    assert rate_round(db, rid).branches[0].provisional is True
    workflow.move(db, b.id, "公示", today=D(2025, 12, 1))
    assert rate_round(db, rid).branches[0].provisional is False


def test_publicity_lists_completed_reviews_only_and_counts_the_pending(db):
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村"), ("南河村党支部", "村")])
    rid, branches = new_round(db)
    done, reviewing, blank = branches
    drive(db, done.id, "公示", value_of=lambda i: 19)
    drive(db, reviewing.id, "审核", value_of=lambda i: 19)
    sheets.set_scores(db, reviewing.id, "final", {"A": 19})  # 考核分 still has blanks
    info = prepare(db, rid, PublicityOptions(start=D(2025, 12, 1)), today=D(2025, 11, 30))
    assert [row[1] for row in info.sheet.rows] == ["东岭村党支部"]
    assert info.left_out == 2
    assert any("另有 2 个党组织" in n for n in info.sheet.notes)
    assert any("分数取整" in n for n in info.sheet.notes)


def test_the_period_defaults_to_the_rounds_date_while_ahead_else_today(db):
    add_branches(db, [("东岭村党支部", "村")])
    rid, _ = new_round(db, review_due="2026-11-30")
    rnd = rounds.get_round(db, rid)
    assert default_start(rnd, D(2026, 12, 6)) == D(2026, 12, 6)  # no date set: today
    with db.transaction("测试：公示日期") as tx:
        tx.update("assessment_round", rid, {"publicity_start": "2026-12-10"})
    rnd = rounds.get_round(db, rid)
    assert default_start(rnd, D(2026, 12, 6)) == D(2026, 12, 10)  # still ahead
    assert default_start(rnd, D(2026, 12, 12)) == D(2026, 12, 12)  # passed: today


def test_a_printed_period_that_ended_or_starts_too_early_is_warned_about(db):
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, year=2026, review_due="2026-10-31")
    drive(db, b.id, "公示", value_of=lambda i: 19, publicity=D(2026, 11, 2))
    ended = prepare(db, rid, PublicityOptions(start=D(2026, 10, 27)), today=D(2026, 12, 6))
    assert any("已于2026年11月16日结束" in w for w in ended.warnings)
    assert any("早于本轮的审核截止日期" in w for w in ended.warnings)
    fine = prepare(db, rid, None, today=D(2026, 12, 6))
    assert fine.start == D(2026, 12, 6) and fine.warnings == []


def test_cli_report_warns_and_rate_marks_provisional(db, db_path, tmp_path, capsys):
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, (a, b) = new_round(db, year=2026, review_due="2026-10-31")
    drive(db, a.id, "公示", value_of=lambda i: 19, publicity=D(2026, 11, 2))
    sheets.set_scores(db, b.id, "self", {"A": 12})
    db.close()
    code = main(["--db", str(db_path), "report", "publicity", "--round", rid, "--out", str(tmp_path / "x.pdf"),
                 "--start", "2026-10-27"])
    out = capsys.readouterr()
    assert code == 0 and "注意" in out.err and "结束" in out.err and "另有 1 个" in out.out
    assert main(["--db", str(db_path), "rounds", "rate", "--round", rid]) == 0
    out = capsys.readouterr().out
    assert "（暂定）" in out and "1 个党组织的考核尚未审核完毕" in out
    assert main(["--db", str(db_path), "rounds", "dashboard", "--round", rid, "--json"]) == 0
    rows = {r["branch"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["西岭村党支部"]["provisional"] is True and rows["东岭村党支部"]["provisional"] is False


# ---- the signature block ----------------------------------------------------------------------

SURNAMES = "张王李刘陈杨赵黄周吴"
GIVEN = "伟芳娜洋静勇敏磊杰霞"


def _rows(n):
    names = ["".join(p) for p in itertools.islice(itertools.product(SURNAMES, GIVEN, GIVEN), n)]
    return [[i, name, "城关村党支部", 80 + i % 20] for i, name in enumerate(names, start=1)]


def test_the_signature_never_stands_alone_on_the_last_page():
    cols = [Column("序号", 0.6), Column("姓名", 1.0), Column("所在党支部", 2.4, "left"), Column("年度积分", 0.9)]
    contact = ObjectionContact(office="镇党委组织办", phone="0738-1234567", address="城关镇人民政府二楼组织办")
    for n in range(8, 64):
        sheet = PublicitySheet(title="关于城关镇2025年度星级党员评定结果的公示", issuer="中共城关镇委员会", columns=cols,
                               rows=_rows(n), period_start="2026-03-01", period_end="2026-03-07", contact=contact,
                               opening="经党员自评、支部初评、镇党委审核，现予公示。", notes=["年度积分90分及以上为三星党员。"])
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(build_publicity_pdf(sheet))).pages]
        last = pages[-1]
        assert "中共城关镇委员会" in last
        assert _rows(n)[-1][1] in last, f"{n} rows: the signature page has no row of the table"
        if len(pages) > 1:
            assert "序号" in last  # the kept rows come under their header


def test_the_results_export_marks_provisional_ratings(db, tmp_path):
    from dangjian_desktop.tables.sources import round_results_table

    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, (east, west) = new_round(db)
    sheets.set_scores(db, east.id, "self", {"A": 12})
    drive(db, west.id, "公示", value_of=lambda i: 19)
    rating = rate_round(db, rid)
    table = round_results_table(db, rounds.get_round(db, rid), rating)
    head = [c.label for c in table.columns]
    rows = {r[head.index("党组织")]: r for r in table.rows}
    assert rows["东岭村党支部"][head.index("等次")] == "一星（暂定）"
    assert rows["西岭村党支部"][head.index("等次")] == "五星"
    assert any("暂定" in n for n in table.notes)
    # Provisional rows are muted (grey italic) in the Excel and grey in the PDF; confirmed ones are not.
    order = [r[head.index("党组织")] for r in table.rows]
    assert table.muted_rows == {order.index("东岭村党支部")}
    from openpyxl import load_workbook

    from reportlab.platypus import LongTable

    from dangjian_desktop.privacy import PrivacyGuard, PrivateNumbers
    from dangjian_desktop.reports.fonts import load_fonts
    from dangjian_desktop.tables import save_tables
    from dangjian_desktop.tables.pdf import MUTED, story_of

    ws = load_workbook(save_tables([table], tmp_path / "结果.xlsx")).active
    font = {c.value: c.font for row in ws.iter_rows() for c in row if c.value in ("东岭村党支部", "西岭村党支部")}
    assert font["东岭村党支部"].italic and font["东岭村党支部"].color.rgb.endswith("808080")
    assert not font["西岭村党支部"].italic
    assert save_tables([table], tmp_path / "结果.pdf").stat().st_size > 0
    story = story_of([table], load_fonts(), PrivacyGuard(PrivateNumbers()), 700)
    flat = []
    while story:
        f = story.pop(0)
        story[:0] = list(getattr(f, "_content", []))  # KeepTogether holds its flowables
        flat.append(f)
    grid = next(f for f in flat if isinstance(f, LongTable))
    grid.wrap(700, 1000)
    colour = {order[n]: grid._cellStyles[n + 1][0].color for n in range(len(order))}
    assert colour["东岭村党支部"] == MUTED and colour["西岭村党支部"] != MUTED
