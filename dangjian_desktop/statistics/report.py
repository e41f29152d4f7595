"""The structure report (党员队伍结构统计表): one table per breakdown, laid out like the
党内统计 forms (title, 填报单位, 统计时间, the table, 填表人 / 审核人), each with its chart.

    tables = structure_tables(s)                 # [Table]: Excel sheets, printed sections
    charts = structure_charts(s)                 # {dimension: Chart}: the GUI shows these
    save_structure_report(db, s, "结构.xlsx")    # or .pdf (tables with their charts)
"""

from __future__ import annotations

import os
from pathlib import Path

from ..tables import NUMBER, PERCENT, TEXT, Col, Table, save_tables
from .charts import BAR, HBAR, PIE, Chart, Series
from .structure import (AGE, CATEGORY, EDUCATION, ETHNICITY, HARDSHIP, JOB, JOINED, LOST, MINORITY, MOBILE,
                        PERSON_CLASS, SEX, Structure, bands, share)
from ..dates import format_cn

#: 学历 counted as 大专及以上 in the 党内统计 summary.
COLLEGE = ("博士研究生", "硕士研究生", "大学本科", "大学专科")
#: How each breakdown is drawn.
CHART_KINDS = {SEX: PIE, ETHNICITY: PIE, AGE: BAR, EDUCATION: HBAR, JOINED: HBAR, CATEGORY: PIE, PERSON_CLASS: HBAR,
               JOB: HBAR}
SHEETS = {SEX: "性别", ETHNICITY: "民族", AGE: "年龄", EDUCATION: "学历", JOINED: "入党时间", CATEGORY: "党员类别",
          PERSON_CLASS: "人员类别", JOB: "工作岗位"}
PIPELINE_NOTE = "入党申请人、入党积极分子、发展对象按发展党员台账中统计时间当日所处的阶段统计，预备党员按花名册统计。"

_COLS = [Col("项目", TEXT, 30), Col("人数", NUMBER, 10), Col("占党员总数", PERCENT, 12)]


def young_bands() -> list[str]:
    """The age bands wholly at or under 35 (30岁及以下, 31至35岁)."""
    b = bands()
    return [label for label, nxt in zip(b.age_labels, b.age_mins[1:]) if nxt <= 36]


def summary_rows(s: Structure) -> list[tuple[str, int]]:
    d = s.dimensions
    return [
        ("党员总数", s.total),
        ("其中：女党员", d[SEX].counts.get("女", 0)),
        ("　　　少数民族党员", d[ETHNICITY].counts.get(MINORITY, 0)),
        ("　　　预备党员", d[CATEGORY].counts.get("预备党员", 0)),
        ("　　　35岁及以下", sum(d[AGE].counts.get(label, 0) for label in young_bands())),
        ("　　　61岁及以上", d[AGE].counts.get(bands().age_labels[-1], 0)),
        ("　　　大专及以上学历", sum(d[EDUCATION].counts.get(label, 0) for label in COLLEGE)),
        ("　　　流动党员", s.flags[MOBILE]),
        ("　　　困难党员", s.flags[HARDSHIP]),
        ("　　　失联党员", s.flags[LOST]),
    ]


def _note(s: Structure) -> str:
    return f"{s.unit}  统计时间：{format_cn(s.as_of)}  党员{s.total}名"


def structure_charts(s: Structure) -> dict[str, Chart]:
    """One chart per breakdown (the 民族 pie shows 汉族 / 少数民族), and the 党组织 by kind."""
    rows = summary_rows(s)[1:]
    out: dict[str, Chart] = {"基本情况": Chart(
        HBAR, "党员队伍基本情况", [label.replace("其中：", "").strip("　") for label, _ in rows],
        [Series("人数", [n for _, n in rows])], unit="人", note=_note(s))}
    for key in SHEETS:
        dim = s.dimensions[key]
        counts = {k: v for k, v in dim.counts.items() if v} if CHART_KINDS[key] != BAR else dim.counts
        out[key] = Chart(CHART_KINDS[key], dim.title, list(counts), [Series("人数", list(counts.values()))],
                         unit="人", note=_note(s), height=200 if CHART_KINDS[key] == PIE else 250)
    if s.minorities:
        out["少数民族"] = Chart(HBAR, "少数民族党员", list(s.minorities), [Series("人数", list(s.minorities.values()))],
                            unit="人", note=_note(s))
    kinds = {k: v for k, v in s.branch_kinds.items() if v}
    out["党组织"] = Chart(BAR, "党支部按类别", list(kinds), [Series("个数", list(kinds.values()))], unit="个",
                       note=f"{s.unit}  党委{s.orgs['党委']}个  党总支{s.orgs['党总支']}个  党支部{s.orgs['党支部']}个  "
                            f"党小组{s.orgs['党小组']}个")
    out["发展党员"] = Chart(BAR, "发展党员情况", list(s.pipeline), [Series("人数", list(s.pipeline.values()))], unit="人",
                        note=_note(s))
    return out


def structure_tables(s: Structure, *, with_charts: bool = True) -> list[Table]:
    charts = structure_charts(s) if with_charts else {}
    common = dict(unit=s.unit, at=s.as_of, signatures=True)
    tables = [Table("党员队伍基本情况", _COLS, [(label, n, share(n, s.total)) for label, n in summary_rows(s)],
                    sheet_name="基本情况", notes=list(s.notes), chart=charts.get("基本情况"), **common)]
    for key, sheet in SHEETS.items():
        dim = s.dimensions[key]
        rows = [(label, n, p) for label, n, p in dim.rows(s.total)]
        if key == ETHNICITY:  # each minority under 少数民族
            at = next(i for i, r in enumerate(rows) if r[0] == MINORITY) + 1
            rows[at:at] = [(f"　其中：{name}" if i == 0 else f"　　　　{name}", n, share(n, s.total))
                           for i, (name, n) in enumerate(s.minorities.items())]
        rows.append(("合计", s.total, share(s.total, s.total)))
        tables.append(Table(dim.title, _COLS, rows, sheet_name=sheet, chart=charts.get(key), **common))
    org_rows = [("党委", s.orgs["党委"]), ("党总支", s.orgs["党总支"]), ("党支部", s.orgs["党支部"])]
    org_rows += [(f"　其中：{k}党支部" if i == 0 else f"　　　　{k}党支部", v)
                 for i, (k, v) in enumerate(s.branch_kinds.items())]
    org_rows.append(("党小组", s.orgs["党小组"]))
    tables.append(Table("党组织基本情况", [Col("项目", TEXT, 30), Col("个数", NUMBER, 10)], org_rows,
                        sheet_name="党组织", chart=charts.get("党组织"), **common))
    tables.append(Table("发展党员情况", [Col("项目", TEXT, 30), Col("人数", NUMBER, 10)], list(s.pipeline.items()),
                        sheet_name="发展党员", notes=[PIPELINE_NOTE], chart=charts.get("发展党员"), **common))
    return tables


def save_structure_report(db, s: Structure, path: str | os.PathLike) -> Path:
    """The structure report as Excel (one sheet per table) or PDF (tables with their charts)."""
    return save_tables(structure_tables(s, with_charts=str(path).lower().endswith(".pdf")), path, db=db,
                       title=f"{s.unit}党员队伍结构统计表")
