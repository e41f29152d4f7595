"""花名册 (member roster) Excel import and export, the import template and the error report."""

from .dateparse import ParsedDate, parse_date
from .export import export_roster
from .header import SheetLayout, detect
from .importer import ImportOptions, RosterImport, SheetPreview, import_roster, preview_file
from .report import ImportReport, MemberChange, Problem, save_error_report
from .template import write_template

__all__ = [
    "ParsedDate", "parse_date", "export_roster", "SheetLayout", "detect", "ImportOptions", "RosterImport", "SheetPreview", "preview_file",
    "import_roster", "ImportReport", "MemberChange", "Problem", "save_error_report", "write_template",
]
