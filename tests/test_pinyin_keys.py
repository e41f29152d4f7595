"""Pinyin sort keys of town names kept between runs: always pinyin.sort_key's, and a start with the
keys kept does not load pypinyin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dangjian_desktop import pinyin, pinyin_keys

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["长安镇", "曾家镇", "单县城关镇", "重庆路街道", "乐园乡", "阿拉善镇", "Z镇", "朝阳镇", "长安镇"]


def test_the_keys_are_pinyins_own_cold_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(tmp_path))
    want = {n: pinyin.sort_key(n) for n in NAMES}
    assert pinyin_keys.sort_keys(NAMES) == want
    assert pinyin_keys.cache_path().is_file()
    monkeypatch.setattr(pinyin, "sort_key", lambda n: (_ for _ in ()).throw(AssertionError(f"converted {n}")))
    assert pinyin_keys.sort_keys(reversed(NAMES)) == want  # all kept: none converted again


def test_a_damaged_or_outdated_file_is_made_anew(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(tmp_path))
    path = pinyin_keys.cache_path()
    path.parent.mkdir(parents=True)
    for text in ("{not json", json.dumps({"stamp": "0.0:old", "keys": {"长安镇": "zzz"}}), json.dumps([1, 2])):
        path.write_text(text, encoding="utf-8")
        assert pinyin_keys.sort_keys(["长安镇"]) == {"长安镇": pinyin.sort_key("长安镇")}
    assert json.loads(path.read_text(encoding="utf-8"))["stamp"] == pinyin_keys._stamp()


def test_a_folder_that_cannot_be_written_only_means_converting_again(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(blocker / "data"))  # under a file: never a folder
    assert pinyin_keys.sort_keys(NAMES[:3]) == {n: pinyin.sort_key(n) for n in NAMES[:3]}


def test_a_county_tree_opens_without_pypinyin_once_the_keys_are_kept(tmp_path):
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office
    from dangjian_desktop.registry.offices import add_town

    path = tmp_path / "county.sqlite"
    db = Database.create(path)
    init_office(db, name="测试县", level="county")
    for name in ("长安镇", "曾家镇", "白沙镇"):
        add_town(db, name=name)
    db.close()
    script = ("import sys\nfrom dangjian_desktop.db import Database\nfrom dangjian_desktop.registry.tree import org_tree\n"
              f"db = Database.open({str(path)!r}, mode='read')\ntree = org_tree(db)\n"
              "print([tree.offices[o]['name'] for o in tree.office_order], 'pypinyin' in sys.modules)\n")
    env = dict(os.environ, DANGJIAN_DATA_DIR=str(tmp_path / "data"))
    runs = [subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True, timeout=120).stdout.strip() for _ in range(2)]
    order = "['白沙镇', '长安镇', '曾家镇']"
    assert runs == [f"{order} True", f"{order} False"]
