"""Cross-assessment by lot (抽签交叉考核, seed 000): each town's team assesses another town's
branches, never its own. The draw is a random derangement from `random.Random(seed)` over the
towns in a recorded order, so anyone can reproduce it from the seed; seed and result are stored."""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from typing import Sequence

from .. import dates, pinyin
from ..db import Database
from ..errors import UserError
from .rounds import actor_name, get_round


@dataclass
class LotDraw:
    """One draw: the seed, the towns in the order used, and team town -> assessed town."""

    id: str | None
    round_id: str
    seed: str
    towns: list[tuple[str, str]]  # (office id, name) in draw order
    pairs: list[tuple[str, str]]  # (team office id, assessed office id) in draw order
    drawn_at: str
    drawn_by: str

    def names(self) -> dict[str, str]:
        return dict(self.towns)

    def assessor_of(self, office_id: str) -> str | None:
        """The town whose team assesses `office_id`'s branches."""
        return next((team for team, target in self.pairs if target == office_id), None)

    def to_dict(self) -> dict:
        n = self.names()
        return {"round": self.round_id, "seed": self.seed, "drawn_at": self.drawn_at, "drawn_by": self.drawn_by,
                "towns": [name for _, name in self.towns],
                "pairs": [{"team": n[a], "team_id": a, "assesses": n[b], "assesses_id": b} for a, b in self.pairs]}

    def text(self) -> str:
        """The printable record (also what the CLI prints)."""
        n = self.names()
        lines = [f"抽签种子：{self.seed}", f"抽签时间：{self.drawn_at}  抽签人：{self.drawn_by}",
                 f"参加抽签的乡镇（按此顺序）：{'、'.join(name for _, name in self.towns)}", ""]
        width = max(len(name) for _, name in self.towns)
        for team, target in self.pairs:
            lines.append(f"{n[team]}考核组{'　' * (width - len(n[team]))} → 考核 {n[target]}的党组织")
        return "\n".join(lines)


def seed_value(seed: str | int) -> int | str:
    """What random.Random gets: an integer for a seed written in digits, else the text itself."""
    text = str(seed).strip()
    if not text:
        raise UserError("抽签种子不能为空。")
    return int(text) if text.isdigit() else text


def derangement(seed: str | int, items: Sequence[str]) -> list[tuple[str, str]]:
    """(item, assigned item) pairs in `items` order, nobody assigned to itself.

    Deterministic for a seed and an order: shuffles with random.Random(seed) until no item
    stays in its place (uniform over derangements; about e ≈ 2.7 tries on average).
    """
    items = list(items)
    if len(items) < 2:
        raise UserError("交叉考核至少需要两个乡镇。")
    if len(set(items)) != len(items):
        raise ValueError("items must be distinct")
    rng = random.Random(seed_value(seed))
    while True:
        perm = items[:]
        rng.shuffle(perm)
        if all(a != b for a, b in zip(items, perm)):
            return list(zip(items, perm))


def new_seed() -> str:
    """A fresh six-digit seed, easy to read out and write down."""
    return f"{secrets.randbelow(900000) + 100000}"


def _round_towns(db: Database, round_id: str) -> list[tuple[str, str]]:
    rows = db.query("""SELECT DISTINCT f.id, f.name FROM round_branch b JOIN office f ON f.id = b.office_id
                       WHERE b.round_id = ?""", (round_id,))
    return sorted(((r["id"], r["name"]) for r in rows), key=lambda t: (pinyin.sort_key(t[1]), t[1], t[0]))


def draw_lots(db: Database, round_id: str, seed: str | int | None = None, *, actor: str | None = None,
              note: str = "") -> LotDraw:
    """Draw (or redraw) the cross-assessment for a round and store seed and result.

    The towns are those with branches in the round, ordered by pinyin of their names.
    Refused for a round with fewer than two towns or whose sheets have gone past 初审.
    """
    rnd = get_round(db, round_id)
    towns = _round_towns(db, round_id)
    if len(towns) < 2:
        raise UserError("本轮考核只涉及一个乡镇，无需抽签交叉考核（抽签用于县级组织的多乡镇考核）。")
    if any(s in rnd.state_counts for s in ("审核", "公示", "申诉", "确定")):
        raise UserError("本轮已有党组织进入审核或之后的环节，不能再抽签。")
    seed_text = str(seed).strip() if seed is not None else new_seed()
    pairs = derangement(seed_text, [t[0] for t in towns])
    who = actor_name(db, actor)
    with db.transaction(f"抽签交叉考核 {rnd.title}", actor=actor) as tx:
        at = tx.now
        lot_id = tx.insert("round_lot", {
            "round_id": round_id, "seed": seed_text, "drawn_at": at, "drawn_by": who, "note": note,
            "result_json": json.dumps({"towns": towns, "pairs": pairs}, ensure_ascii=False)})
    return LotDraw(lot_id, round_id, seed_text, towns, pairs, at, who)


def current_lots(db: Database, round_id: str) -> LotDraw | None:
    """The latest draw of a round (None when no lots were drawn)."""
    r = db.one("SELECT * FROM round_lot WHERE round_id = ? ORDER BY drawn_at DESC, rowid DESC LIMIT 1",
               (round_id,))
    if r is None:
        return None
    data = json.loads(r["result_json"])
    return LotDraw(r["id"], round_id, r["seed"], [tuple(t) for t in data["towns"]],
                   [tuple(p) for p in data["pairs"]], r["drawn_at"], r["drawn_by"])


def verify_lots(draw: LotDraw) -> bool:
    """Does the stored result follow from its seed and town order?"""
    return derangement(draw.seed, [t[0] for t in draw.towns]) == [tuple(p) for p in draw.pairs]


def lots_pdf(db: Database, round_id: str, out=None, *, paper: str = "A4"):
    """The draw as a printable PDF table (序号, 考核组, 被考核乡镇), with the seed and a line
    saying how to reproduce it, and room for the witnesses' signatures. Returns bytes, or the
    path when `out` is given. Every string passes the privacy guard (reports.privacy): no ID
    number or private phone in a round title, a name or a seed."""
    import io
    from pathlib import Path

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A3, A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    from ..registry import get_setting, local_office
    from ..reports.fonts import SETTING_PDF_FONT, load_fonts
    from ..reports.pdf import guarded_paragraph, verify_story
    from ..reports.privacy import PrivacyGuard

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
    from ..filesave import write_bytes

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


def _today() -> str:
    return dates.today().isoformat()
