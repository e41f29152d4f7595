"""Member points (党员积分制, seed 001): the catalogue, the ledger, yearly totals and member stars,
and 民主评议党员 (seed 002). No Qt.

Public API (the CLI and the GUI call these):
    catalogue  ensure_catalogue(db, office_id, year); has_catalogue(...); items(db, office_id, year); year_settings(...)
               add_item / update_item / delete_item / move_item; set_base_score; reset_to_default
               export_xlsx(db, office_id, year, path); import_xlsx(db, path, office_id, year=None)
    ledger     add_entry(db, member_id, item_id, date, points=None, note="", evidence=None)
               add_entries(db, [EntryDraft], title=...); delete_entry; set_evidence; evidence
               list_entries(db, year, member_id=/org_id=); has_entries; import_ledger_xlsx; export_ledger_xlsx
    batch      last_batch(db, office_id); undoable_batch(...); undo_last_batch(db, office_id)
    totals     totals(db, year, office_id=/org_id=, detail=False) -> [MemberTotal]
               branch_summary(db, year, ...) -> [BranchSummary]; failing_members(...)
               star_levels(); rate(total); member_breakdown(db, member_id, year)
               set_exemption / remove_exemption / exemptions; lock_year / unlock_year
               rating_counts(rows); star_rule(); find_members(rows, text); not_rated_exemption(...)
    undoable   set_exemption_undoable / remove_exemption_undoable; add_item_undoable / update_item_undoable /
               delete_item_undoable / set_base_score_undoable; record_reviews_undoable
               -> (result, UndoableChange for 编辑 → 撤销)
    review     record_reviews(db, year, [ReviewInput]); reviews(db, year, ...); grades(db, year); GRADES
    membership members_on(db, org_id, day) -> member ids of a branch on a day; History(db, ids).on(id, day)
               -> Standing (the branch then, or why not a member): what entries and attendance may name
    scope      branches(db, office_id); root_org(db, office_id); org_name(db, org_id);
               default_year(db, office_id): what the screens and commands choose from
Meetings (三会一课) are in dangjian_desktop.meetings.
"""

from .batch import EntryDraft
from .common import MEMBER_CLASSES, fmt_points, resolve_office

__all__ = ["EntryDraft", "MEMBER_CLASSES", "fmt_points", "resolve_office"]
