"""The publicity sheet's short columns fit their longest text on one line (reports.pdf_table.
fitted_widths): a round over many towns on A4 portrait — 序号 past 1000, three-character town
names, 评定等次, 先进党组织 — breaks none of them; the names give up the room and wrap."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from pypdf import PdfReader

from dangjian_desktop.reports.pdf import Column, ObjectionContact, PublicitySheet, build_publicity_pdf
from dangjian_desktop.reports.pdf_table import fitted_widths

COLUMNS = [Column("序号", 0.7), Column("乡镇", 1.0), Column("党组织名称", 2.8, "left"), Column("类别", 1.25),
           Column("总分", 0.8), Column("评定等次", 1.2), Column("星级", 2.0), Column("称号", 1.3)]
LONG = "某某县某某镇某某村第三村民小组联合党支部委员会"


def _sheet(n: int) -> PublicitySheet:
    rows = [[i, ["石门镇", "西河乡", "城关镇"][i % 3], LONG if i % 4 == 0 else "新华社区党委", "社区", "88.5",
             "不合格" if i % 7 == 0 else "三星", "—", "先进党组织" if i % 5 == 0 else ""] for i in range(1, n + 1)]
    return PublicitySheet(
        title="关于某某县2025年度星级党组织评定结果的公示", issuer="中共某某县委组织部", columns=COLUMNS, rows=rows,
        opening="现予公示。", notes=[], period_start="2026-03-01", period_end="2026-03-07",
        contact=ObjectionContact(office="县委组织部", phone="0738-1234567", address="县政府二楼"),
        paper="A4", orientation="portrait")


def _lines(pdf: bytes) -> list[str]:
    return [ln.strip() for p in PdfReader(io.BytesIO(pdf)).pages for ln in p.extract_text().splitlines()]


def test_short_columns_keep_their_text_on_one_line():
    lines = _lines(build_publicity_pdf(_sheet(1005)))
    text = "\n".join(lines)
    for word in ("序号", "评定等次", "先进党组织", "石门镇", "1000", "1005"):
        assert re.search(rf"(^|\s){word}(\s|$)", text, re.M), word
    assert not any(ln in ("石门", "序", "评定等", "先进党组") for ln in lines)


def test_widths_that_fit_are_left_alone_and_the_names_give_the_room():
    cols = [Column("序号", 1.0), Column("名称", 3.0, "left"), Column("评定等次", 1.0)]
    rows = [[1, "甲", "合格"]]

    def width(text):
        return 10.0 * len(text)

    same = fitted_widths(cols, rows, [50.0, 150.0, 50.0], width, min_flex=40.0, pad=6.0)
    assert same == [50.0, 150.0, 50.0]
    got = fitted_widths(cols, rows, [20.0, 150.0, 20.0], width, min_flex=40.0, pad=6.0)
    assert got[0] == 26.0 and got[2] == 46.0 and abs(sum(got) - 190.0) < 1e-9
    squeezed = fitted_widths(cols, rows, [20.0, 50.0, 20.0], width, min_flex=40.0, pad=6.0)
    assert squeezed[1] == 40.0 and abs(sum(squeezed) - 90.0) < 1e-9  # the name keeps its minimum
    assert replace(cols[0], align="left").align == "left"
