"""The meeting words points rules are keyed on: meeting types and attendance statuses.

They live here, below both packages, because a points item names the meeting type and the
attendance it rewards or deducts (关联会议类型、关联考勤) while the meeting ledger (meetings/) writes
points entries: meetings imports points, never the other way round. `dangjian_desktop.meetings`
re-exports them under their usual names.
"""

from __future__ import annotations

#: Meeting types (会议类型) in the order the screens offer them.
MEETING_TYPES = ("支部党员大会", "支委会", "党小组会", "党课", "组织生活会", "主题党日", "党建联席会", "其他")

#: The 三会一课 proper (seed 002 三、(三)1).
SANHUI_YIKE = ("支部党员大会", "支委会", "党小组会", "党课")

#: Attendance statuses: present, absent with leave, absent without leave.
STATUSES = ("出席", "请假", "缺席")
PRESENT, LEAVE, ABSENT = STATUSES
