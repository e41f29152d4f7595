"""Training, rewards and punishments, visits and talks with photos, party-work funds, reserve
cadres and the committee's structure, plaques from confirmed results and revocations, printable
lists."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PIL import Image

from dangjian_desktop.assessment.plaque_results import update_from_round
from dangjian_desktop.errors import UserError
from dangjian_desktop.ledgers import cadres, funds, plaques, records
from dangjian_desktop.tables.ledger_tables import LISTS, ledger_table, save_ledger
from dangjian_desktop.registry import add_committee_member, add_member, start_term, update_member
from dangjian_desktop.registry.idcard import make

from assessment_util import add_branches, drive, new_round
from points_util import add_branch

Y = 2025


def photo(path, color=(200, 30, 30)):
    Image.new("RGB", (64, 48), color).save(path)
    return path


def test_training_rewards_and_their_checks(db):
    b = add_branch(db, n=3)
    ids = records.add_training(db, b.members, date=f"{Y}-04-10", kind="集中培训", content="党章学习", hours="4")
    assert len(ids) == 3 and len(records.trainings(db, Y, org_id=b.id)) == 3
    for bad in ("0", "abc", "300"):
        with pytest.raises(UserError):
            records.add_training(db, b.members[:1], date=f"{Y}-04-10", kind="集中培训", content="x", hours=bad)
    records.add_reward(db, b.members[0], date=f"{Y}-07-01", kind="奖励", title="优秀共产党员", issuer="镇党委")
    records.add_reward(db, b.members[1], date=f"{Y}-08-01", kind="处分", title="严重警告", issuer="镇纪委",
                       decision="镇纪委〔2025〕5号")
    with pytest.raises(UserError, match="警告、严重警告"):
        records.add_reward(db, b.members[1], date=f"{Y}-08-01", kind="处分", title="批评", issuer="镇纪委")
    with pytest.raises(UserError, match="作出决定的机关"):
        records.add_reward(db, b.members[1], date=f"{Y}-08-01", kind="奖励", title="先进", issuer="")
    assert [r["kind"] for r in records.rewards(db, Y, org_id=b.id)] == ["奖励", "处分"]
    assert records.severity("留党察看") > records.severity("警告")


def test_visits_and_talks_keep_their_photos(db, tmp_path):
    b = add_branch(db, n=3)
    update_member(db, b.members[0], {"is_hardship": 1})
    old = add_member(db, {"name": "李长青", "ethnicity": "汉族", "id_number": make("140826", dt.date(1928, 3, 1), 3, True),
                          "join_date": "1947-05-01", "full_date": "1948-05-01", "category": "正式党员"},
                     org_id=b.id, event_date="1947-05-01")
    targets = records.care_targets(db, org_id=b.id)
    assert {(t["id"], bool(t["is_hardship"]), bool(t["is_old"])) for t in targets} == \
        {(b.members[0], True, False), (old, False, True)}
    p1, p2 = photo(tmp_path / "a.png"), photo(tmp_path / "b.png", (20, 120, 20))
    vid = records.add_visit(db, old, date=f"{Y}-01-20", kind="节日慰问", content="送去慰问金", amount="500",
                            photos=[p1])
    tid = records.add_talk(db, b.id, date=f"{Y}-03-05", talker="镇党委书记", participants="支委全体",
                           topic="班子履职情况", photos=[p1, p2, p2])
    assert len(records.photos(db, talk_id=tid)) == 2 and len(records.photos(db, visit_id=vid)) == 1
    assert db.scalar("SELECT count(*) FROM attachment") == 2  # the same photo stored once
    assert records.photo_data(db, records.photos(db, visit_id=vid)[0]["id"])[:2] == b"\xff\xd8"  # stored as JPEG
    with pytest.raises(UserError, match="谈话对象"):
        records.add_talk(db, b.id, date=f"{Y}-03-05", talker="书记", participants=" ", topic="x")
    with pytest.raises(UserError, match="不是照片"):
        (tmp_path / "x.txt").write_text("x")
        records.add_visit(db, old, date=f"{Y}-02-01", kind="走访慰问", content="看望", photos=[tmp_path / "x.txt"])
    records.remove_record(db, "talk_record", tid, reason="录入错误")
    assert db.scalar("SELECT count(*) FROM attachment") == 1  # b.png went with the talk; a.png is the visit's
    assert records.visits(db, Y, org_id=b.id)[0]["photos"] == 1
    assert db.verify() == []


def test_funds_per_member_against_the_standard(db):
    ids = add_branches(db, [("镇机关党支部", "机关"), ("东村党支部", "村")])
    office = ids[0]
    for k in range(4):
        add_member(db, {"name": f"赵{'一二三四'[k]}", "ethnicity": "汉族",
                        "id_number": make("140826", dt.date(1980, 1, 1 + k), k, True), "join_date": "2005-07-01",
                        "full_date": "2006-07-01", "category": "正式党员"}, org_id=office)
    funds.add_entry(db, office, date=f"{Y}-02-01", direction="收入", purpose="", amount="2000", source="单位列支",
                    account="党建专户")
    funds.add_entry(db, office, date=f"{Y}-05-01", direction="支出", purpose="党员教育", amount="800.50",
                    account="党建专户")
    with pytest.raises(UserError, match="用途"):
        funds.add_entry(db, office, date=f"{Y}-05-01", direction="支出", purpose="", amount="1")
    with pytest.raises(UserError, match="大于0"):
        funds.add_entry(db, office, date=f"{Y}-05-01", direction="收入", purpose="", amount="0")
    s = funds.summary(db, office, Y)
    assert (s.members, s.received_fen, s.spent_fen, s.balance_fen, s.per_member_fen) == (4, 200000, 80050, 119950,
                                                                                       50000)
    assert s.standard_fen == 60000 and not s.provided and s.separate_account
    assert "未达到" in s.lines()[0]
    funds.add_entry(db, office, date=f"{Y}-09-01", direction="收入", purpose="", amount="400", source="财政拨付")
    s = funds.summary(db, office, Y)
    assert s.provided and not s.separate_account and s.by_source == {"单位列支": 200000, "财政拨付": 40000}
    village = funds.summary(db, ids[1], Y)
    assert village.standard_fen is None and not village.provided  # nothing received


def test_funds_per_member_is_rounded_to_the_fen_and_the_standard_judged_exactly(db):
    """人均 printed to the nearest fen (1,799.99 yuan for 3 members is 600.00, 440 is 146.67), while
    the 600-yuan standard is judged on the exact amount: a third of a fen short is still short."""
    from dangjian_desktop.ledgers.vetoes import funds_missing

    office = add_branches(db, [("镇机关党支部", "机关")])[0]
    for k in range(3):
        add_member(db, {"name": f"钱{'一二三'[k]}", "ethnicity": "汉族",
                        "id_number": make("140826", dt.date(1981, 1, 1 + k), k, True), "join_date": "2005-07-01",
                        "full_date": "2006-07-01", "category": "正式党员"}, org_id=office)
    funds.add_entry(db, office, date=f"{Y}-02-01", direction="收入", purpose="", amount="440", source="单位列支")
    s = funds.summary(db, office, Y)
    assert s.per_member_fen == 14667 and s.below_standard and not s.provided
    assert "人均146.67元，低于机关党组织人均600.00元的标准" in funds_missing(db, office, Y)
    funds.add_entry(db, office, date=f"{Y}-03-01", direction="收入", purpose="", amount="1359.99", source="单位列支")
    s = funds.summary(db, office, Y)
    assert (s.received_fen, s.per_member_fen) == (179999, 60000) and s.below_standard and not s.provided
    assert funds_missing(db, office, Y).endswith("3名党员人均低于机关党组织人均600.00元的标准。")
    funds.add_entry(db, office, date=f"{Y}-04-01", direction="收入", purpose="", amount="0.01", source="单位列支")
    s = funds.summary(db, office, Y)
    assert s.per_member_fen == 60000 and s.provided and funds_missing(db, office, Y) is None


def test_reserve_cadres_and_committee_structure(db):
    ids = add_branches(db, [("东村党支部", "村"), ("西村党支部", "村"), ("镇机关党支部", "机关")])
    east = ids[0]
    today = dt.date(2025, 6, 1)
    births = [dt.date(1985, 1, 1), dt.date(1988, 5, 5), dt.date(1960, 3, 3), dt.date(1990, 7, 7)]
    edu = ["大学本科", "普通高中", "初中", "小学"]
    start_term(db, east, start_date="2024-03-01", years=3)
    members = []
    for k, (born, e) in enumerate(zip(births, edu)):
        mid = add_member(db, {"name": f"钱{'一二三四'[k]}", "ethnicity": "汉族", "education": e,
                              "id_number": make("140826", born, k, True), "join_date": "2012-07-01",
                              "full_date": "2013-07-01", "category": "正式党员"}, org_id=east)
        members.append(mid)
        add_committee_member(db, east, role="书记" if k == 0 else "委员", start_date="2024-03-01", member_id=mid)
    s = cadres.committee_structure(db, east, as_of=today)
    assert s.size == 4 and s.ages == [40, 37, 65, 34]
    assert s.in_core_age == 2 and s.meets_age and s.educated == 2 and s.meets_education
    assert "35-45岁2人（50%" in s.line()
    cadres.add_cadre(db, east, since="2025-03-01", member_id=members[3])
    with pytest.raises(UserError, match="已是"):
        cadres.add_cadre(db, east, since="2025-03-02", member_id=members[3])
    for n in ("孙甲", "孙乙"):
        cadres.add_cadre(db, ids[1], since="2025-03-01", name=n)
    cadres.add_cadre(db, ids[1], since="2025-03-01", name="孙丙")
    warn = {w.org_name: w for w in cadres.cadre_warnings(db, as_of=today)}
    assert set(warn) == {"西村党支部"} and warn["西村党支部"].level == "提醒"  # three: more than the 1-2
    row = cadres.cadres(db, org_id=ids[1], as_of=today)[0]
    cadres.end_cadre(db, row["id"], until="2025-05-01", reason="当选村委会委员")
    cadres.end_cadre(db, cadres.cadres(db, org_id=ids[1], as_of=today)[0]["id"], until="2025-05-01")
    cadres.end_cadre(db, cadres.cadres(db, org_id=ids[1], as_of=today)[0]["id"], until="2025-05-01")
    warn = {w.org_name: w for w in cadres.cadre_warnings(db, as_of=today)}
    assert warn["西村党支部"].level == "严重" and warn["西村党支部"].count == 0  # a village with none


def test_plaques_from_confirmed_results_and_revocation(db):
    add_branches(db)
    rid, sheets = new_round(db, "chuangxing", 2024, )
    scores = {0: 95, 1: 85, 2: 75}  # 五星, 四星, 三星 by the total (5 sections of 20)
    for k, s in enumerate(sheets[:3]):
        drive(db, s.id, "确定", lambda i, k=k: round(i.max * scores[k] / 100),
              publicity=dt.date(2024, 12, 1), confirm_on=dt.date(2025, 1, 5))
    changes = update_from_round(db, rid)
    assert sorted(t for _, t in changes.hung) == ["五星级服务型党组织", "四星级服务型党组织"]
    assert update_from_round(db, rid).kept == 2  # again: nothing changes
    # The next year the 四星 branch drops to 三星 and the 五星 one to 四星.
    rid2, sheets2 = new_round(db, "chuangxing", 2025)
    for k, pct in ((0, 85), (1, 72)):
        drive(db, sheets2[k].id, "确定", lambda i, p=pct: round(i.max * p / 100),
              publicity=dt.date(2025, 12, 1), confirm_on=dt.date(2026, 1, 5))
    changes = update_from_round(db, rid2)
    assert changes.hung == [(sheets2[0].org_name, "四星级服务型党组织")]
    removed = {b: why for b, _, why in changes.removed}
    assert "2025年度评定为“三星”" in removed[sheets2[1].org_name]
    assert "改挂“四星级服务型党组织”" in removed[sheets2[0].org_name]
    now = {r["org_name"]: r["title"] for r in plaques.current(db)}
    assert now == {sheets2[0].org_name: "四星级服务型党组织"}
    # An older round never undoes a newer one.
    assert update_from_round(db, rid).skipped
    plaques.revoke(db, sheets2[0].org_id, family="星级服务型党组织", removed_on="2026-02-01",
                   reason="发生群体性事件，造成恶劣影响")
    assert plaques.current(db) == []
    with pytest.raises(UserError, match="没有挂着"):
        plaques.revoke(db, sheets2[0].org_id, family="星级服务型党组织", removed_on="2026-02-02", reason="x")
    assert len(plaques.history(db)) == 3 and db.verify() == []


def test_printable_lists_print_no_private_numbers(db, tmp_path):
    from exchange_util import pdf_text  # pypdf: no system tool needed

    b = add_branch(db, n=2)
    records.add_training(db, b.members, date=f"{Y}-04-10", kind="集中培训", content="党章学习", hours=4)
    out = save_ledger(db, "training", Y, tmp_path / "t.pdf", org_id=b.id)
    text = pdf_text(out).replace(" ", "")
    assert "2025年党员教育培训台账" in text and "党章学习" in text
    xlsx = save_ledger(db, "training", Y, tmp_path / "t.xlsx", org_id=b.id)
    assert load_workbook(xlsx).active.max_row >= 3
    idn = db.get("member", b.members[0])["id_number"]
    records.add_training(db, b.members[:1], date=f"{Y}-05-10", kind="集中培训", content=f"核对{idn}", hours=1)
    with pytest.raises(UserError, match="身份证"):
        save_ledger(db, "training", Y, tmp_path / "u.pdf", org_id=b.id)
    with pytest.raises(UserError, match="没有可导出"):
        save_ledger(db, "talks", Y, tmp_path / "v.pdf", org_id=b.id)
    for kind in LISTS:
        assert ledger_table(db, kind, Y, org_id=b.id).columns


def test_the_command_line_list_shows_the_ledger_in_chinese_without_raw_values(db, db_path, capsys):
    from dangjian_desktop.cli import main

    b = add_branch(db, n=2)
    records.add_visit(db, b.members[0], date="2025-03-08", kind="节日慰问", content="送去慰问金", amount="300")
    assert main(["--db", str(db_path), "ledger", "list", "visits", "--year", "2025"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[:5] == ["序号", "党支部", "姓名", "类别", "日期"]
    assert "2025年3月8日" in out[1] and "300.00" in out[1] and "30000" not in out[1]
    assert not any(word in "\n".join(out) for word in ("amount_fen", "member_id", "is_hardship", "None"))
    assert out[-1] == "共1条。"


@pytest.mark.parametrize("day", ["1900-01-01", "0202-03-01", "1949-12-31"])
def test_a_record_dated_before_the_ledgers_first_year_is_refused(db, db_path, capsys, day):
    """The lists go back to 1950 only: a record dated before it could never be seen again."""
    from dangjian_desktop.cli import main
    from dangjian_desktop.ledgers.common import FIRST_YEAR

    b = add_branch(db, n=2)
    m = b.members[0]
    adds = [lambda d: records.add_training(db, [m], date=d, kind="集中培训", content="党章", hours="2"),
            lambda d: records.add_reward(db, m, date=d, kind="奖励", title="优秀共产党员", issuer="镇党委"),
            lambda d: records.add_visit(db, m, date=d, kind="走访慰问", content="看望"),
            lambda d: records.add_talk(db, b.id, date=d, talker="书记", participants="支委", topic="履职"),
            lambda d: funds.add_entry(db, b.id, date=d, direction="收入", purpose="", amount="100")]
    for add in adds:
        with pytest.raises(UserError, match=f"“{day}”早于{FIRST_YEAR}年1月1日.*请核对年份"):
            add(day)
        add(f"{FIRST_YEAR}-01-01")  # the first day the lists show
    assert len(records.trainings(db, FIRST_YEAR, org_id=b.id)) == 1 and len(funds.entries(db, FIRST_YEAR)) == 1
    for table in ("training_record", "reward_record", "care_visit", "talk_record", "fund_entry"):
        assert db.scalar(f"SELECT count(*) FROM {table} WHERE date < '{FIRST_YEAR}'") == 0
    branch = db.get("org", b.id)["name"]
    db.close()
    assert main(["--db", str(db_path), "ledger", "training", "--branch", branch, "--date", day, "--content", "党章",
                 "--hours", "2"]) != 0
    assert f"早于{FIRST_YEAR}年1月1日" in capsys.readouterr().err
