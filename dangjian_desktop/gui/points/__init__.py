"""The 党员积分 page: one town and year, five panels in sub-tabs.

    page.py            PointsTab: the town / year / branch bar, composes the panels, hosts messages and
                       dialogs, refreshes the panel on show from the OperationBus's `changed`
    catalogue.py       积分细则: items, base score, Excel import/export, reset to the default
    meetings.py        会议与考勤: the branch's meetings, attendance corrections, photos
    meeting_entry.py   登记会议: the one-screen attendance entry (keys 1/2/3, Space, Ctrl+Enter, Esc)
    ledger.py          积分台账: members with totals, their entries and per-item breakdown
    totals.py          年度汇总: totals and stars, exemptions, 民主评议, year lock, 星级党员公示
    compliance.py      三会一课: meetings due and held per branch, the missing periods named
    models.py          the table columns and the attendance grid model
    views.py           table set-up and selection helpers, the Panel base (changes go through kit Operation)
    dialogs.py         catalogue item, ledger entry, exemption, year lock, 民主评议 sheet
    stars_sheet.py     the 星级党员 publicity preview (PDF)

The layouts are Qt Designer forms in ui/points_*.ui. Every query and rule is a named core function
(dangjian_desktop.points, dangjian_desktop.meetings); nothing here writes SQL.
"""
