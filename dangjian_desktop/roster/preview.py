"""The top of every sheet as the import would read it: the wizard's preview and column mapping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..db import Database
from .branches import Branches
from .header import SCAN_ROWS, SheetLayout, detect
from .options import ImportOptions
from .reader import Workbook


@dataclass
class SheetPreview:
    """The first rows of a sheet as the importer understands them (the wizard's preview)."""
    name: str
    visible: bool
    rows: list[tuple[int, list]]          # (Excel row number, values) from the top of the sheet
    layout: SheetLayout | None            # None: no header row found
    branch: str | None = None             # where rows without a 所在党支部 go
    branch_source: str = ""               # 工作表名 / 填报单位 / 所选党支部 …
    total_rows: int = 0


def preview_file(db: Database, path: str | Path, options: ImportOptions | None = None, *,
                 max_rows: int = 40) -> list[SheetPreview]:
    """Read the top of every sheet: header, column mapping (with the user's overrides) and the
    branch its members would go to. Nothing is written."""
    opts = options or ImportOptions(dry_run=True)
    branches = Branches(db, opts).load()
    out = []
    with Workbook(Path(path), reader=opts.reader) as book:
        for s in book.sheets:
            head = [item for _, item in zip(range(max(max_rows, SCAN_ROWS)), s.rows())]
            layout = detect(s.name, head[:SCAN_ROWS], opts.mapping)
            p = SheetPreview(s.name, s.visible, head, layout, total_rows=s.total_rows)
            if layout is not None:
                org, _, source = branches.for_sheet(s.name, layout)
                if org is not None:
                    p.branch, p.branch_source = org.name, source
            out.append(p)
    return out
