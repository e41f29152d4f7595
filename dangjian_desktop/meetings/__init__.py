"""Meetings (三会一课 and other organisation life): the meeting ledger with attendance, and
how often each kind was held against the rules of seed 002.

Constants live here; the work is in the submodules (import them explicitly):
    meetings.ledger      record_meeting(...) (meeting + attendance + points in one batch),
                         update_meeting, set_attendance, delete_meeting, candidates, list_meetings,
                         attendance, add_photo, photos, photo_data, remove_photo
    meetings.compliance  compliance(db, org_id, year, as_of=None) -> {meeting type: TypeCompliance},
                         compliance_table(db, year, office_id=None, as_of=None) -> [BranchCompliance]
"""

from __future__ import annotations

#: Meeting types (会议类型) in the order the screens offer them.
MEETING_TYPES = ("支部党员大会", "支委会", "党小组会", "党课", "组织生活会", "主题党日", "党建联席会", "其他")

#: The 三会一课 proper (seed 002 三、(三)1).
SANHUI_YIKE = ("支部党员大会", "支委会", "党小组会", "党课")

#: Attendance statuses: present, absent with leave, absent without leave.
STATUSES = ("出席", "请假", "缺席")
PRESENT, LEAVE, ABSENT = STATUSES
