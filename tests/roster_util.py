"""Helpers for the roster tests: branches in a test database and messy Excel rosters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook

from dangjian_desktop.registry import add_org
from dangjian_desktop.registry.idcard import make

HEADER = ["序号", "姓名", "性别", "民族", "身份证号", "入党日期", "转正日期", "党员类别", "所在党支部"]


def root_id(db) -> str:
    return db.scalar("SELECT id FROM org WHERE parent_id IS NULL")


def add_branches(db, *names: str, kind: str = "村") -> dict[str, str]:
    return {n: add_org(db, parent_id=root_id(db), name=n, org_type="党支部", kind=kind) for n in names}


def person(seq: int, *, born: dt.date = dt.date(1970, 3, 5), male: bool = True, name: str | None = None,
           joined: Any = "1995-07-01", full: Any = "1996-07-01", category: str = "正式党员",
           branch: str = "红星村党支部", ethnicity: str = "汉族") -> list:
    """A valid row in HEADER order."""
    idn = make("110101", born, seq, male)
    return [seq, name or f"党员{'甲乙丙丁戊己庚辛壬癸'[seq % 10]}{'子丑寅卯辰巳午未申酉'[seq // 10 % 10]}",
            "男" if male else "女", ethnicity, idn, joined, full, category, branch]


def write_book(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, title: str | None = "党员花名册",
               unit_line: str | None = "填报单位：测试镇党委      填报日期：2026年1月", header=HEADER,
               text_columns: Sequence[int] = ()) -> Path:
    """An xlsx with one sheet per entry: optional merged title and 填报单位 line, header, rows."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        if title is not None:
            ws.append([title])
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(header))
        if unit_line is not None:
            ws.append([unit_line])
        if header is not None:
            ws.append(list(header))
        for r in rows:
            ws.append(list(r))
        for c in text_columns:
            for row in ws.iter_rows(min_col=c + 1, max_col=c + 1):
                for cell in row:
                    cell.number_format = "@"
    wb.save(path)
    return path


def write_roster(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "花名册", **kw) -> Path:
    return write_book(path, {sheet: rows}, **kw)


def member_count(db) -> int:
    return db.scalar("SELECT count(*) FROM member")
