"""Receipts (回执) for each import and export: package id, both offices' key fingerprints, what
was in it per table, time and who — as text (CLI) and as a printable PDF (reportlab, through the
reports' privacy guard like every printed page)."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from ..db import Database
from ..errors import UserError
from ..registry.offices import local_office
from . import ownership
from .crypto import readable
from .ledger import KIND_LABELS, LogEntry, fmt_time, log_entry

IN_COLUMNS = (("new", "新增"), ("updated", "修改"), ("unchanged", "未变"), ("conflicts", "冲突"),
              ("refused", "拒收"), ("deleted", "删除"))
OUT_COLUMNS = (("rows", "记录"), ("deleted", "删除"), ("returned", "退回"))


def _file_digest(entry: LogEntry) -> str:
    return readable(bytes.fromhex(entry.file_sha256)[:10]) if entry.file_sha256 else ""


def receipt_facts(db: Database, entry: LogEntry) -> tuple[str, list[tuple[str, str]], list[str], list[list[str]]]:
    """(title, [(label, value)], table header, table rows) of a receipt."""
    me = local_office(db)
    outgoing = entry.direction == "out"
    sender, recipient = (me["name"], entry.peer) if outgoing else (entry.peer, me["name"])
    sender_fp, recipient_fp = entry.sender_fingerprint, entry.recipient_fingerprint or ""
    title = f"数据交换回执（{'导出' if outgoing else '导入'}）"
    facts = [("数据包编号", entry.package_id), ("数据包种类", KIND_LABELS.get(entry.kind, entry.kind)),
             ("发送单位", sender), ("发送单位密钥指纹", sender_fp),
             ("接收单位", recipient), ("接收单位密钥指纹", recipient_fp),
             ("生成时间", f"{fmt_time(entry.created_at)}（{entry.created_by}）"),
             (("导出时间" if outgoing else "导入时间"), f"{fmt_time(entry.processed_at)}（{entry.processed_by}）")]
    if entry.file_name:
        size = entry.file_size or 0
        facts.append(("文件", f"{entry.file_name}（{size / 1024:.0f} KB，校验码 {_file_digest(entry)}）"))
    if entry.note:
        facts.append(("说明", entry.note))
    cols = OUT_COLUMNS if outgoing else IN_COLUMNS
    header = ["数据", *[label for _k, label in cols]]
    rows = []
    for t, c in sorted(entry.counts.items(), key=lambda kv: ownership.label(kv[0])):
        rows.append([ownership.label(t), *[str(int(c.get(k, 0))) for k, _label in cols]])
    rows.append(["合计", *[str(entry.totals.get(k, 0)) for k, _label in cols]])
    return title, facts, header, rows


def receipt_text(db: Database, entry: LogEntry) -> str:
    title, facts, header, rows = receipt_facts(db, entry)
    width = max(len(label) for label, _v in facts)
    lines = [title, ""] + [f"{label}{'　' * (width - len(label))}：{value}" for label, value in facts] + [""]
    name_w = max(len(r[0]) for r in [header, *rows])
    for r in [header, *rows]:
        lines.append(r[0] + "　" * (name_w - len(r[0])) + "".join(f"{v:>8}" for v in r[1:]))
    lines += ["", "请与对方通过电话核对双方的密钥指纹：指纹一致，才能确认数据包确实来自对方、只有对方能打开。"]
    return "\n".join(lines)


def find_entry(db: Database, package_id: str) -> LogEntry:
    entry = log_entry(db, package_id.strip())
    if entry is None:
        raise UserError(f"数据交换记录中没有数据包“{package_id}”（exchange log 列出全部数据包）。")
    return entry


def receipt_pdf(db: Database, package_id: str, out: str | Path | None = None):
    """The receipt of one package as an A4 PDF (bytes, or written to `out`)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    from ..registry import get_setting
    from ..reports.fonts import SETTING_PDF_FONT, load_fonts
    from ..reports.pdf import _numbered_canvas, guarded_paragraph, verify_story
    from ..privacy import PrivacyGuard

    entry = find_entry(db, package_id)
    title, facts, header, rows = receipt_facts(db, entry)
    fonts = load_fonts((get_setting(db, SETTING_PDF_FONT) or "").strip() or None)
    f = fonts.primary
    for t in [title, *[x for pair in facts for x in pair], *header, *[c for r in rows for c in r]]:
        fonts.check(t, "回执")
    guard = PrivacyGuard.for_db(db)
    title_style = ParagraphStyle("t", fontName=f, fontSize=18, leading=27, alignment=TA_CENTER, spaceAfter=8,
                                 wordWrap="CJK")
    body = ParagraphStyle("b", fontName=f, fontSize=11, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=f, fontSize=10.5, leading=14, alignment=TA_CENTER, wordWrap="CJK")

    def para(text: str, style, field_name: str):
        return guarded_paragraph(text, style, fonts, guard, field_name)

    width = A4[0] - 40 * mm
    story = [para(title, title_style, "标题")]
    fact_table = Table([[para(label, body, "项目"), para(value, body, label)] for label, value in facts],
                       colWidths=[width * 0.28, width * 0.72])
    fact_table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    n = len(header)
    counts = Table([[para(c, cell, "表头" if i == 0 else f"第{i}行") for c in r] for i, r in enumerate([header, *rows])],
                   colWidths=[width * 0.34] + [width * 0.66 / (n - 1)] * (n - 1), repeatRows=1)
    counts.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
                                ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [fact_table, Spacer(1, 6 * mm), counts, Spacer(1, 6 * mm),
              para("请与对方通过电话核对双方的密钥指纹：指纹一致，才能确认数据包确实来自对方、只有对方能打开。", body, "说明"),
              Spacer(1, 14 * mm), para("经办人（签字）：＿＿＿＿＿＿　　　日期：＿＿＿＿年＿＿月＿＿日", body, "签字栏")]
    verify_story(story, guard)
    buf = io.BytesIO()
    me = local_office(db)["name"]
    # A receipt of many record kinds runs over two pages: numbered 第X页 共Y页 like every printout.
    pages = SimpleNamespace(fonts=fonts, guard=guard, pagesize=A4, margin_bottom=20 * mm, footer_size=9)
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=f"{title} {entry.package_id}", author=me,
                      creator="党建台账").build(story, canvasmaker=_numbered_canvas(pages))
    data = buf.getvalue()
    if out is None:
        return data
    from ..filesave import write_bytes

    return write_bytes(Path(out), data)
