"""Yearly assessment rounds (考核): rounds, checklist sheets, workflow, lots, results, ledger.

Public API (no Qt; the GUI and the CLI call the same functions):

rounds      create_round, list_rounds, get_round, resolve_round, update_round, delete_round,
            round_branches, round_scheme, STATES
sheets      open_sheet, sheet_id_for, parse_score, set_score, set_scores, set_reason, set_veto,
            clear_veto, set_classification, get_self_report, set_self_report, STAGES, STAGE_LABELS
workflow    allowed_moves, move, move_many, start_publicity, lodge_appeal, resolve_appeal, confirm,
            confirm_round, appeal_window, appeals, adjust_score, adjust_veto, adjustments, history
workdays    calendar(db) -> Calendar (is_workday, window_end, add_workdays, workdays_between),
            holidays, set_holidays, set_holiday, remove_holiday, reset_year
lots        draw_lots, current_lots, verify_lots, derangement (printed by reports.lots.lots_pdf)
results     rate_round -> RoundRating (branches: [BranchRating]), rate_sheet
dashboard   dashboard -> Dashboard (rows: [DashboardRow])
rectification  add_rectification, update_rectification, close_rectification, reopen_rectification,
            list_rectifications, overdue_rectifications
evidence    add_evidence, list_evidence, evidence_data, save_evidence_as, remove_evidence
excel_forms export_form, export_forms, import_form, save_error_report
demo        populate(db, rng, today) — called by dangjian_desktop.demo.generate

The round's publicity sheet (公示) is built by dangjian_desktop.reports.round_publicity
(build_round_publicity, prepare, PublicityOptions; setting publicity_issuer).
"""

from .dashboard import Dashboard, DashboardRow, dashboard
from .evidence import Evidence, add_evidence, evidence_data, list_evidence, remove_evidence, save_evidence_as
from .lots import LotDraw, current_lots, derangement, draw_lots, verify_lots
from .rectification import (STATUSES, Rectification, add_rectification, close_rectification,
                            list_rectifications, overdue_rectifications, reopen_rectification,
                            update_rectification)
from .results import BranchRating, RoundRating, rate_round, rate_sheet
from .rounds import (STATES, Round, RoundBranch, create_round, delete_round, get_round, list_rounds,
                     resolve_round, round_branches, round_scheme, update_round)
from .sheets import (STAGE_LABELS, STAGES, SelfReport, Sheet, SheetItem, SheetVeto, clear_veto, get_self_report,
                     open_sheet, parse_score, set_classification, set_reason, set_score, set_scores,
                     set_self_report, set_veto, sheet_id_for)
from .workdays import Calendar, Holiday, calendar, holidays, remove_holiday, reset_year, set_holiday, set_holidays
from .workflow import (Adjustment, Appeal, HistoryEntry, Window, adjust_score, adjust_veto, adjustments,
                       allowed_moves, appeal_window, appeals, confirm, confirm_round, history, lodge_appeal, move,
                       move_many, resolve_appeal, start_publicity)


_LAZY = {name: "excel_forms" for name in
         ("FormImportReport", "export_form", "export_forms", "import_form", "save_error_report")}


def __getattr__(name: str):
    # Excel forms pull in openpyxl (slow to import): loaded when first used, not at start-up.
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
