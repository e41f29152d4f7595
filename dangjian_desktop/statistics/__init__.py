"""Statistics (统计): the membership's structure (党员队伍结构) for the 党内统计 tables, the
year-over-year views of assessments, points and 三会一课, and their charts. No Qt here.

    structure(db, org_id=None, as_of=None) -> Structure        structure.py
    发展党员 stages on the date, from the pipeline ledger       pipeline.py
    assessment_history / points_overview / compliance_grid     trends.py
    Chart and its reportlab drawing (PDF, and the GUI's PNG)   charts.py
    the structure report as Excel and PDF                      report.py
"""

from .structure import DIMENSIONS, Structure, bands, default_date, structure

__all__ = ["DIMENSIONS", "Structure", "bands", "default_date", "structure"]
