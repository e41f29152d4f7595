"""The 结果报告 page: one assessment round's results, the rectification ledger, the publicity sheet.

    page.py            ReportsTab: the round picker, 重新评定, 名额决定, 公示设置; composes the panels, rates
                       the round and builds the sheet off the GUI thread (kit Query), opens the dialogs
    results_panel.py   评定结果: summary, quota checks, the sortable table, the selected branch's details
    ledger_panel.py    整改台账: entries of every round or this one, overdue in red
    preview_panel.py   公示表: paper, orientation, start of the period, the PDF preview
    models.py          ResultsModel, LedgerModel
    dialogs.py         整改事项 (add / edit) and 销号, each one kit Operation

The layouts are Qt Designer forms in ui/reports_*.ui. What is shown comes from the core
(assessment.results, assessment.rectification, reports.round_publicity); nothing here writes SQL.
"""
