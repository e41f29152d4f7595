"""The ledgers as tables to take out (导出 Excel, 打印/PDF, `dangjian ledger print`): the dues
reminder list and the year's dues, the development pipeline, training, rewards and punishments,
visits, talks, funds, reserve cadres and plaques, written by the one writer (tables.save_tables:
Excel with text kept as text, A4 PDF with every string through the print privacy guard). The
reminder list carries no ID number or phone: names, months owed, amounts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from .. import dates
from ..db import Database
from ..errors import UserError
from ..progress import Progress
from .model import DATE, NUMBER, TEXT, Col, Table
from .sources import office_name

#: kind -> title
LISTS = {"arrears": "党费欠缴提醒名单", "dues": "党费收缴情况", "pipeline": "发展党员台账", "training": "党员教育培训台账",
         "rewards": "党员奖惩台账", "visits": "困难党员和老党员走访慰问台账", "talks": "谈心谈话记录",
         "funds": "党建工作经费台账", "cadres": "后备干部名册", "plaques": "挂牌情况"}
#: The ledgers not kept by year (their titles name no year; a record of theirs is of no year's page).
NOT_BY_YEAR = ("pipeline", "cadres", "plaques")


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else round(fen / 100, 2)


def ledger_table(db: Database, kind: str, year: int, *, office_id: str | None = None, org_id: str | None = None,
                 as_of: dt.date | None = None) -> Table:
    """One ledger for a year (of an office, or a branch) as a Table; of several towns (a county's
    whole ledger), with each row's 乡镇 after its number: branches of the same name in two towns
    (上河村党支部) are told apart."""
    table, orgs = _ledger_table(db, kind, year, office_id=office_id, org_id=org_id, as_of=as_of)
    return _with_towns(db, table, orgs)


def _with_towns(db: Database, table: Table, orgs: list[str]) -> Table:
    """`table` with a 乡镇 column after 序号 when its rows (of the organisations `orgs`, in order)
    are of more than one town."""
    from ..registry.offices import org_towns

    town_of = org_towns(db)  # (empty in a database of one town: nothing to read per row)
    if not town_of:
        return table
    towns = [town_of.get(o, "") for o in orgs]
    if len(set(towns)) < 2:
        return table
    columns = [table.columns[0], Col("乡镇", TEXT, 10), *table.columns[1:]]
    rows = [(row[0], town, *row[1:]) for row, town in zip(table.rows, towns)]
    return dataclasses.replace(table, columns=columns, rows=rows)


def _ledger_table(db: Database, kind: str, year: int, *, office_id: str | None, org_id: str | None,
                  as_of: dt.date | None) -> tuple[Table, list[str]]:
    """ledger_table's Table without the towns, and the organisation of each row."""
    from ..ledgers import cadres, dues, funds, pipeline, plaques, records
    from ..ledgers.common import months_label

    if kind not in LISTS:
        raise UserError(f"没有名为“{kind}”的台账（可选：{'、'.join(LISTS)}）。")
    branch = db.scalar("SELECT name FROM org WHERE id = ?", (org_id,)) if org_id else None
    unit = branch or office_name(db, office_id)
    title = f"{year}年{LISTS[kind]}" if kind not in NOT_BY_YEAR else LISTS[kind]
    money = lambda label: Col(label, NUMBER, 11, 2)  # noqa: E731
    if kind in ("arrears", "dues"):
        data = dues.status(db, year, office_id=office_id, org_id=org_id, as_of=as_of)
        at = f"截至{dates.format_cn(data.as_of)}"
        if kind == "arrears":
            owing = [m for m in data.members if m.arrears_fen]
            rows = [(i, m.org_name, m.name, months_label(m.months_owed), _yuan(m.arrears_fen), "")
                    for i, m in enumerate(owing, 1)]
            return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 24), Col("姓名", TEXT, 10),
                                 Col("欠缴月份", TEXT, 16), money("欠缴金额（元）"), Col("签收", TEXT, 10)], rows,
                         unit=unit, at=at, notes=["请以上党员主动、按时、足额交纳党费。"]), [m.org_id for m in owing]
        rows = [(i, m.org_name, m.name, m.rate_class or "未核定", _yuan(m.base_fen), _yuan(m.monthly_fen),
                 months_label(m.months_paid), _yuan(m.paid_fen), months_label(m.months_owed), _yuan(m.arrears_fen))
                for i, m in enumerate(data.members, 1)]
        return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("姓名", TEXT, 10),
                             Col("类别", TEXT, 8), money("月基数"), money("月应交"), Col("已交月份", TEXT, 14),
                             money("已交（元）"), Col("欠缴月份", TEXT, 12), money("欠缴（元）")], rows, unit=unit,
                     at=at), [m.org_id for m in data.members]
    if kind == "pipeline":
        rows = []
        people = pipeline.people(db, office_id=office_id, org_id=org_id)
        for i, p in enumerate(people, 1):
            d = p.dates()
            rows.append((i, p.org_name, p.name, p.stage, d["申请"], d["积极分子"], d["发展对象"], d["接收"], d["转正"],
                         "、".join(n for _, n in p.introducers)))
        return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("姓名", TEXT, 10), Col("阶段", TEXT, 12),
                             Col("申请", DATE), Col("确定积极分子", DATE), Col("确定发展对象", DATE),
                             Col("接收预备党员", DATE), Col("转正", DATE), Col("入党介绍人", TEXT, 14)], rows,
                     unit=unit), [p.org_id for p in people]
    if kind == "training":
        items = records.trainings(db, year, office_id=office_id, org_id=org_id)
        rows = [(i, r["org_name"], r["name"], r["date"], r["kind"], r["content"], r["hours"], r["organiser"])
                for i, r in enumerate(items, 1)]
        return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("姓名", TEXT, 10), Col("日期", DATE),
                             Col("形式", TEXT, 10), Col("内容", TEXT, 36), Col("学时", NUMBER, 6),
                             Col("组织单位", TEXT, 14)], rows, unit=unit), [r["org_id"] for r in items]
    if kind == "rewards":
        items = records.rewards(db, year, office_id=office_id, org_id=org_id)
        rows = [(i, r["org_name"], r["name"], r["date"], r["kind"], r["title"], r["issuer"], r["decision"])
                for i, r in enumerate(items, 1)]
        return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("姓名", TEXT, 10), Col("日期", DATE),
                             Col("类别", TEXT, 6), Col("名称或种类", TEXT, 16), Col("决定机关", TEXT, 20),
                             Col("决定", TEXT, 24)], rows, unit=unit), [r["org_id"] for r in items]
    if kind == "visits":
        items = records.visits(db, year, office_id=office_id, org_id=org_id)
        rows = [(i, r["org_name"], r["name"], "困难党员" if r["is_hardship"] else "老党员", r["date"], r["kind"],
                 r["visitor"], r["content"], _yuan(r["amount_fen"]) or None, r["photos"])
                for i, r in enumerate(items, 1)]
        return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("姓名", TEXT, 10), Col("类别", TEXT, 8),
                             Col("日期", DATE), Col("形式", TEXT, 8), Col("走访人", TEXT, 10), Col("内容", TEXT, 30),
                             money("金额（元）"), Col("照片", NUMBER, 6)], rows, unit=unit), [r["org_id"] for r in items]
    if kind == "talks":
        items = records.talks(db, year, office_id=office_id, org_id=org_id)
        rows = [(i, r["org_name"], r["date"], r["talker"], r["participants"], r["topic"], r["content"], r["photos"])
                for i, r in enumerate(items, 1)]
        return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("日期", DATE), Col("谈话人", TEXT, 14),
                             Col("谈话对象", TEXT, 20), Col("主题", TEXT, 22), Col("内容", TEXT, 30),
                             Col("照片", NUMBER, 6)], rows, unit=unit), [r["org_id"] for r in items]
    if kind == "funds":
        items = funds.summaries(db, year, office_id=office_id, org_id=org_id)
        rows = [(i, s.org_name, s.kind or "", s.members, _yuan(s.received_fen), _yuan(s.spent_fen),
                 _yuan(s.balance_fen), _yuan(s.per_member_fen),
                 "" if s.standard_fen is None else ("达到" if s.provided else "未达到"), "、".join(s.accounts))
                for i, s in enumerate(items, 1)]
        return Table(title, [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("类别", TEXT, 8),
                             Col("党员数", NUMBER, 7), money("收入（元）"), money("支出（元）"), money("结余（元）"),
                             money("人均（元）"), Col("人均600元标准", TEXT, 10), Col("账户", TEXT, 16)], rows, unit=unit,
                     notes=["机关、事业单位党组织党建工作经费应达到人均600元/年。"]), [s.org_id for s in items]
    if kind == "cadres":
        items = cadres.cadres(db, office_id=office_id, org_id=org_id, as_of=as_of)
        rows = [(i, r["org_name"], r["name"], r["sex"] or "", r["birth_date"], r["education"] or "", r["since"])
                for i, r in enumerate(items, 1)]
        return Table(title, [Col("序号", NUMBER, 6), Col("村党组织", TEXT, 22), Col("姓名", TEXT, 10),
                             Col("性别", TEXT, 5), Col("出生日期", DATE), Col("学历", TEXT, 10), Col("列入日期", DATE)],
                     rows, unit=unit), [r["org_id"] for r in items]
    items = plaques.history(db, office_id=office_id, org_id=org_id)
    rows = [(i, r["org_name"], r["title"], r["hung_on"], r["removed_on"], r["removed_reason"])
            for i, r in enumerate(items, 1)]
    return Table(title, [Col("序号", NUMBER, 6), Col("党组织", TEXT, 22), Col("牌匾", TEXT, 22), Col("挂牌日期", DATE),
                         Col("摘牌日期", DATE), Col("摘牌原因", TEXT, 30)], rows, unit=unit), [r["org_id"] for r in items]


def save_ledger(db: Database, kind: str, year: int, path, *, office_id: str | None = None,
                org_id: str | None = None, as_of: dt.date | None = None, progress: Progress | None = None):
    """Write one ledger to .xlsx or .pdf (tables.save_tables); refuses an empty list. `progress`:
    as save_tables'."""
    from . import save_tables

    table = ledger_table(db, kind, year, office_id=office_id, org_id=org_id, as_of=as_of)
    if not table.rows:
        raise UserError(f"“{table.title}”没有可导出的记录。")
    if progress is not None:
        progress(0, 0, f"共 {len(table.rows)} 条记录")
    return save_tables([table], path, db=db, title=table.title, progress=progress)
