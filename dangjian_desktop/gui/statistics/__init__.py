"""The 统计 page: membership structure, assessments year over year, points and 三会一课 as tables
with charts, exported to Excel, PDF and PNG.

    page.py        StatisticsPage: scope (town, organisation, date, year), sections, exports
    section.py     StatSection: a list of views, the picked table and its chart
    models.py      TableModel: a tables.Table on screen, sortable, given back in the order shown
    chart_view.py  ChartView, chart_image, save_png: charts rasterised from their printed PDF
"""

from .page import StatisticsPage

__all__ = ["StatisticsPage"]
