"""花名册 (member roster) Excel import and export, the import template and the error report.

The names below are loaded on first use (PEP 562): openpyxl and calamine take a noticeable
part of a second to import, and the app should not pay that at start-up.
"""

from importlib import import_module

_WHERE = {
    "ParsedDate": "dateparse", "parse_date": "dateparse",
    "export_roster": "export",
    "SheetLayout": "header", "detect": "header",
    "ImportOptions": "options", "RosterImport": "importer", "SheetPreview": "preview",
    "import_roster": "importer", "preview_file": "preview",
    "ImportReport": "report", "MemberChange": "report", "Problem": "report", "save_error_report": "report",
    "write_template": "template",
    "import_label": "undoable", "import_roster_undoable": "undoable", "run_undoable": "undoable",
}

__all__ = list(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
