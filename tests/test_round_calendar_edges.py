"""The working-day calendar at the edge of its data: a deadline in a year without a holiday table is
unconfirmed wherever it appears, and 确定 asks for the year's 放假安排 or an explicit Monday–Friday."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assessment_util import add_branches, drive, new_round
from dangjian_desktop.assessment import dashboard, workdays, workflow
from dangjian_desktop.assessment.holiday_notice import import_notice, parse_notice
from dangjian_desktop.assessment.workdays import CalendarUnconfirmedError, confirm_weekdays, year_status
from dangjian_desktop.cli import main
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import set_setting
from dangjian_desktop.reports.round_publicity import PublicityOptions, prepare

D = dt.date
START = D(2026, 12, 15)

NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。"""

NOTICE_2025 = """一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。"""

NOTICE_2027 = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"


def test_a_window_into_an_unknown_year_is_unconfirmed():
    cal = workdays.Calendar.default()
    win = workflow.window_from(cal, START, 15)
    assert win.end == D(2027, 1, 4)  # 元旦 counted as a working day: nobody knows better yet
    assert (win.confirmed, win.unconfirmed) == (False, (2027,))
    assert "未确认" in win.end_text() and "2027" in win.end_text()
    assert workflow.window_from(cal, D(2026, 12, 1), 15).confirmed


def test_the_notice_reads_back_into_the_builtin_tables():
    for text, year, table in ((NOTICE_2026, 2026, workdays.DEFAULTS_2026), (NOTICE_2025, 2025, workdays.DEFAULTS_2025)):
        assert {h.day: (h.kind, h.name) for h in parse_notice(text, year)} == table
    with pytest.raises(UserError, match="没有读到"):
        parse_notice("今天天气很好", 2027)


def test_a_notice_across_the_new_year_and_into_another_month():
    days = {h.day: h.kind for h in parse_notice("一、元旦：12月31日（周三）至1月2日（周五）放假调休，共3天。", 2025)}
    assert days == {"2025-12-31": "休", "2026-01-01": "休", "2026-01-02": "休"}


@pytest.fixture
def late(db):
    """A sheet in publicity from 2026-12-15: its window ends in 2027."""
    add_branches(db, [("东岭村党支部", "村")])
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    rid, (b,) = new_round(db, year=2026)
    drive(db, b.id, "公示", publicity=START)
    return db, rid, b.id


def test_confirm_asks_for_the_years_table_then_works(late):
    db, rid, sid = late
    with pytest.raises(CalendarUnconfirmedError, match="2027 年的放假安排") as e:
        workflow.confirm(db, sid, today=D(2027, 1, 20))
    assert e.value.years == [2027]
    assert year_status(db, 2027).known is False
    import_notice(db, 2027, NOTICE_2027)
    win = workflow.appeal_window(db, sid)
    assert (win.end, win.confirmed) == (D(2027, 1, 5), True)
    workflow.confirm(db, sid, today=D(2027, 1, 20))


def test_confirming_monday_to_friday_is_explicit_and_logged(late):
    db, rid, sid = late
    confirm_weekdays(db, 2027, actor="李审核")
    status = year_status(db, 2027)
    assert (status.known, status.basis, status.days) == (True, "weekdays", ())
    tx = db.one("SELECT actor, reason FROM tx_log ORDER BY id DESC LIMIT 1")
    assert tx["actor"] == "李审核" and "2027" in tx["reason"] and "周一至周五" in tx["reason"]
    with pytest.raises(UserError, match="无需再确认"):
        confirm_weekdays(db, 2027)
    with pytest.raises(UserError, match="无需再确认"):
        confirm_weekdays(db, 2026)
    workflow.confirm(db, sid, today=D(2027, 1, 20))


def test_the_dashboard_and_the_publicity_sheet_say_unconfirmed(late):
    db, rid, sid = late
    (row,) = dashboard(db, rid, today=D(2026, 12, 20)).rows
    assert row.window_unconfirmed == [2027] and "未确认" in row.next_step
    assert any("2027年放假安排未录入" in m for m in row.missing)
    info = prepare(db, rid, PublicityOptions(start=START), today=D(2026, 12, 14))
    assert info.end_unconfirmed == [2027] and any("未确认" in w for w in info.warnings)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_holidays_and_show(late, db_path, tmp_path, capsys):
    db, rid, sid = late
    db.close()
    data = json.loads(run(capsys, "--db", str(db_path), "rounds", "holidays", "--year", "2027", "--json")[1])
    assert (data["known"], data["days"]) == (False, [])
    data = json.loads(run(capsys, "--db", str(db_path), "rounds", "holidays", "--year", "2026", "--json")[1])
    assert data["known"] is True and len(data["days"]) == len(workdays.DEFAULTS_2026)
    shown = json.loads(run(capsys, "--db", str(db_path), "rounds", "show", "--round", rid, "--json")[1])
    assert shown["appeal_deadline"] == {"start": "2026-12-15", "end": "2027-01-04", "working_days": 15,
                                        "confirmed": False, "unconfirmed_years": [2027]}
    assert shown["sheets"][0]["appeal_deadline"]["confirmed"] is False
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "show", "--round", rid)
    assert "未确认" in out
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "holidays", "--year", "2027", "--notice", str(notice))
    assert code == 0 and "3 天" in out
    data = json.loads(run(capsys, "--db", str(db_path), "rounds", "holidays", "--year", "2027", "--json")[1])
    assert (data["known"], data["basis"], len(data["days"])) == (True, "table", 3)
    shown = json.loads(run(capsys, "--db", str(db_path), "rounds", "show", "--round", rid, "--json")[1])
    assert shown["appeal_deadline"]["end"] == "2027-01-05" and shown["appeal_deadline"]["confirmed"] is True
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "holidays", "--year", "2028", "--confirm-weekdays")
    assert code == 0
    data = json.loads(run(capsys, "--db", str(db_path), "rounds", "holidays", "--year", "2028", "--json")[1])
    assert (data["known"], data["basis"]) == (True, "weekdays")
