"""A branch's checklist sheet (考核检查表): item scores at three stages, reasons, vetoes, the
self-evaluation report (自我评价报告).

Stages: self (自评分, entered by the branch), initial (初评分, the town's or the drawn team's),
final (考核分, the county's). A stage is editable only while the sheet is in its state
(self: 自评; initial: 初审; final: 审核 or 申诉). After 确定 nothing changes except through
`workflow.adjust_score` / `workflow.adjust_veto` (recorded with reason, who and when).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from ..db import Database, owned_rows
from ..errors import LockedError, UserError
from ..schemes import Scheme
from ..schemes.model import Number, fmt_num

STAGES = ("self", "initial", "final")
STAGE_LABELS = {"self": "自评分", "initial": "初评分", "final": "考核分"}
STAGE_COLUMNS = {"self": "self_score", "initial": "initial_score", "final": "final_score"}
# The sheet states in which a stage's scores may be entered.
STAGE_STATES = {"self": ("自评",), "initial": ("初审",), "final": ("审核", "申诉")}


@dataclass
class SheetItem:
    """One scored line: an item of a section, or a section scored as a whole."""

    code: str
    section_code: str
    section_title: str
    title: str
    max: Number | None
    kind: str  # points | deduction | yesno (see schemes.model)
    standard: str | None
    evidence_hint: str | None  # 佐证材料 the scheme asks for
    self_score: Number | None = None
    initial_score: Number | None = None
    final_score: Number | None = None
    reason: str = ""  # 扣分原因 / 说明
    evidence_count: int = 0

    def score(self, stage: str) -> Number | None:
        return getattr(self, STAGE_COLUMNS[stage])

    @property
    def effective(self) -> Number | None:
        """The score that counts now: 考核分, else 初评分, else 自评分."""
        for v in (self.final_score, self.initial_score, self.self_score):
            if v is not None:
                return v
        return None


@dataclass
class SheetVeto:
    """A veto item of the scheme and whether it is triggered on this sheet, with the fact."""

    code: str
    title: str
    triggered: bool = False
    fact: str = ""
    found_on: str | None = None


@dataclass
class SelfReport:
    """自我评价报告: 自我评价情况, 存在问题及原因, 整改措施及下步打算."""

    situation: str = ""
    problems: str = ""
    measures: str = ""

    @property
    def empty(self) -> bool:
        return not (self.situation.strip() or self.problems.strip() or self.measures.strip())


@dataclass
class Sheet:
    """Everything the 考核检查 tab shows for one branch."""

    id: str
    round_id: str
    year: int
    org_id: str
    org_name: str
    kind: str | None
    town: str
    state: str
    state_since: str
    rev: int
    scheme: Scheme
    items: list[SheetItem] = field(default_factory=list)
    vetoes: list[SheetVeto] = field(default_factory=list)
    report: SelfReport = field(default_factory=SelfReport)
    classification: str | None = None  # only for classification schemes (五个好: 先进/中间/后进)
    assessed_by: str | None = None  # the town whose team assesses this branch (drawn by lot), e.g. 乙镇
    held_by: str | None = None  # the other office that holds the sheet now (a county round's stages)

    @property
    def locked(self) -> bool:
        return self.state == "确定"

    @property
    def editable_stages(self) -> tuple[str, ...]:
        if self.held_by:
            return ()
        return tuple(s for s in STAGES if self.state in STAGE_STATES[s])

    def item(self, code: str) -> SheetItem:
        for i in self.items:
            if i.code == code:
                return i
        raise UserError(f"编号“{code}”不是本考核表的细项。")

    def scores(self, stage: str | None = None) -> dict[str, Number]:
        """Item code -> score of a stage (None: the effective score); unscored items left out."""
        out = {}
        for i in self.items:
            v = i.effective if stage is None else i.score(stage)
            if v is not None:
                out[i.code] = v
        return out

    def triggered_vetoes(self) -> list[str]:
        return [v.code for v in self.vetoes if v.triggered]

    def section_subtotals(self, stage: str | None = None) -> dict[str, Number | None]:
        """Section code -> its points from a stage's scores (None: the effective ones) as the
        evaluator counts them, held to the section's maximum; None for a section none of whose
        items is scored at that stage yet (or when the scores cannot be counted)."""
        from ..schemes.evaluate import ScoreError, section_scores

        scores = self.scores(stage)
        scored = {i.section_code for i in self.items if i.code in scores}
        try:
            results = section_scores(self.scheme, scores) if scored else []
        except ScoreError:
            results = []
        out: dict[str, Number | None] = {i.section_code: None for i in self.items}
        for r in results:
            if r.code in scored:
                out[r.code] = r.score
        return out


_SCORE_TEXT = re.compile(r"^\d+(?:\.\d)?$|^\.\d$")
_DECIMAL_TEXT = re.compile(r"^\d*\.\d+$")


def parse_score(text: Any, maximum: Number | None, *, title: str = "", kind: str = "points") -> Number | None:
    """A score as typed (text or number) -> int/float with at most one decimal, or None when blank.

    Refuses with a Chinese UserError: not a number, negative, more than one decimal, above
    the item's maximum, and for yes-no items anything but 0/1 (or the maximum).
    The GUI calls this on every keystroke-commit so a bad number is refused as typed.
    """
    label = f"“{title}”" if title else ""
    if text is None:
        return None
    if isinstance(text, bool):
        raise UserError(f"{label}分数应为数字。")
    if isinstance(text, (int, float)):
        if not math.isfinite(text):
            raise UserError(f"{label}分数应为数字。")
        raw = repr(float(text)) if isinstance(text, float) else str(text)
        value = Decimal(raw)
    else:
        raw = str(text).strip().replace("．", ".").replace("。", ".")
        raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if raw == "":
            return None
        if raw.startswith("-"):
            raise UserError(f"{label}分数不能为负数。")
        if not _SCORE_TEXT.match(raw):
            if _DECIMAL_TEXT.match(raw):
                raise UserError(f"{label}分数“{raw}”最多保留一位小数（如 8.5）。")
            raise UserError(f"{label}分数“{raw}”不是数字。")
        value = Decimal(raw)
    if value < 0:
        raise UserError(f"{label}分数不能为负数。")
    if value != value.quantize(Decimal("0.1")):
        raise UserError(f"{label}分数“{fmt_num(float(value))}”最多保留一位小数（如 8.5）。")
    if kind == "yesno":
        if value not in (0, 1) and (maximum is None or value != Decimal(str(maximum))):
            raise UserError(f"{label}为“是否”项，只能填 1（是）或 0（否）。")
    elif maximum is not None and value > Decimal(str(maximum)):
        what = "扣分" if kind == "deduction" else "分数"
        raise UserError(f"{label}{what} {fmt_num(float(value))} 超过该项满分 {fmt_num(maximum)} 分。")
    return int(value) if value == value.to_integral_value() else float(value)


def _num(v) -> Number | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(float(v), 1)


def scheme_units(scheme: Scheme) -> list[SheetItem]:
    """The blank lines of a sheet for a scheme, in document order."""
    out = []
    for sec, item in scheme.scored_units():
        unit = item or sec
        out.append(SheetItem(code=unit.code, section_code=sec.code, section_title=sec.title, title=unit.title,
                             max=unit.max, kind=unit.kind, standard=unit.standard, evidence_hint=unit.evidence))
    return out


def _sheet_row(db: Database, sheet_id: str):
    row = db.one("""SELECT b.*, f.name AS town, r.year, r.scheme_json FROM round_branch b
                    JOIN office f ON f.id = b.office_id JOIN assessment_round r ON r.id = b.round_id
                    WHERE b.id = ?""", (sheet_id,))
    if row is None:
        raise UserError("找不到这个考核表，可能已被删除。")
    return row


def open_sheet(db: Database, sheet_id: str) -> Sheet:
    """Load a sheet with every item (in the scheme's order), vetoes, report and evidence counts."""
    from .rounds import _scheme_from_json

    row = _sheet_row(db, sheet_id)
    scheme = _scheme_from_json(row["scheme_json"])
    items = scheme_units(scheme)
    by_code = {i.code: i for i in items}
    for r in db.query("SELECT item_code, self_score, initial_score, final_score, reason FROM round_score "
                      "WHERE round_branch_id = ?", (sheet_id,)):
        it = by_code.get(r["item_code"])
        if it is None:
            continue
        it.self_score, it.initial_score, it.final_score = (_num(r["self_score"]), _num(r["initial_score"]),
                                                           _num(r["final_score"]))
        it.reason = r["reason"] or ""
    for r in db.query("SELECT item_code, count(*) FROM round_evidence WHERE round_branch_id = ? "
                      "AND item_code IS NOT NULL GROUP BY item_code", (sheet_id,)):
        if r[0] in by_code:
            by_code[r[0]].evidence_count = r[1]
    triggered = {r["code"]: r for r in db.query("SELECT code, fact, found_on FROM round_veto "
                                                 "WHERE round_branch_id = ?", (sheet_id,))}
    vetoes = [SheetVeto(v.code, v.title, v.code in triggered, triggered[v.code]["fact"] if v.code in triggered
                        else "", triggered[v.code]["found_on"] if v.code in triggered else None)
              for v in scheme.vetoes]
    rep_row = db.one("SELECT situation, problems, measures FROM round_self_report WHERE round_branch_id = ?",
                     (sheet_id,))
    report = SelfReport(*rep_row) if rep_row else SelfReport()
    assessed_by = None
    lot = db.one("SELECT result_json FROM round_lot WHERE round_id = ? ORDER BY drawn_at DESC, rowid DESC LIMIT 1",
                 (row["round_id"],))
    if lot is not None:
        import json

        data = json.loads(lot["result_json"])
        names = {t[0]: t[1] for t in data["towns"]}
        assessed_by = next((names.get(team) for team, target in data["pairs"] if target == row["office_id"]), None)
    return Sheet(id=sheet_id, round_id=row["round_id"], year=row["year"], org_id=row["org_id"],
                 org_name=row["org_name"], kind=row["kind"], town=row["town"], state=row["state"],
                 state_since=row["state_since"], rev=row["rev"], scheme=scheme, items=items, vetoes=vetoes,
                 report=report, classification=row["classification"], assessed_by=assessed_by,
                 held_by=held_by(db, row))


def held_by(db: Database, row) -> str | None:
    """The name of the office that holds a sheet now, when it is another office this one exchanges
    packages with (stage_owner.py): the sheet is then read-only here."""
    if row["owner"] == db.local_office_id or not owned_rows.held_elsewhere(db.conn, row["owner"]):
        return None
    return db.scalar("SELECT name FROM office WHERE id = ?", (row["owner"],)) or "其他单位"


def sheet_id_for(db: Database, round_id: str, org_id: str) -> str:
    """The sheet of a branch in a round; UserError when the branch is not in the round."""
    sid = db.scalar("SELECT id FROM round_branch WHERE round_id = ? AND org_id = ?", (round_id, org_id))
    if sid is None:
        raise UserError("该党组织不在本轮考核范围内。")
    return sid


def set_score(db: Database, sheet_id: str, item_code: str, stage: str, value: Any, *,
              reason: str | None = None, actor: str | None = None) -> Number | None:
    """Enter (or clear with None/'') one item's score at a stage; returns the stored number.

    Validated with `parse_score`; the stage must be editable in the sheet's state
    (UserError otherwise); a confirmed sheet raises LockedError (use adjust_score).
    `reason` (扣分原因), when given, is stored with it. One unit of work.
    """
    stored = set_scores(db, sheet_id, stage, {item_code: value},
                        reasons=None if reason is None else {item_code: reason}, actor=actor, _return_values=True)
    return stored.get(item_code)


def _check_stage(row, stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}")
    if row["state"] not in STAGE_STATES[stage]:
        allowed = "、".join(STAGE_STATES[stage])
        raise UserError(f"“{row['org_name']}”现处于“{row['state']}”环节，不能填写{STAGE_LABELS[stage]}"
                        f"（{STAGE_LABELS[stage]}只能在“{allowed}”环节填写）。")


def _units(db: Database, row) -> dict[str, SheetItem]:
    from .rounds import _scheme_from_json

    scheme_json = row["scheme_json"] if "scheme_json" in row.keys() else db.scalar(
        "SELECT scheme_json FROM assessment_round WHERE id = ?", (row["round_id"],))
    return {i.code: i for i in scheme_units(_scheme_from_json(scheme_json))}


def set_scores(db: Database, sheet_id: str, stage: str, scores: Mapping[str, Any], *,
               reasons: Mapping[str, str] | None = None, actor: str | None = None,
               _return_values: bool = False):
    """Enter several scores of one stage at once (all or nothing); returns how many changed."""
    require_unlocked(db, sheet_id)
    row = _sheet_row(db, sheet_id)
    _check_stage(row, stage)
    units = _units(db, row)
    reasons = dict(reasons or {})
    parsed: dict[str, Number | None] = {}
    problems = []
    for code, value in scores.items():
        unit = units.get(code)
        if unit is None:
            problems.append(f"编号“{code}”不是本考核表的细项。")
            continue
        try:
            parsed[code] = parse_score(value, unit.max, title=f"{unit.code} {unit.title}", kind=unit.kind)
        except UserError as e:
            problems.append(e.message)
    for code in reasons:
        if code not in units:
            problems.append(f"编号“{code}”不是本考核表的细项。")
    if problems:
        raise UserError("；".join(dict.fromkeys(problems)))
    col = STAGE_COLUMNS[stage]
    existing = {r["item_code"]: r for r in db.query("SELECT * FROM round_score WHERE round_branch_id = ?",
                                                     (sheet_id,))}
    changed = 0
    with db.transaction(f"填写{STAGE_LABELS[stage]} {row['org_name']}", actor=actor) as tx:
        for code in dict.fromkeys([*parsed, *reasons]):
            values = {}
            if code in parsed:
                values[col] = parsed[code]
            if code in reasons:
                values["reason"] = (reasons[code] or "").strip()
            old = existing.get(code)
            if old is None:
                if all(v in (None, "") for v in values.values()):
                    continue
                tx.insert("round_score", {"round_branch_id": sheet_id, "item_code": code, **values})
                changed += 1
            else:
                diff = {k: v for k, v in values.items()
                        if ((old[k] or "") != v if k == "reason" else _num(old[k]) != v)}
                if diff:
                    tx.update("round_score", old["id"], diff)
                    changed += 1
    return parsed if _return_values else changed


def set_reason(db: Database, sheet_id: str, item_code: str, reason: str, *, actor: str | None = None) -> None:
    """The deduction reason / remark of one item (editable until 确定)."""
    row = require_unlocked(db, sheet_id)
    units = _units(db, row)
    if item_code not in units:
        raise UserError(f"编号“{item_code}”不是本考核表的细项。")
    reason = (reason or "").strip()
    old = db.one("SELECT id, reason FROM round_score WHERE round_branch_id = ? AND item_code = ?",
                 (sheet_id, item_code))
    if (old["reason"] if old else "") == reason:
        return
    with db.transaction(f"填写扣分原因 {row['org_name']}", actor=actor) as tx:
        if old is None:
            tx.insert("round_score", {"round_branch_id": sheet_id, "item_code": item_code, "reason": reason})
        else:
            tx.update("round_score", old["id"], {"reason": reason})


def set_veto(db: Database, sheet_id: str, code: str, fact: str, *, found_on: str | None = None,
             actor: str | None = None) -> None:
    """Mark a veto item as triggered, with the fact that triggers it (required)."""
    from .rounds import _scheme_from_json

    row = require_unlocked(db, sheet_id)
    scheme = _scheme_from_json(_sheet_row(db, sheet_id)["scheme_json"])
    veto = scheme.veto(code)
    if veto is None:
        raise UserError(f"否决项编号“{code}”不在本方案中" + (
            f"（可选：{'、'.join(v.code + ' ' + v.title for v in scheme.vetoes)}）。" if scheme.vetoes
            else "（本方案没有否决项）。"))
    fact = (fact or "").strip()
    if not fact:
        raise UserError(f"请写明触发否决项“{veto.title}”的事实。")
    if found_on:
        from .. import dates

        if not dates.is_iso_date(found_on):
            raise UserError(f"日期“{found_on}”无效，应为 2026-03-01 这样的格式。")
        if found_on > dates.today().isoformat():  # a fact found in the future is a typing slip
            raise UserError(f"发现日期{dates.format_cn(found_on)}晚于今天，请改为实际发现的日期。")
    old = db.one("SELECT id, fact, found_on FROM round_veto WHERE round_branch_id = ? AND code = ?",
                 (sheet_id, code))
    with db.transaction(f"登记否决项 {row['org_name']} {code}", actor=actor) as tx:
        if old is None:
            tx.insert("round_veto", {"round_branch_id": sheet_id, "code": code, "fact": fact, "found_on": found_on})
        elif (old["fact"], old["found_on"]) != (fact, found_on):
            tx.update("round_veto", old["id"], {"fact": fact, "found_on": found_on})


def clear_veto(db: Database, sheet_id: str, code: str, *, actor: str | None = None) -> None:
    """Un-mark a veto item."""
    row = require_unlocked(db, sheet_id)
    old = db.scalar("SELECT id FROM round_veto WHERE round_branch_id = ? AND code = ?", (sheet_id, code))
    if old is None:
        return
    with db.transaction(f"取消否决项 {row['org_name']} {code}", actor=actor) as tx:
        tx.delete("round_veto", old)


def set_classification(db: Database, sheet_id: str, classification: str | None, *,
                       actor: str | None = None) -> None:
    """For classification schemes (五个好): the class given (先进 / 中间 / 后进)."""
    from .rounds import _scheme_from_json

    row = require_unlocked(db, sheet_id)
    rule = _scheme_from_json(_sheet_row(db, sheet_id)["scheme_json"]).rating
    if rule.kind != "classification":
        raise UserError("本方案按分数评定，不能直接指定类别。")
    if classification is not None and rule.level(classification) is None:
        raise UserError(f"类别“{classification}”不存在（可选：{'、'.join(lv.name for lv in rule.levels)}）。")
    if row["classification"] == classification:
        return
    with db.transaction(f"评定类别 {row['org_name']}", actor=actor) as tx:
        tx.update("round_branch", sheet_id, {"classification": classification})


def get_self_report(db: Database, sheet_id: str) -> SelfReport:
    r = db.one("SELECT situation, problems, measures FROM round_self_report WHERE round_branch_id = ?",
               (sheet_id,))
    return SelfReport(*r) if r else SelfReport()


def set_self_report(db: Database, sheet_id: str, *, situation: str | None = None, problems: str | None = None,
                    measures: str | None = None, actor: str | None = None) -> None:
    """Save the self-evaluation report's parts given (None leaves a part unchanged)."""
    row = require_unlocked(db, sheet_id)
    if row["state"] not in ("自评", "初审"):
        raise UserError(f"“{row['org_name']}”已进入“{row['state']}”环节，自我评价报告不能再修改。")
    values = {k: v.strip() for k, v in (("situation", situation), ("problems", problems),
                                         ("measures", measures)) if v is not None}
    old = db.one("SELECT * FROM round_self_report WHERE round_branch_id = ?", (sheet_id,))
    if old is not None:
        values = {k: v for k, v in values.items() if old[k] != v}
    if not values:
        return
    with db.transaction(f"自我评价报告 {row['org_name']}", actor=actor) as tx:
        if old is None:
            tx.insert("round_self_report", {"round_branch_id": sheet_id, **values})
        else:
            tx.update("round_self_report", old["id"], values)


def require_unlocked(db: Database, sheet_id: str):
    """The sheet row, or LockedError when it is confirmed; UserError when it does not exist."""
    row = db.get("round_branch", sheet_id)
    if row is None:
        raise UserError("找不到这个考核表，可能已被删除。")
    if row["state"] == "确定":
        raise LockedError(f"“{row['org_name']}”的考核结果已确定，不能再修改；如需更正，请使用“调整分数”并填写原因。")
    return row
