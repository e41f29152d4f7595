"""评分方案, the scheme editor shown inside 考核检查: browse, edit with live checks, 试算, Excel in and out.

    page.py            SchemesWidget: the list of schemes and their files (save, delete, Excel), the header,
                       the checker's findings; composes the panels over the one scheme being edited
    items_panel.py     细则: sections and items edited in place
    rule_panel.py      评定规则: the rule in words, 分数取整, levels and vetoes edited in place, the rest as text
    trial_panel.py     试算: scores typed, evaluated by the scheme's own evaluator at once
    rounding_row.py    the 分数取整 row
    cells.py           number parsing, the 计分方式 and read-only cell delegates, table sizing

The layouts are Qt Designer forms in ui/schemes_*.ui. Schemes are files kept by the core
(dangjian_desktop.schemes); the editor changes the Scheme object it shows and saves it there.
"""
