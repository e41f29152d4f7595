"""Excel import of any ledger a clerk can import: the record ledgers (record_import) and the
development pipeline (pipeline_import), by the ledger's key; and how to fill in its sheet."""

from __future__ import annotations

from pathlib import Path

from ..db import Database
from .pipeline_import import PIPELINE, import_pipeline
from .record_import import HINTS, KINDS, Kind, RecordImportReport, import_records
from .record_import import kind_of as record_kind

IMPORT_KINDS = (*KINDS, "pipeline")


def kind_of(kind: str) -> Kind:
    """The import of a ledger: the record ledgers (record_import.KINDS) and the development pipeline."""
    return PIPELINE if kind == "pipeline" else record_kind(kind)


def import_ledger(db: Database, kind: str, path: str | Path, *, office_id: str | None = None,
                  dry_run: bool = False, actor: str | None = None) -> RecordImportReport:
    """Import one ledger's sheet: the record ledgers by record_import, the development pipeline
    by pipeline_import."""
    if kind == "pipeline":
        return import_pipeline(db, path, office_id=office_id, dry_run=dry_run, actor=actor)
    return import_records(db, kind, path, office_id=office_id, dry_run=dry_run, actor=actor)


def template_hint(kind: str) -> str:
    """How to fill in the ledger's sheet, in a sentence or two (the import's hint)."""
    spec = kind_of(kind)
    if spec.hint:
        return spec.hint
    need = "、".join(f.label for f in spec.fields if f.required)
    who = "姓名（同名党员加填身份证号或党支部）、" if spec.by_member else ""
    hints = [HINTS[f.key] for f in spec.fields if f.key in HINTS and (f.key != "kind" or spec.kind == "rewards")]
    return (f"每行一条记录，须有{who}{need}等列；" + "；".join(hints) + "。已登记的记录不会重复导入；"
            "有任何错误时不导入任何一行，并列出每一行的错误。")


__all__ = ["IMPORT_KINDS", "import_ledger", "kind_of", "template_hint"]
