"""A new year's holiday table (放假安排) entered at the county reaches the town with the exchange, so
the town's appeal deadlines in that year stop being unconfirmed (each step a `dangjian` process)."""

from __future__ import annotations

from exchange_util import county_with_towns, dj, dj_json

NOTICE_2027 = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"


def test_the_countys_2027_table_reaches_the_town(tmp_path):
    county, towns = county_with_towns(tmp_path, ["东岭镇"])
    town = towns["东岭镇"]
    dj("--db", town, "exchange", "export", "--out", tmp_path / "t1.djx")
    dj("--db", county, "exchange", "import", tmp_path / "t1.djx")
    assert dj_json("--db", town, "rounds", "holidays", "--year", "2027", "--json")["known"] is False
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    dj("--db", county, "rounds", "holidays", "--year", "2027", "--notice", notice)
    dj("--db", county, "exchange", "export", "--town", "东岭镇", "--out", tmp_path / "c1.djx")
    out = dj("--db", town, "exchange", "import", tmp_path / "c1.djx").stdout
    assert "节假日" in out
    got = dj_json("--db", town, "rounds", "holidays", "--year", "2027", "--json")
    assert (got["known"], got["basis"]) == (True, "table")
    assert [d["day"] for d in got["days"]] == ["2027-01-01", "2027-01-02", "2027-01-03"]
