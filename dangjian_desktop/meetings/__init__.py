"""Meetings (三会一课 and other organisation life): the meeting ledger with attendance, and
how often each kind was held against the rules of seed 002.

Constants live here; the work is in the submodules (import them explicitly):
    meetings.ledger      record_meeting(...) (meeting + attendance + points in one batch),
                         update_meeting, set_attendance, set_attendances, delete_meeting, host_order,
                         candidates(db, org_id, type, date=…) (the branch's members on the meeting's date),
                         not_members(...), list_meetings, attendance, add_photo, photos, photo_data, remove_photo
    meetings.compliance  compliance(db, org_id, year, as_of=None) -> {meeting type: TypeCompliance},
                         compliance_table(db, year, office_id=None, as_of=None) -> [BranchCompliance]
"""

from __future__ import annotations

# Meeting types, the 三会一课 and attendance statuses are defined with the points rules keyed on
# them (points.meeting_terms): meetings imports points, points never imports meetings.
from ..points.meeting_terms import ABSENT, LEAVE, MEETING_TYPES, PRESENT, SANHUI_YIKE, STATUSES

__all__ = ["ABSENT", "LEAVE", "MEETING_TYPES", "PRESENT", "SANHUI_YIKE", "STATUSES"]
