"""The one way a table leaves the program: to Excel (excel.py) or to print / PDF (pdf.py).

    save_tables([Table(...), ...], "out.xlsx" | "out.pdf", db=db)

Every table a clerk sees (results, year totals and stars, compliance, warnings, the structure
report …) is described as a Table (model.py) by its own module and written here; the command
line (`--out FILE.xlsx`) and the GUI (导出 Excel, 打印/PDF) share these writers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from ..errors import UserError, file_error
from ..progress import Progress
from .model import DATE, EXACT, NUMBER, PERCENT, TEXT, Col, Table

__all__ = ["Col", "Table", "TEXT", "EXACT", "DATE", "NUMBER", "PERCENT", "save_tables", "check_suffix"]

SUFFIXES = (".xlsx", ".pdf")


def check_suffix(path: str | os.PathLike, allowed: Sequence[str] = SUFFIXES) -> str:
    """The file's suffix when it is one the writers make; a Chinese error otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        kinds = " 或 ".join(allowed)
        raise UserError(f"无法保存为“{Path(path).name}”：请保存为 {kinds} 文件。")
    return suffix


def save_tables(tables: Sequence[Table], path: str | os.PathLike, *, db=None, title: str | None = None,
                page_per_table: bool = False, allowed: Sequence[str] = SUFFIXES,
                progress: Progress | None = None) -> Path:
    """Write the tables to `path`: .xlsx (one sheet per table) or .pdf (A4, privacy-guarded).

    `db` lets the PDF's privacy guard know the members' ID numbers and phones; `progress(done,
    total, text)` hears how far a long table got (rows written, pages laid out). A file open in
    Excel, a folder that cannot be written or a full disk is told in Chinese; nothing is left
    half-written."""
    suffix = check_suffix(path, allowed)
    if not tables:
        raise UserError("没有可导出的表格。")
    path = Path(path)
    try:
        if suffix == ".xlsx":
            from .excel import write_excel

            return write_excel(tables, path, progress)
        from ..reports.fonts import font_path_from_settings
        from ..privacy import load_private_numbers
        from .pdf import write_pdf

        return write_pdf(tables, path, title=title, page_per_table=page_per_table, progress=progress,
                         numbers=load_private_numbers(db) if db is not None else None,
                         font_path=font_path_from_settings(db) if db is not None else None)
    except UserError:
        raise
    except OSError as e:  # a folder that does not exist, a folder given, a file open in Excel …
        raise file_error(e, path) from None
