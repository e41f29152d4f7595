"""Who owns a sheet at each stage of a county's round, and handing it over.

A county round's sheet passes between offices: the branch's town fills it in (自评) and checks it
(初审); the county reviews it (审核), publishes it (公示, 申诉) and confirms it (确定). Only a
row's owner may change it (db.owned_rows), so the sheet, its item scores and its vetoes belong
to the office whose stage it is, and change hands with the stage:

- creating a county round: the county makes each sheet and hands it to the branch's town;
- 提交初审 (自评 → 初审) when the county drew lots (抽签交叉考核): the town hands its sheet to the
  town whose team assesses it; the county passes it on (exchange.handover);
- 提交审核 (初审 → 审核): whoever holds the sheet hands it to the county;
- 退回初审 (审核 → 初审) at the county: the county hands it back (to the assessing town, if any);
  退回自评 goes back to the branch's town.

A hand-over is an ordinary change of the rows' owner (the revision goes up), made by the office
that owns them, in the same unit of work as the move; it travels in that office's next package
and the receiving office accepts it because the rows come from their last owner
(exchange.merge). A town's own round never changes hands: the town owns every stage.

The other rows of a sheet keep the owner that made them: the history entries, the town's
self-evaluation report and evidence, the county's veto reviews, quota decisions and appeals.
"""

from __future__ import annotations

import json

from ..db import Database

#: Tables whose rows change hands with the sheet's stage (see exchange.ownership.HANDOVER).
HANDED_OVER = ("round_branch", "round_score", "round_veto")
#: The stages the branch's town works on in a county's round.
TOWN_STAGES = frozenset({"自评", "初审"})


def assessor_in(result_json: str | None, sheet_office: str) -> str | None:
    """The town whose team assesses `sheet_office`'s branches in a draw's result (lots.py)."""
    if not result_json:
        return None
    try:
        pairs = json.loads(result_json).get("pairs") or []
    except (ValueError, AttributeError):
        return None
    return next((team for team, target in pairs if target == sheet_office), None)


def stage_owners(round_office: str, round_level: str, sheet_office: str, state: str,
                 assessor: str | None = None) -> tuple[str, ...]:
    """The offices that may hold a sheet in `state`, the one it is handed to first: the round's
    office, except in a county round — 自评 is the branch's town's, and 初审 the town's whose team
    assesses it by lot (抽签交叉考核) or, without a draw, its own town's. A sheet that reached 初审
    before the lots were drawn may stay with its own town."""
    if round_level != "county" or sheet_office == round_office:
        return (round_office,)
    if state == "自评":
        return (sheet_office,)
    if state == "初审":
        return (assessor, sheet_office) if assessor and assessor != sheet_office else (sheet_office,)
    return (round_office,)


def stage_owner(round_office: str, round_level: str, sheet_office: str, state: str,
                assessor: str | None = None) -> str:
    """The office a sheet is handed to when it enters `state`."""
    return stage_owners(round_office, round_level, sheet_office, state, assessor)[0]


def owner_for(db: Database, sheet_id: str, state: str) -> str | None:
    """The office that should own the sheet in `state` (None when the sheet is gone)."""
    r = db.one("""SELECT r.office_id AS round_office, f.level AS round_level, b.office_id AS sheet_office,
                         (SELECT l.result_json FROM round_lot l WHERE l.round_id = b.round_id
                          ORDER BY l.drawn_at DESC, l.rowid DESC LIMIT 1) AS lots
                  FROM round_branch b JOIN assessment_round r ON r.id = b.round_id
                  JOIN office f ON f.id = r.office_id WHERE b.id = ?""", (sheet_id,))
    if r is None:
        return None
    return stage_owner(r["round_office"], r["round_level"], r["sheet_office"], state,
                       assessor_in(r["lots"], r["sheet_office"]))


def hand_over(tx, sheet_ids: list[str], owner: str) -> int:
    """Give the sheets, their item scores and vetoes to `owner` (rows already its own are left
    alone). Called inside the unit of work that moves or creates the sheets; returns the number of
    rows handed over."""
    n = 0
    for i in range(0, len(sheet_ids), 500):
        chunk = sheet_ids[i:i + 500]
        marks = ",".join("?" for _ in chunk)
        # the parts first: a part may not be moved onto a sheet another office holds (db.owned_rows)
        for table, column in (("round_score", "round_branch_id"), ("round_veto", "round_branch_id"),
                              ("round_branch", "id")):
            cur = tx.execute(f'UPDATE "{table}" SET owner = ?, rev = rev + 1, updated_at = ? '
                             f'WHERE "{column}" IN ({marks}) AND owner != ?', [owner, tx.now, *chunk, owner])
            n += cur.rowcount
    return n


def follow_stage(db: Database, tx, sheet_id: str, state: str) -> None:
    """After a sheet moved to `state`: hand it to the office that owns that stage, if another."""
    owner = owner_for(db, sheet_id, state)
    if owner is not None:
        hand_over(tx, [sheet_id], owner)
