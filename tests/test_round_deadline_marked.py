"""A deadline counted through a year without a holiday table is printed marked 未确认 — on the round's
publicity sheet, on the 星级党员 sheet, and in what the CLI says when it saves them — and printed
plainly once the year's 放假安排 is entered."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from assessment_util import add_branches, drive, new_round
from dangjian_desktop.assessment import workflow
from dangjian_desktop.assessment.holiday_notice import import_notice
from dangjian_desktop.assessment.rounds import get_round
from dangjian_desktop.assessment.workdays import confirm_weekdays
from dangjian_desktop.cli import main
from dangjian_desktop.registry import add_member, set_setting
from dangjian_desktop.registry.idcard import make as make_id
from dangjian_desktop.reports.member_stars import MemberStarsOptions, build_member_stars
from dangjian_desktop.reports.member_stars import prepare as prepare_stars
from dangjian_desktop.reports.round_publicity import PublicityOptions, build_round_publicity, prepare
from points_util import YEAR, simple_catalogue

START = dt.date(2026, 12, 15)
MARKED = "2027年1月4日（未确认：2027年放假安排尚未录入）"
NOTICE_2027 = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"


def text_of(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages).replace(" ", "").replace("\n", "")


@pytest.fixture
def late(db):
    """A branch in publicity from 2026-12-15: 15 working days end in 2027, a year without a table."""
    (b1,) = add_branches(db, [("东岭村党支部", "村")])
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    rid, (b,) = new_round(db, year=2026)
    drive(db, b.id, "公示", publicity=START)
    return db, rid, b1


def test_the_publicity_sheet_prints_the_end_marked(late, tmp_path):
    db, rid, _ = late
    info = prepare(db, rid, PublicityOptions(start=START), today=dt.date(2026, 12, 14))
    assert info.end_text == MARKED
    assert any(MARKED in w for w in info.warnings)  # the clerk is told what the sheet will say
    text = text_of(build_round_publicity(db, rid, tmp_path / "公示.pdf", PublicityOptions(start=START)))
    assert f"公示时间：2026年12月15日至{MARKED}。" in text


def test_the_end_is_plain_once_the_year_is_entered_or_confirmed(late, tmp_path):
    db, rid, _ = late
    import_notice(db, 2027, NOTICE_2027)
    text = text_of(build_round_publicity(db, rid, tmp_path / "a.pdf", PublicityOptions(start=START)))
    assert "公示时间：2026年12月15日至2027年1月5日。" in text and "未确认" not in text
    # A year confirmed as Monday–Friday is known: no mark either.
    info = prepare(db, rid, PublicityOptions(start=dt.date(2027, 12, 20)), today=dt.date(2027, 12, 1))
    assert info.end.year == 2028 and "未确认：2028年" in info.end_text
    confirm_weekdays(db, 2028)
    info = prepare(db, rid, PublicityOptions(start=dt.date(2027, 12, 20)), today=dt.date(2027, 12, 1))
    assert info.end_text == f"{info.end.year}年{info.end.month}月{info.end.day}日"
    assert not any("未确认" in w for w in info.warnings)


def test_a_window_entirely_in_a_known_year_is_not_marked(late):
    db, rid, _ = late
    info = prepare(db, rid, PublicityOptions(start=dt.date(2026, 12, 1)), today=dt.date(2026, 11, 30))
    assert (info.end, info.end_unconfirmed) == (dt.date(2026, 12, 21), [])
    assert info.sheet.period_end_note == "" and "未确认" not in info.end_text


def test_the_cli_says_the_end_is_unconfirmed(late, db_path, tmp_path, capsys):
    db, rid, _ = late
    db.close()
    out_pdf = tmp_path / "公示.pdf"
    code = main(["--db", str(db_path), "report", "publicity", "--round", rid, "--start", START.isoformat(),
                 "--out", str(out_pdf)])
    out = capsys.readouterr().out
    assert code == 0 and f"公示期 2026年12月15日至{MARKED}。" in out
    assert MARKED in text_of(out_pdf)


@pytest.fixture
def stars_office(db):
    (b1,) = add_branches(db, [("东岭村党支部", "村")])
    add_member(db, {"name": "李明", "sex": "男", "ethnicity": "汉族", "birth_date": "1980-05-06",
                    "id_number": make_id("140826", dt.date(1980, 5, 6), 12, True), "join_date": "2005-07-01", "full_date": "2006-07-01", "category": "正式党员"}, org_id=b1)
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    simple_catalogue(db)
    return db, b1


def test_the_member_stars_sheet_marks_a_counted_end(stars_office, tmp_path):
    db, b1 = stars_office
    # 5 working days from Monday 2026-12-28 end on 2027-01-01 (元旦) counted Monday–Friday.
    opts = MemberStarsOptions(start="2026-12-28")
    info = prepare_stars(db, YEAR, b1, opts)
    assert info.end == dt.date(2027, 1, 1) and info.end_unconfirmed == [2027]
    text = text_of(build_member_stars(db, YEAR, b1, tmp_path / "s.pdf", opts))
    assert "公示时间：2026年12月28日至2027年1月1日（未确认：2027年放假安排尚未录入）。" in text
    # A last day the clerk gives is the clerk's: printed as given.
    opts = MemberStarsOptions(start="2026-12-28", end="2027-01-06")
    assert prepare_stars(db, YEAR, b1, opts).end_unconfirmed == []
    assert "未确认" not in text_of(build_member_stars(db, YEAR, b1, tmp_path / "t.pdf", opts))
    import_notice(db, 2027, NOTICE_2027)
    info = prepare_stars(db, YEAR, b1, MemberStarsOptions(start="2026-12-28"))
    assert (info.end, info.end_unconfirmed) == (dt.date(2027, 1, 4), [])


def test_the_appeal_window_text_uses_the_same_mark(late):
    db, rid, _ = late
    sid = db.scalar("SELECT id FROM round_branch WHERE round_id = ?", (rid,))
    win = workflow.appeal_window(db, sid)
    assert win.end_text().startswith("2027年1月4日（未确认：2027年放假安排尚未录入")
    rnd_win = workflow.round_window(db, get_round(db, rid))
    assert rnd_win.end == win.end and rnd_win.unconfirmed == (2027,)


def test_an_appeal_past_an_unconfirmed_end_asks_for_the_years_table(late):
    from dangjian_desktop.assessment.workdays import CalendarUnconfirmedError
    from dangjian_desktop.errors import UserError

    db, rid, _ = late
    sid = db.scalar("SELECT id FROM round_branch WHERE round_id = ?", (rid,))
    # 2027-01-05 is one working day late by Monday–Friday, on time if 元旦 (1 January) is a holiday.
    day = dt.date(2027, 1, 5)
    assert "申诉" in [t for t, _ in workflow.allowed_moves(db, sid, today=day)]
    with pytest.raises(CalendarUnconfirmedError, match="2027 年的放假安排") as e:
        workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="分数有误", lodged_on=day)
    assert e.value.years == [2027]
    import_notice(db, 2027, NOTICE_2027)
    with pytest.raises(UserError, match="不在申诉期内") as e:
        workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="分数有误", lodged_on=dt.date(2027, 1, 6))
    assert not isinstance(e.value, CalendarUnconfirmedError)
    assert "申诉" not in [t for t, _ in workflow.allowed_moves(db, sid, today=dt.date(2027, 1, 6))]
    workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="分数有误", lodged_on=day)


def test_an_appeal_inside_the_counted_window_needs_no_table(late):
    db, rid, _ = late
    sid = db.scalar("SELECT id FROM round_branch WHERE round_id = ?", (rid,))
    workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="分数有误", lodged_on=dt.date(2026, 12, 20))


def test_the_dashboard_does_not_call_an_unconfirmed_window_closed(late):
    from dangjian_desktop.assessment import dashboard

    db, rid, _ = late
    (row,) = dashboard(db, rid, today=dt.date(2027, 1, 5)).rows
    assert row.next_step == "待录入2027年放假安排（申诉期截止日2027年1月4日未确认）"
    assert "公示期满未确定" not in row.overdue
    confirm_weekdays(db, 2027)
    (row,) = dashboard(db, rid, today=dt.date(2027, 1, 5)).rows
    assert row.next_step == "申诉期已满，可确定结果" and "公示期满未确定" in row.overdue
