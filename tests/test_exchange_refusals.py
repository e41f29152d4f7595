"""Every refusal: the package is not imported (exit code 2), the message names the reason in
Chinese, and the receiving database is exactly as before (a full dump compared)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian_desktop.db import Database, latest_version
from dangjian_desktop.db.keys import load_key
from dangjian_desktop.exchange import PackageRefused, import_package
from dangjian_desktop.exchange import crypto, payload
from dangjian_desktop.exchange.crypto import Identity
from dangjian_desktop.registry import update_member

from exchange_util import county_with_towns, dj, dump, flip, small_town


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refusals")
    county, towns = county_with_towns(tmp, ["甲镇", "乙镇"])
    other = tmp / "other-county.sqlite"
    dj("--db", other, "init", "--name", "他县", "--level", "county")
    far = small_town(tmp / "far.sqlite", "丙镇", seed=9)
    dj("--db", other, "exchange", "invite", "--town", "丙镇", "--out", tmp / "inv-far")
    dj("--db", far, "exchange", "join", tmp / "inv-far")
    p = {name: tmp / f"{name}-1.djx" for name in towns}
    for name, path in towns.items():
        dj("--db", path, "exchange", "export", "--out", p[name])
    dj("--db", far, "exchange", "export", "--out", tmp / "far.djx")
    # The county knows 乙镇 (enrolled); 甲镇's first package waits, so every case below is refused
    # against a county that would otherwise accept 甲镇's package.
    dj("--db", county, "exchange", "import", p["乙镇"])
    return tmp, county, towns, p, far


def key_of(path: Path):
    with Database.open(path, mode="read") as db:
        return load_key(db.meta("seal_key_id"))


def reseal(src: Path, out: Path, *, opener: Path, signer: Path, recipients: list[Path], header=None, change=None) -> Path:
    """Open a town's own package with its key, change it, and seal it again (signed by `signer`)."""
    c = crypto.parse(src.read_bytes())
    doc, sections = payload.decode(c.decrypt(Identity(key_of(opener))), sections=("tables", "returned"))
    if change:
        change(doc, sections)
    h = {k: v for k, v in c.header.items() if k not in ("eph", "nonce", "wraps", "body")}
    h.update(header or {})
    keys = [Identity(key_of(r)).public for r in recipients]
    out.write_bytes(crypto.build_encrypted(h, payload.encode(doc, sections), Identity(key_of(signer)), keys))
    return out


def refused(county: Path, package: Path, *words: str):
    before = dump(county)
    r = dj("--db", county, "exchange", "import", package, check=False)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    for w in words:
        assert w in r.stderr, r.stderr
    assert dump(county) == before
    return r


def test_a_flipped_byte_is_refused(world):
    tmp, county, towns, p, far = world
    size = p["甲镇"].stat().st_size
    refused(county, flip(p["甲镇"], tmp / "flip.djx", size // 2), "损坏或被改动")


def test_a_truncated_file_is_refused(world):
    tmp, county, towns, p, far = world
    data = p["甲镇"].read_bytes()
    (tmp / "short.djx").write_bytes(data[: len(data) * 2 // 3])
    refused(county, tmp / "short.djx", "不完整")


def test_a_package_for_another_county_is_refused(world):
    tmp, county, towns, p, far = world
    refused(county, tmp / "far.djx", "不是发给本单位")


def test_a_package_for_another_town_is_refused(world):
    tmp, county, towns, p, far = world
    back = tmp / "for-yi.djx"
    dj("--db", county, "exchange", "export", "--town", "乙镇", "--out", back)
    refused(towns["甲镇"], back, "不是发给本单位")


def test_a_package_from_a_town_that_never_joined_is_refused(world):
    tmp, county, towns, p, far = world
    with Database.open(far, mode="read") as db:
        far_office = db.local_office_id
    with Database.open(county, mode="read") as db:
        county_office = db.local_office_id
    # 丙镇 readdresses its package to this county: it holds no invitation of ours.
    forged = reseal(tmp / "far.djx", tmp / "unenrolled.djx", opener=far, signer=far, recipients=[county, far],
                    header={"to": county_office, "enrol": None},
                    change=lambda d, s: d.update(to={"office": county_office, "name": "测试县"}))
    assert far_office
    refused(county, forged, "没有加入")


def test_a_package_signed_by_another_office_than_it_claims_is_refused(world):
    tmp, county, towns, p, far = world
    # 乙镇 signs a package that claims to come from 甲镇 (enrolled at the county once 甲镇's first arrives).
    first = tmp / "jia-enrol.sqlite"
    shutil.copy(county, first)
    dj("--db", first, "exchange", "import", p["甲镇"])
    jia = towns["甲镇"]
    with Database.open(jia) as db:
        update_member(db, db.scalar("SELECT id FROM member LIMIT 1"), {"note": "二次"})
    p2 = tmp / "jia-2.djx"
    dj("--db", jia, "exchange", "export", "--out", p2)
    forged = reseal(p2, tmp / "wrong-signer.djx", opener=jia, signer=towns["乙镇"], recipients=[county, jia],
                    header={"enrol": None})
    refused(first, forged, "签名却是乙镇")


def test_someone_else_using_a_towns_invitation_is_refused(world):
    tmp, county, towns, p, far = world
    first = tmp / "jia-bound.sqlite"
    shutil.copy(county, first)
    dj("--db", first, "exchange", "import", p["甲镇"])
    # Another copy of 甲镇 (another laptop, another key) proves the same, now used, invitation.
    twin = tmp / "twin.sqlite"
    small_town(twin, "甲镇", seed=21)
    dj("--db", twin, "exchange", "join", tmp / "inv0")
    dj("--db", twin, "exchange", "export", "--out", tmp / "twin.djx")
    refused(first, tmp / "twin.djx", "邀请")


def test_a_package_with_rows_the_town_does_not_own_is_refused(world):
    tmp, county, towns, p, far = world
    jia = towns["甲镇"]

    def steal(doc, sections):
        tr = sections["tables"]["member"]
        tr.rows[0][tr.index("owner")] = "someone-else"

    forged = reseal(p["甲镇"], tmp / "not-owned.djx", opener=jia, signer=jia, recipients=[county, jia], change=steal)
    r = refused(county, forged, "不属于发送数据包的单位")
    assert "没有导入" in r.stderr


def test_a_package_from_a_newer_program_is_refused(world):
    tmp, county, towns, p, far = world
    jia = towns["甲镇"]
    forged = reseal(p["甲镇"], tmp / "newer.djx", opener=jia, signer=jia, recipients=[county, jia],
                    change=lambda d, s: d.update(schema_version=999))
    refused(county, forged, "更新版本")


def test_a_package_is_stamped_with_the_oldest_schema_its_rows_match(world):
    """A v14 town's package says v13 (v14 changed nothing a package carries): a county still
    running the program before v14 imports it instead of refusing it as newer."""
    tmp, county, towns, p, far = world
    jia = towns["甲镇"]
    c = crypto.parse(p["甲镇"].read_bytes())
    doc, _ = payload.decode(c.decrypt(Identity(key_of(jia))), sections=("tables",))
    assert doc["schema_version"] == payload.rows_version(latest_version())


def test_files_that_are_no_package_are_refused(world):
    tmp, county, towns, p, far = world
    (tmp / "notes.txt").write_text("不是数据包", encoding="utf-8")
    refused(county, tmp / "notes.txt", "不是党建台账")
    refused(county, tmp / "inv1", "邀请文件")


def test_a_contradicting_history_is_refused_across_offices(world):
    """乙镇 restores an old backup and works on: its next (incremental) package contradicts the
    sealed history the county already holds from 乙镇."""
    tmp, county, towns, p, far = world
    yi = towns["乙镇"]
    first_ack = tmp / "yi-ack1.djx"
    dj("--db", county, "exchange", "export", "--town", "乙镇", "--out", first_ack)
    dj("--db", yi, "exchange", "import", first_ack)
    saved = tmp / "yi-saved.sqlite"
    shutil.copy(yi, saved)  # the backup
    with Database.open(yi) as db:
        update_member(db, db.scalar("SELECT id FROM member ORDER BY name LIMIT 1"), {"note": "原来的修改"})
    dj("--db", yi, "exchange", "export", "--out", tmp / "yi-2.djx")
    dj("--db", county, "exchange", "import", tmp / "yi-2.djx")
    second_ack = tmp / "yi-ack2.djx"
    dj("--db", county, "exchange", "export", "--town", "乙镇", "--out", second_ack)
    shutil.copy(saved, yi)  # the laptop goes back to the backup …
    r = dj("--db", yi, "exchange", "import", second_ack)
    assert "本机可能恢复过旧备份" in r.stdout  # … and is told that the county holds more
    with Database.open(yi) as db:
        update_member(db, db.scalar("SELECT id FROM member ORDER BY name LIMIT 1"), {"note": "另一种修改"})
    dj("--db", yi, "exchange", "export", "--out", tmp / "yi-3.djx")
    r = refused(county, tmp / "yi-3.djx", "修改记录与县里已经收到的不一致", "恢复了旧备份", "--full")
    with Database.open(county, mode="read") as db:
        assert db.scalar("SELECT count(*) FROM member WHERE note = '原来的修改'") == 1


# ---- any single changed byte ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def county_and_package(world):
    tmp, county, towns, p, far = world
    return county, p["甲镇"].read_bytes()


def _state(path: Path) -> tuple:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return tuple(conn.execute("SELECT (SELECT count(*) FROM tx_log), (SELECT max(seq) FROM change_log), "
                                  "(SELECT count(*) FROM member), (SELECT count(*) FROM exchange_package)").fetchone())
    finally:
        conn.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_changed_byte_is_refused(county_and_package, data):
    county, package = county_and_package
    at = data.draw(st.one_of(st.integers(0, 200), st.integers(0, len(package) - 1),
                             st.integers(len(package) - 80, len(package) - 1)), label="position")
    mask = data.draw(st.integers(1, 255), label="xor")
    changed = bytearray(package)
    changed[at] ^= mask
    before = _state(county)
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "changed.djx"
        f.write_bytes(bytes(changed))
        with Database.open(county) as db:
            with pytest.raises(PackageRefused):
                import_package(db, f, backup=False)
    assert _state(county) == before


def test_the_untouched_package_would_have_been_accepted(county_and_package, tmp_path):
    """The control for the property above: the same county accepts the package as it is."""
    county, package = county_and_package
    copy = tmp_path / "county.sqlite"
    shutil.copy(county, copy)
    f = tmp_path / "p.djx"
    f.write_bytes(package)
    with Database.open(copy) as db:
        assert import_package(db, f, dry_run=True).status == "dry-run"
    assert json.loads(dj("--db", copy, "exchange", "import", f, "--json").stdout)["status"] == "applied"


def test_a_receipt_that_cannot_be_saved_is_told_before_anything_is_exported(world):
    tmp, county, towns, p, far = world
    town = towns["甲镇"]
    before = dj("--db", town, "exchange", "log", "--json").stdout
    out = tmp / "甲镇-receipt-test.djx"
    r = dj("--db", town, "exchange", "export", "--out", out, "--receipt", tmp / "没有的文件夹" / "回执.pdf",
           check=False)
    assert r.returncode == 1 and "它所在的文件夹不存在" in r.stderr and "内部错误" not in r.stderr
    assert not out.exists() and dj("--db", town, "exchange", "log", "--json").stdout == before


def test_an_exchange_file_is_never_written_over_another_kind_of_file(world):
    tmp, county, towns, p, far = world
    roster = tmp / "花名册.xlsx"
    roster.write_bytes(b"PK\x03\x04 the clerk's roster")
    before = dj("--db", county, "exchange", "log", "--json").stdout
    r = dj("--db", county, "exchange", "invite", "--town", "丁镇", "--out", roster, check=False)
    assert r.returncode == 1 and "不是数据交换文件，不会覆盖" in r.stderr
    r = dj("--db", towns["甲镇"], "exchange", "export", "--out", roster, check=False)
    assert r.returncode == 1 and "不会覆盖" in r.stderr
    assert roster.read_bytes() == b"PK\x03\x04 the clerk's roster"
    assert dj("--db", county, "exchange", "log", "--json").stdout == before
    again = tmp / "甲镇-again.djx"  # an earlier exchange file may be replaced
    dj("--db", towns["甲镇"], "exchange", "export", "--out", again)
    dj("--db", towns["甲镇"], "exchange", "export", "--out", again)
