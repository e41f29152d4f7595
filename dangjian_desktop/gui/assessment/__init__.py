"""The 考核检查 page: assessment rounds with their progress dashboard and each branch's sheet.

    page.py             AssessmentTab: the round bar, the dashboard and the sheet editor side by side,
                        the 评分方案 sub-tab; opens the round's dialogs, batch moves, Excel forms
    round_tab.py        RoundTab, the round-picking base this page and 结果报告 stand on
    dashboard_panel.py  考核进度: filters, the table (models.DashboardModel), counts, 批量流转
    sheet_editor.py     SheetEditor: one branch's sheet, its panels in sub-tabs, the dialogs they ask for
      items_panel.py      评分: the keyboard-first score table (sheet_model, score_input, item_figures)
      vetoes_panel.py     否决项: proposals the registry proves (veto_proposals) and the veto table
      report_panel.py     自我评价报告
      evidence_panel.py   佐证材料
      workflow_panel.py   流程与历史: the steps open now, appeals, the history
    round_dialogs.py    新建轮次, 抽签交叉考核
    sheet_dialogs.py    workflow step, appeal, appeal decision, adjustment, veto
    holidays.py         节假日与调休 with the State Council's notice; calendar.py: 确定 in a year without it
    quota_dialog.py     名额决定 (also opened from 结果报告)
    self_forms.py       the Excel self-assessment forms: export one or all, import one

Static layouts are the Designer forms ui/assessment_*.ui. Every change is a kit Operation; what is
shown comes from the core (dangjian_desktop.assessment, schemes.evaluate); nothing here writes SQL.
"""
