"""The import templates of the ledgers: an empty sheet with a ledger's columns (required ones
marked *), to fill in and import (ledgers.ledger_import)."""

from __future__ import annotations

from pathlib import Path

from ..ledgers.ledger_import import kind_of
from ..ledgers.record_import import ID_NUMBER
from .model import DATE, NUMBER, TEXT, Col, Table


def template_table(kind: str) -> Table:
    """An empty sheet with the ledger's columns (required ones marked *), to fill in and import."""
    spec = kind_of(kind)
    fields = ([f for f in spec.fields if f.key != "id_number"] + [ID_NUMBER]) if spec.by_member else list(spec.fields)
    kinds = {**dict.fromkeys(spec.dates, DATE), "hours": NUMBER, "amount_fen": NUMBER}
    columns = [Col(("*" if f.required or f.key == "name" else "") + f.label + ("（元）" if f.key == "amount_fen" else ""),
                   kinds.get(f.key, TEXT), 14 if f.key not in ("content", "title", "topic") else 30) for f in fields]
    return Table(f"{spec.title}台账导入模板", columns, [])


def save_template(kind: str, path: str | Path) -> Path:
    from . import save_tables

    return save_tables([template_table(kind)], path, allowed=(".xlsx",))


__all__ = ["save_template", "template_table"]
