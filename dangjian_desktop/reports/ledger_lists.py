"""Printable lists of the ledgers (A4, the header row repeated on every page, 第X页 共Y页): the
arrears reminder list, the year's dues, the development pipeline, training, rewards, visits,
talks, funds, reserve cadres and plaques. Every string printed goes through the print privacy
guard (reports.privacy): no ID number or private phone reaches paper. The GUI's 打印 buttons
and `dangjian ledger print` build their lists with `ledger_list` and `print_list`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .. import dates
from ..db import Database
from ..errors import UserError
from ..ledgers.common import fmt_yuan, months_label


@dataclass(frozen=True)
class ListColumn:
    header: str
    width: float = 1.0
    align: str = "left"


@dataclass
class PrintedList:
    title: str
    columns: list[ListColumn]
    rows: list[Sequence[Any]]
    subtitle: str = ""
    note: str = ""
    landscape: bool = False


def print_list(db: Database | None, doc: PrintedList, out: str | Path | None = None) -> bytes | Path:
    """Render a list as PDF (bytes, or written to `out`); UserError for private data or no rows."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape, portrait
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import LongTable, SimpleDocTemplate, Spacer, TableStyle

    from ..filesave import write_bytes
    from .fonts import SETTING_PDF_FONT, load_fonts
    from .pdf import guarded_paragraph, verify_story
    from .privacy import PrivacyGuard

    if not doc.rows:
        raise UserError(f"“{doc.title}”没有可打印的记录。")
    font_path = None
    if db is not None:
        from ..registry import get_setting

        font_path = get_setting(db, SETTING_PDF_FONT) or None
    fonts = load_fonts(font_path)
    guard = PrivacyGuard.for_db(db)
    pagesize = landscape(A4) if doc.landscape else portrait(A4)
    margin = 15 * mm
    width = pagesize[0] - 2 * margin
    f = fonts.primary
    title = ParagraphStyle("t", fontName=f, fontSize=16, leading=22, alignment=TA_CENTER, wordWrap="CJK")
    small = ParagraphStyle("s", fontName=f, fontSize=9.5, leading=13, alignment=TA_LEFT, wordWrap="CJK")
    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
    cell = {k: ParagraphStyle(f"c{k}", fontName=f, fontSize=9.5, leading=12.5, alignment=v, wordWrap="CJK")
            for k, v in aligns.items()}
    story: list = [guarded_paragraph(doc.title, title, fonts, guard, "标题")]
    if doc.subtitle:
        story.append(guarded_paragraph(doc.subtitle, ParagraphStyle("st", parent=small, alignment=TA_CENTER),
                                       fonts, guard, "副标题"))
    story.append(Spacer(1, 4 * mm))
    head = [guarded_paragraph(c.header, cell["center"], fonts, guard, "表头") for c in doc.columns]
    body = [[guarded_paragraph("" if v is None else str(v), cell[c.align], fonts, guard, c.header)
             for c, v in zip(doc.columns, row)] for row in doc.rows]
    ratios = [c.width for c in doc.columns]
    table = LongTable([head] + body, colWidths=[width * r / sum(ratios) for r in ratios], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    story.append(table)
    if doc.note:
        story += [Spacer(1, 3 * mm), guarded_paragraph(doc.note, small, fonts, guard, "备注")]
    printed = f"打印日期：{dates.format_cn(dates.today())}"
    story += [Spacer(1, 3 * mm), guarded_paragraph(printed, ParagraphStyle("r", parent=small, alignment=TA_RIGHT),
                                                   fonts, guard, "日期")]
    verify_story(story, guard)

    class Numbered(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = kwargs.get("initialFontName") or f
            kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 9
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for n, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(f, 9)
                self.drawCentredString(pagesize[0] / 2, margin / 2, f"第{n}页 共{total}页")
                Canvas.showPage(self)
            Canvas.save(self)

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin,
                      bottomMargin=margin, title=doc.title, creator="党建台账").build(story, canvasmaker=Numbered)
    data = buf.getvalue()
    if out is None:
        return data
    return write_bytes(Path(out), data)


# ---- the lists ---------------------------------------------------------------------------------
LISTS = {"arrears": "党费欠缴提醒名单", "dues": "党费收缴情况", "pipeline": "发展党员台账", "training": "党员教育培训台账",
         "rewards": "党员奖惩台账", "visits": "困难党员和老党员走访慰问台账", "talks": "谈心谈话记录",
         "funds": "党建工作经费台账", "cadres": "后备干部名册", "plaques": "挂牌情况"}


def ledger_list(db: Database, kind: str, year: int, *, office_id: str | None = None, org_id: str | None = None,
                as_of: dt.date | None = None) -> PrintedList:
    """The printable list of one ledger for a year (and an office or a branch)."""
    from ..ledgers import cadres, dues, funds, pipeline, plaques, records

    if kind not in LISTS:
        raise UserError(f"没有名为“{kind}”的台账（可选：{'、'.join(LISTS)}）。")
    scope = (db.scalar("SELECT name FROM org WHERE id = ?", (org_id,)) if org_id else
             db.scalar("SELECT name FROM office WHERE id = ?", (office_id,)) if office_id else "") or ""
    title = f"{scope}{year}年{LISTS[kind]}"
    C = ListColumn
    if kind in ("arrears", "dues"):
        data = dues.status(db, year, office_id=office_id, org_id=org_id, as_of=as_of)
        members = [m for m in data.members if m.arrears_fen] if kind == "arrears" else data.members
        upto = dates.format_cn(data.as_of)
        if kind == "arrears":
            return PrintedList(title, [C("序号", .5, "center"), C("党支部", 2), C("姓名", 1), C("欠缴月份", 2),
                                       C("欠缴金额（元）", 1.2, "right"), C("签收", 1)],
                               [(i, *r, "") for i, r in enumerate(dues.reminder_rows(members), 1)],
                               subtitle=f"截至{upto}", note="请以上党员主动、按时、足额交纳党费。")
        return PrintedList(title, [C("序号", .5, "center"), C("党支部", 2), C("姓名", 1), C("类别", .8),
                                   C("月基数", .9, "right"), C("月应交", .8, "right"), C("已交月份", 1.6),
                                   C("已交（元）", 1, "right"), C("欠缴（元）", 1, "right")],
                           [(i, m.org_name, m.name, m.rate_class or "", fmt_yuan(m.base_fen), fmt_yuan(m.monthly_fen),
                             months_label(m.months_paid), fmt_yuan(m.paid_fen), fmt_yuan(m.arrears_fen))
                            for i, m in enumerate(members, 1)], subtitle=f"截至{upto}", landscape=True)
    if kind == "pipeline":
        rows = []
        for i, p in enumerate(pipeline.people(db, office_id=office_id, org_id=org_id), 1):
            d = {k: dates.format_cn(v) for k, v in p.dates().items()}
            rows.append((i, p.org_name, p.name, p.stage, d["申请"], d["积极分子"], d["发展对象"], d["接收"],
                         d["转正"], "、".join(n for _, n in p.introducers)))
        return PrintedList(f"{scope}{LISTS[kind]}", [C("序号", .5, "center"), C("党支部", 1.8), C("姓名", .9),
                                                   C("阶段", 1), C("申请", 1.2), C("积极分子", 1.2), C("发展对象", 1.2),
                                                   C("接收预备党员", 1.2), C("转正", 1.2), C("介绍人", 1.3)],
                           rows, landscape=True)
    if kind == "training":
        rows = [(i, r["org_name"], r["name"], dates.format_cn(r["date"]), r["kind"], r["content"], f"{r['hours']:g}")
                for i, r in enumerate(records.trainings(db, year, office_id=office_id, org_id=org_id), 1)]
        return PrintedList(title, [C("序号", .5, "center"), C("党支部", 1.8), C("姓名", .9), C("日期", 1.2),
                                   C("形式", 1), C("内容", 3), C("学时", .6, "right")], rows, landscape=True)
    if kind == "rewards":
        rows = [(i, r["org_name"], r["name"], dates.format_cn(r["date"]), r["kind"], r["title"], r["issuer"],
                 r["decision"]) for i, r in enumerate(records.rewards(db, year, office_id=office_id, org_id=org_id), 1)]
        return PrintedList(title, [C("序号", .5, "center"), C("党支部", 1.8), C("姓名", .9), C("日期", 1.2),
                                   C("类别", .6), C("名称/种类", 1.4), C("决定机关", 1.6), C("决定", 2)], rows,
                           landscape=True)
    if kind == "visits":
        rows = [(i, r["org_name"], r["name"], "困难党员" if r["is_hardship"] else "老党员", dates.format_cn(r["date"]),
                 r["kind"], r["visitor"], r["content"], fmt_yuan(r["amount_fen"]) if r["amount_fen"] else "")
                for i, r in enumerate(records.visits(db, year, office_id=office_id, org_id=org_id), 1)]
        return PrintedList(title, [C("序号", .5, "center"), C("党支部", 1.6), C("姓名", .9), C("类别", .9),
                                   C("日期", 1.2), C("形式", .9), C("走访人", 1), C("内容", 2.6),
                                   C("金额（元）", .9, "right")], rows, landscape=True)
    if kind == "talks":
        rows = [(i, r["org_name"], dates.format_cn(r["date"]), r["talker"], r["participants"], r["topic"],
                 r["photos"]) for i, r in enumerate(records.talks(db, year, office_id=office_id, org_id=org_id), 1)]
        return PrintedList(title, [C("序号", .5, "center"), C("党支部", 1.6), C("日期", 1.2), C("谈话人", 1.2),
                                   C("谈话对象", 2), C("主题", 2.4), C("照片", .6, "center")], rows, landscape=True)
    if kind == "funds":
        rows = [(i, s.org_name, s.kind or "", s.members, fmt_yuan(s.received_fen), fmt_yuan(s.spent_fen),
                 fmt_yuan(s.balance_fen), fmt_yuan(s.per_member_fen),
                 "" if s.standard_fen is None else ("达到" if s.provided else "未达到"))
                for i, s in enumerate(funds.summaries(db, year, office_id=office_id, org_id=org_id), 1)]
        return PrintedList(title, [C("序号", .5, "center"), C("党支部", 2), C("类别", .8), C("党员数", .7, "right"),
                                   C("收入（元）", 1, "right"), C("支出（元）", 1, "right"), C("结余（元）", 1, "right"),
                                   C("人均（元）", 1, "right"), C("人均标准", .8, "center")], rows, landscape=True)
    if kind == "cadres":
        rows = [(i, r["org_name"], r["name"], r["sex"] or "", dates.format_cn(r["birth_date"]), r["education"] or "",
                 dates.format_cn(r["since"]))
                for i, r in enumerate(cadres.cadres(db, office_id=office_id, org_id=org_id, as_of=as_of), 1)]
        return PrintedList(f"{scope}{LISTS[kind]}", [C("序号", .5, "center"), C("村党组织", 2), C("姓名", 1),
                                                   C("性别", .5, "center"), C("出生日期", 1.2), C("学历", 1),
                                                   C("列入日期", 1.2)], rows)
    rows = [(i, r["org_name"], r["title"], dates.format_cn(r["hung_on"]), dates.format_cn(r["removed_on"]),
             r["removed_reason"]) for i, r in enumerate(plaques.history(db, office_id=office_id, org_id=org_id), 1)]
    return PrintedList(f"{scope}{LISTS[kind]}", [C("序号", .5, "center"), C("党组织", 2), C("牌匾", 2),
                                               C("挂牌日期", 1.2), C("摘牌日期", 1.2), C("摘牌原因", 2.5)], rows,
                       landscape=True)
