"""`dangjian exchange import` of several files and with a receipt: a file that cannot be read
does not stop the others, --json prints JSON alone, one backup before the first write, and a
receipt that cannot be saved is told before anything is imported."""

from __future__ import annotations

import errno
import json

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.db.backup import list_backups

from exchange_util import county_with_towns, dj, dump


@pytest.fixture
def packages(tmp_path):
    county, towns = county_with_towns(tmp_path, ["甲镇", "乙镇"])
    p = {name: tmp_path / f"{name}.djx" for name in towns}
    for name, path in towns.items():
        dj("--db", path, "exchange", "export", "--out", p[name])
    return tmp_path, county, p


def _members_by_town(county):
    with Database.open(county, mode="read") as db:
        return dict(db.tuples("SELECT f.name, count(*) FROM member m JOIN org o ON o.id = m.org_id "
                              "JOIN office f ON f.id = o.office_id GROUP BY f.name"))


def _backups(county):
    with Database.open(county, mode="read") as db:
        return [b.path for b in list_backups(db)]


def test_a_missing_file_among_several_is_told_and_the_next_is_still_imported(packages):
    tmp, county, p = packages
    r = dj("--db", county, "exchange", "import", p["甲镇"], tmp / "不存在.djx", p["乙镇"], "--json", check=False)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)  # nothing but the JSON on stdout (the backup line is not printed there)
    assert [x["status"] for x in doc["packages"]] == ["applied", "unreadable", "applied"]
    assert "找不到" in doc["packages"][1]["message"] and "不存在.djx" in r.stderr
    assert sum(1 for x in doc["packages"] if x.get("backup")) == 1  # one backup, before the first write
    assert set(_members_by_town(county)) == {"甲镇", "乙镇"}


def test_several_files_already_imported_make_no_backup_and_print_json_alone(packages):
    tmp, county, p = packages
    dj("--db", county, "exchange", "import", p["甲镇"], p["乙镇"])
    backups = _backups(county)
    assert len(backups) == 1
    r = dj("--db", county, "exchange", "import", p["甲镇"], p["乙镇"], "--json")
    doc = json.loads(r.stdout)
    assert [x["status"] for x in doc["packages"]] == ["nothing", "nothing"]
    assert _backups(county) == backups


def test_a_receipt_on_a_read_only_stick_is_told_before_the_package_is_imported(packages, monkeypatch, capsys):
    tmp, county, p = packages

    def read_only(*_a, **_k):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp / "U盘"))

    before = dump(county)
    monkeypatch.setattr("dangjian_desktop.commands._common.tempfile.mkstemp", read_only)
    code = main(["--db", str(county), "exchange", "import", str(p["甲镇"]), "--receipt", str(tmp / "回执.pdf")])
    err = capsys.readouterr().err
    assert code == 1 and "只读" in err and "内部错误" not in err, err
    assert dump(county) == before  # nothing imported: the clerk is not told of a failure after the fact


def test_inviting_a_joined_town_again_says_its_key_stops_now(packages):
    tmp, county, p = packages
    dj("--db", county, "exchange", "import", p["甲镇"])  # 甲镇 has joined: its key is known
    r = dj("--db", county, "exchange", "invite", "--town", "甲镇", "--out", tmp / "again.djx")
    assert "重新加入的邀请文件" in r.stdout and "甲镇原来的加入已作废" in r.stdout, r.stdout
    dj("--db", county.parent / "town0.sqlite", "exchange", "export", "--out", tmp / "甲镇-2.djx")
    refused = dj("--db", county, "exchange", "import", tmp / "甲镇-2.djx", check=False)
    assert refused.returncode == 2 and "重新加入" in refused.stderr  # as the warning said
    first = dj("--db", county, "exchange", "invite", "--town", "丙镇", "--out", tmp / "new.djx")
    assert "作废" not in first.stdout


def test_a_packages_notes_are_joined_without_doubled_stops():
    from dangjian_desktop.exchange.notes import join_notes

    assert join_notes(["随本数据包退回。", "县里确认已收到。"]) == "随本数据包退回；县里确认已收到。"
    assert join_notes(["只有一条"]) == "只有一条。" and join_notes([]) == ""


def test_an_invitation_names_a_town_not_the_county_nor_a_paste(packages):
    tmp, county, _p = packages
    own = dj("--db", county, "exchange", "invite", "--town", "测试县", "--out", tmp / "i1.djx", check=False)
    assert own.returncode == 1 and "是本县自己的名称" in own.stderr
    long = dj("--db", county, "exchange", "invite", "--town", "长" * 300, "--out", tmp / "i2.djx", check=False)
    assert long.returncode == 1 and "最长 20 个字" in long.stderr
    assert not (tmp / "i1.djx").exists() and not (tmp / "i2.djx").exists()
