"""The record of a cross-assessment draw (抽签结果, seed 000) as a printable PDF.

The draw itself (seed, town order, pairs) is assessment.lots; this module only prints it, with
the fonts and the privacy guard every printed sheet uses.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from .. import dates
from ..assessment.lots import current_lots
from ..assessment.rounds import get_round
from ..db import Database
from ..errors import UserError
from ..filesave import write_bytes
from ..registry import get_setting, local_office
from .fonts import SETTING_PDF_FONT, load_fonts
from .pdf import guarded_paragraph, verify_story
from ..privacy import PrivacyGuard


def lots_pdf(db: Database, round_id: str, out=None, *, paper: str = "A4"):
    """The draw as a printable PDF table (序号, 考核组, 被考核乡镇), with the seed and a line
    saying how to reproduce it, and room for the witnesses' signatures. Returns bytes, or the
    path when `out` is given. Every string passes the privacy guard (privacy): no ID
    number or private phone in a round title, a name or a seed."""
    draw = current_lots(db, round_id)
    if draw is None:
        raise UserError("本轮考核还没有抽签。")
    rnd = get_round(db, round_id)
    fonts = load_fonts((get_setting(db, SETTING_PDF_FONT) or "").strip() or None)
    f = fonts.primary
    scale = 1.0 if paper == "A4" else 2 ** 0.5
    title = ParagraphStyle("t", fontName=f, fontSize=20 * scale, leading=30 * scale, alignment=TA_CENTER,
                           spaceAfter=10 * scale, wordWrap="CJK")
    body = ParagraphStyle("b", fontName=f, fontSize=13 * scale, leading=21 * scale, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=f, fontSize=13 * scale, leading=18 * scale, alignment=TA_CENTER,
                          wordWrap="CJK")
    n = draw.names()
    office = local_office(db)["name"]
    texts = [f"{office}{rnd.title}交叉考核抽签结果",
             f"抽签时间：{dates.format_cn(draw.drawn_at[:10])}　抽签人：{draw.drawn_by}　抽签种子：{draw.seed}",
             f"参加抽签的乡镇（按此顺序）：{'、'.join(name for _, name in draw.towns)}",
             "说明：各乡镇考核组只考核抽中的乡镇的党组织，不考核本乡镇。用同一种子和同一乡镇顺序重新抽签，结果完全相同，"
             "可随时核对。"]
    rows = [["序号", "考核组", "被考核乡镇"]] + [[str(i), f"{n[a]}考核组", n[b]]
                                              for i, (a, b) in enumerate(draw.pairs, start=1)]
    for t in texts + [c for r in rows for c in r]:
        fonts.check(t, "抽签结果")
    guard = PrivacyGuard.for_db(db)  # this document's: dropped when it is built
    for value, field_name in ((office, "本单位名称"), (rnd.title, "考核轮次名称"), (draw.drawn_by, "抽签人"),
                              (draw.seed, "抽签种子"), *((name, "乡镇名称") for _, name in draw.towns)):
        guard.check(value, field_name)

    def para(text: str, style, field_name: str):
        return guarded_paragraph(text, style, fonts, guard, field_name)

    story = [para(texts[0], title, "标题")]
    story += [para(texts[1], body, "抽签记录"), para(texts[2], body, "参加抽签的乡镇")]
    story.append(Spacer(1, 6 * mm * scale))
    width = (A4 if paper == "A4" else A3)[0] - 40 * mm * scale
    table = Table([[para(c, cell, f"第{i}行" if i else "表头") for c in r] for i, r in enumerate(rows)],
                  colWidths=[width * 0.15, width * 0.45, width * 0.40], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), f, 13 * scale),
                               ("GRID", (0, 0), (-1, -1), 0.5 * scale, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [table, Spacer(1, 6 * mm * scale), para(texts[3], body, "说明"),
              Spacer(1, 14 * mm * scale),
              para("抽签人（签字）：＿＿＿＿＿＿　　监督人（签字）：＿＿＿＿＿＿", body, "签字栏")]
    verify_story(story, guard)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4 if paper == "A4" else A3, leftMargin=20 * mm * scale,
                      rightMargin=20 * mm * scale, topMargin=22 * mm * scale, bottomMargin=20 * mm * scale,
                      title=texts[0], author=office, creator="党建台账").build(story, canvasmaker=_canvas(f))
    data = buf.getvalue()
    if out is None:
        return data
    return write_bytes(Path(out), data)  # all or nothing; a full disk says 磁盘空间不足


def _canvas(font: str):
    from reportlab.pdfgen.canvas import Canvas

    class FontCanvas(Canvas):
        # Without a font of ours the file would name an unembedded Helvetica.
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = font
            kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 12
            super().__init__(*args, **kwargs)

    return FontCanvas
