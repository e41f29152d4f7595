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
        lines = [f"抽签种子：{self.seed}", f"抽签时间：{dates.format_cn_time(self.drawn_at)}  抽签人：{self.drawn_by}",
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
    if db.local_office_id and rnd.office_id != db.local_office_id:
        raise UserError(f"“{rnd.title}”是上级组织的考核，由组织考核的单位抽签；抽签结果随数据交换下发。")
    towns = _round_towns(db, round_id)
    if len(towns) < 2:
        raise UserError("本轮考核只涉及一个乡镇，无需抽签交叉考核（抽签用于县级组织的多乡镇考核）。")
    if any(s in rnd.state_counts for s in ("审核", "公示", "申诉", "确定")):
        raise UserError("本轮已有党组织进入审核或之后的环节，不能再抽签。")
    if db.scalar("SELECT 1 FROM round_branch b JOIN assessment_round r ON r.id = b.round_id WHERE b.round_id = ? "
                 "AND b.state = '初审' AND b.owner NOT IN (b.office_id, r.office_id) LIMIT 1", (round_id,)):
        # a sheet already with the team drawn (stage_owner.py): a new draw would strand it there
        raise UserError("本轮已有党组织的考核表交给抽中的乡镇考核组初审，不能重新抽签。")
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


def _today() -> str:
    return dates.today().isoformat()
