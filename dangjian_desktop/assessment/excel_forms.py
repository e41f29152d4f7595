"""The branch's self-assessment form (自评表) as Excel: exported for a branch, filled in by it,
imported back all-or-nothing with an error report (sheet / row / column / value / problem /
suggestion, the same structure as the roster import)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..db import Database
from ..roster.report import Problem


@dataclass
class FormImportReport:
    path: Path
    sheet_id: str | None = None
    org_name: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    scores: dict[str, float | int] = field(default_factory=dict)  # item code -> self score read
    reasons: dict[str, str] = field(default_factory=dict)
    vetoes: dict[str, str] = field(default_factory=dict)  # veto code -> fact
    report_read: bool = False
    changed: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self) -> str:
        """The report as plain text for the CLI."""
        raise NotImplementedError


def export_form(db: Database, sheet_id: str, target: str | Path) -> Path:
    """Write the branch's self-assessment form: items with 满分, a 自评分 and 说明 column to fill in,
    the veto items, the self-evaluation report, and hidden keys binding it to this round and branch."""
    raise NotImplementedError


def export_forms(db: Database, round_id: str, folder: str | Path) -> list[Path]:
    """One form per branch of the round still in 自评, named after the branch."""
    raise NotImplementedError


def import_form(db: Database, path: str | Path, *, round_id: str | None = None, dry_run: bool = False,
                actor: str | None = None) -> FormImportReport:
    """Read a filled-in form; if it has no errors (and not dry_run) write every self score, reason,
    veto fact and the report in one unit of work. With errors nothing is written."""
    raise NotImplementedError


def save_error_report(report: FormImportReport, target: str | Path) -> Path:
    """The errors and warnings as an xlsx (工作表, 行号, 列, 列名, 内容, 问题, 建议)."""
    raise NotImplementedError
