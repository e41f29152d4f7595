"""An export that fails or is cancelled half-way leaves none of its rows behind: the temporary
files a write-only workbook streams its rows into (names, ID numbers, phones) are removed at
once, not only when the program ends. A finished export leaves none either."""

from __future__ import annotations

import tempfile

import pytest

from dangjian_desktop import dates
from dangjian_desktop.db import Database
from dangjian_desktop.errors import Cancelled
from dangjian_desktop.tables.excel import write_excel
from dangjian_desktop.tables.model import EXACT, TEXT, Col, Table


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    """The system's temporary folder, this test's own: openpyxl's files are counted there."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _left(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _stop_at(n: int):
    told = []

    def progress(done, total, text=""):
        told.append(done)
        if len(told) >= n:
            raise Cancelled()
    return progress, told


def test_a_table_cancelled_half_way_leaves_no_rows_behind(temp_folder, tmp_path):
    table = Table("名单", [Col("姓名", TEXT), Col("身份证号", EXACT)],
                  [["张三", "110101199001011234"]] * 5000)
    progress, told = _stop_at(2)
    with pytest.raises(Cancelled):
        write_excel([table], tmp_path / "名单.xlsx", progress)
    assert len(told) == 2 and not (tmp_path / "名单.xlsx").exists()
    assert _left(temp_folder) == []
    write_excel([table], tmp_path / "名单.xlsx")  # finished: nothing left either
    assert (tmp_path / "名单.xlsx").exists() and _left(temp_folder) == []


def test_the_roster_cancelled_and_the_dues_register_cancelled_leave_no_rows_behind(
        temp_folder, tmp_path, demo_town):
    from dangjian_desktop.ledgers.dues_excel import export_dues
    from dangjian_desktop.roster.export import ExportCancelled, export_roster

    with Database.open(demo_town, mode="read") as db:
        with pytest.raises(ExportCancelled):
            export_roster(db, tmp_path / "花名册.xlsx", cancel=lambda: True)
        assert _left(temp_folder) == []
        progress, told = _stop_at(2)
        with pytest.raises(Cancelled):
            export_dues(db, dates.today().year, tmp_path / "党费.xlsx", progress=progress)
        assert len(told) == 2 and _left(temp_folder) == []
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_points_ledger_that_fails_half_way_leaves_no_rows_behind(temp_folder, tmp_path, demo_town,
                                                                     monkeypatch):
    from dangjian_desktop.points import ledger

    with Database.open(demo_town, mode="read") as db:
        year = db.scalar("SELECT max(year) FROM points_entry")
        real, rows = ledger.append, []

        def failing(ws, values):
            rows.append(values)
            if len(rows) > 200:
                raise OSError(28, "No space left on device")
            real(ws, values)

        monkeypatch.setattr(ledger, "append", failing)
        with pytest.raises(OSError):
            ledger.export_ledger_xlsx(db, year, tmp_path / "积分.xlsx")
        assert len(rows) == 201 and _left(temp_folder) == []
