"""The 台账 page (党费, 发展党员, 教育培训, 奖惩, 走访慰问, 谈心谈话, 党建工作经费, 后备干部与班子, 挂牌).

    page            LedgersPage: the scope bar and one tab per ledger
    panels          LedgerPanel (table, buttons, export and print) and the smaller ledgers' panels
    dues_panel      党费: keyboard-first payments, bases, exemptions, the Excel register in and out
    pipeline_panel  发展党员: stages and dates, warnings, steps, introducers, plans
    dialogs         the entry forms (ui/ledger_entry.ui), each change a kit Operation
    models          the columns of the tables
"""

from .page import LedgersPage

__all__ = ["LedgersPage"]
