"""Hostile or broken workbooks never take the program down.

A shared-strings zip bomb, a part that inflates past its recorded size, two cells far apart (calamine
allocates the rectangle between them), an .ods cell repeated 90 million times — each is refused
before a reader expands it, in a process whose address space is capped at 1.5 GiB. A file that is
empty, not a zip, truncated, missing a sheet, a .xls renamed, encrypted or damaged gets a clear
Chinese message from the CLI (non-zero exit, no traceback) and from every workbook reader.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from dangjian_desktop.assessment import import_form
from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError
from dangjian_desktop.points import catalogue, ledger
from dangjian_desktop.registry import init_office
from dangjian_desktop.roster import ImportReport, Problem, save_error_report
from dangjian_desktop.roster.reader import Workbook as RosterBook
from dangjian_desktop.schemes.excel import import_xlsx as import_scheme
from dangjian_desktop.xlsx_guard import LARGE, check_workbook

import xlsx_util as X
from roster_util import add_branches

CAP = 1536 * X.MiB  # RLIMIT_AS of the subprocess: the 1 GiB bomb of the issue drove the import to 4.1 GiB


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def run_capped(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, preexec_fn=_cap, timeout=180,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def cli_import(db: Path, path: Path) -> subprocess.CompletedProcess:
    return run_capped("-m", "dangjian_desktop.cli", "--db", str(db), "roster", "import", str(path))


@pytest.fixture
def town_path(tmp_path):
    path = tmp_path / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    add_branches(db, "红星村党支部")
    db.close()
    return path


def members(path: Path) -> int:
    with Database.open(path, mode="read") as db:
        return db.scalar("SELECT count(*) FROM member")


def assert_refused(p: subprocess.CompletedProcess, phrase: str) -> None:
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert phrase in p.stderr, out
    assert "Traceback" not in out and "memory allocation" not in out and "内部错误" not in out, out


def test_a_good_roster_imports_under_the_cap(town_path, tmp_path):
    p = cli_import(town_path, X.roster(tmp_path / "good.xlsx"))
    assert p.returncode == 0 and "已新增 2 名" in p.stdout, p.stdout + p.stderr


def test_shared_strings_bomb_is_refused_before_reading(town_path, tmp_path):
    bomb = X.sst_bomb(tmp_path, "bomb.xlsx", LARGE.shared_strings_bytes + 56 * X.MiB)
    with zipfile.ZipFile(bomb) as z:
        declared = z.getinfo(X.SST_PART).file_size
    assert bomb.stat().st_size < 4 * X.MiB and declared > LARGE.shared_strings_bytes
    p = cli_import(town_path, bomb)
    assert_refused(p, "不像是花名册")
    assert "xl/sharedStrings.xml 解压后有" in p.stderr
    assert members(town_path) == 0


@pytest.mark.parametrize("build, phrase", [
    (lambda t: X.sst_bomb(t, "ratio.xlsx", 48 * X.MiB, level=9), "压缩比异常"),
    (lambda t: X.lying_sst(t, "lying.xlsx", 64 * X.MiB), "已损坏"),
    (lambda t: X.sst_bomb(t, "count.xlsx", X.MiB, count=100_000_000), "100,000,000 个共享字符串"),
    (X.far_cells, "1048576 行 × 16384 列"),
    (X.ods_repeated, "90000 行 × 1000 列"),
], ids=["compression ratio", "size recorded smaller than the content", "declared string count",
        "cells far apart", "ods repeated cells"])
def test_hostile_workbooks_are_refused_under_a_memory_cap(town_path, tmp_path, build, phrase):
    path = build(tmp_path)
    assert path.stat().st_size < 4 * X.MiB
    assert_refused(cli_import(town_path, path), phrase)


def test_xlsb_records_give_the_used_range(tmp_path):
    rows = [(r, r % 30) for r in range(60_000)]  # 2 MB of records: read in several chunks
    check_workbook(X.xlsb(tmp_path, "rows.xlsb", rows), "花名册")
    with pytest.raises(UserError) as e:
        check_workbook(X.xlsb(tmp_path, "far.xlsb", rows[:30_000] + [(1_048_575, 16_383)] + rows[30_000:]), "花名册")
    assert "1048576 行 × 16384 列" in e.value.message


def test_without_the_check_calamine_dies_on_cells_far_apart(tmp_path):
    """What the check prevents: calamine itself aborts the process (no exception to catch)."""
    path = X.far_cells(tmp_path)
    p = run_capped("-c", "import sys, python_calamine as pc; "
                         "pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)", str(path))
    assert p.returncode < 0 and "memory allocation" in p.stderr


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return X.broken_files(tmp_path_factory.mktemp("broken"))


CASES = ["empty", "not a zip", "web page saved as .xls", "truncated", "missing sheet part", ".xls renamed .xlsx",
         "password to open", ".xlsx renamed .xls", "damaged part"]


@pytest.mark.parametrize("case", CASES)
def test_broken_files_get_a_chinese_message_from_the_cli(broken, town_path, capsys, case):
    path, phrase = broken[case]
    assert main(["--db", str(town_path), "roster", "import", str(path)]) == 1
    out = capsys.readouterr()
    assert phrase in out.err and f"“{path.name}”" in out.err, out.err
    assert "Traceback" not in out.err + out.out and "内部错误" not in out.err
    assert members(town_path) == 0


def _points_catalogue(path, db):
    catalogue.import_xlsx(db, path, db.local_office_id, 2025)


def _points_ledger(path, db):
    ledger.read_ledger_xlsx(db, path, db.local_office_id)


def _scheme(path, db):
    import_scheme(path)


def _form(path, db):
    report = import_form(db, path, dry_run=True)
    assert not report.ok
    raise UserError(report.errors[0].problem)


def _roster(path, db):
    RosterBook(path).close()


READERS = {"roster": _roster, "points catalogue": _points_catalogue, "points ledger": _points_ledger,
           "scheme": _scheme, "self-assessment form": _form}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", ["truncated", "missing sheet part", "password to open", "cells far apart",
                                  "declared string count"])
def test_every_workbook_reader_checks_the_file_first(broken, db, tmp_path, reader, case):
    if case == "cells far apart":
        path, phrase = X.far_cells(tmp_path), "数据区域有"
    elif case == "declared string count":
        path, phrase = X.sst_bomb(tmp_path, "count.xlsx", X.MiB, count=100_000_000), "个共享字符串"
    else:
        path, phrase = broken[case]
    with pytest.raises(UserError) as e:
        READERS[reader](path, db)
    assert phrase in e.value.message


def test_the_points_cli_refuses_a_hostile_file(town_path, tmp_path, capsys):
    assert main(["--db", str(town_path), "points", "import", str(X.far_cells(tmp_path))]) == 1
    assert "数据区域有" in capsys.readouterr().err


def test_the_error_report_of_a_refused_file_holds_the_list_alone(tmp_path):
    path = X.far_cells(tmp_path)
    report = ImportReport(path=path, errors=[Problem("花名册", 2, "B", "姓名", "x", "姓名有误")])
    out = save_error_report(report, tmp_path / "errors.xlsx")
    assert load_workbook(out).sheetnames == ["错误清单"]


def test_limits_fit_a_roster_of_50000_members_with_30_columns(tmp_path):
    """A 1,000-member sample with all 30 columns filled, ten of them (住址, 工作单位, 备注 …) with
    50 characters each: 50 times it stays within half of every limit (benchmarks/workbook_guard.py
    checks a full-size file)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append([f"第{c}列" for c in range(30)])
    for r in range(1000):
        ws.append([f"{r:06d}某某镇{c}" for c in range(20)] +
                  [f"某某省某某市某某县某某镇某某村{r:04d}号" + "党" * 30 for _ in range(10)])
    wb.save(tmp_path / "sample.xlsx")
    check_workbook(tmp_path / "sample.xlsx", "花名册")
    with zipfile.ZipFile(tmp_path / "sample.xlsx") as z:
        sheet = z.getinfo("xl/worksheets/sheet1.xml").file_size
    assert sheet * 50 < LARGE.sheet_bytes / 2 and sheet * 50 < LARGE.unpacked_bytes / 2
    assert 50_000 * 30 <= LARGE.cells / 4 and 50_000 * 30 <= LARGE.strings / 2
