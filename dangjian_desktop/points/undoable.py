"""Points changes the clerk can undo on 编辑 → 撤销: marking a member 免评 / 免计 and taking it
back, the 积分细则 (adding, changing and deleting an item, the year's 基础分) and the 民主评议
sheet.

Each `*_undoable` runs the core function unchanged and returns (its result, the UndoableChange
that takes it back, or None when nothing changed). Before an undo or redo writes old values back,
the functions' own rules apply: nothing changes in a year locked after its publicity
(`check_locked_rows`, asked first); an item is not taken away once entries use it, nor its
加分/扣分 changed, its code not given twice, no meeting counted by two items
(`check_catalogue_rows`); a member's review not put back over one entered since.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..db import Database
from ..errors import UserError
from ..undo import RowChange, UndoableChange, record
from .catalogue import (Item, _check_overlap, _item_dict, add_item, delete_item, ensure_catalogue, get_item, items,
                        item_usage, parse_base_score, set_base_score, update_item, year_settings)
from .common import EXEMPT_NOT_RATED, check_unlocked, fmt_points
from .review import ReviewInput, record_reviews
from .totals import remove_exemption, set_exemption

Result = tuple[Any, UndoableChange | None]
MEMBER_TABLES = ("points_exemption", "member_review")  # rows of a member, locked with the member's town
YEAR_TABLES = ("points_item", "points_year")  # rows of a town's year


def check_locked_rows(db: Database, rows: Sequence[RowChange]) -> None:
    """Refuse (LockedError) when the town has locked the year of an exemption, review, catalogue
    item or base score since."""
    for c in rows:
        values = c.before or c.after or {}
        if c.table in YEAR_TABLES:
            check_unlocked(db, values["office_id"], int(values["year"]))
        elif c.table in MEMBER_TABLES:
            office = db.scalar("SELECT o.office_id FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = ?",
                               (values.get("member_id"),))
            if office is not None:  # a member since deleted: the reference check refuses the undo
                check_unlocked(db, office, int(values["year"]))


check_exemption_rows = check_locked_rows


def _named(result: Result, label: Callable[[Any], str]) -> Result:
    """The change named after what the core function did (`label(its result)`)."""
    value, change = result
    if change is not None:
        change.label = label(value)
    return value, change


# ---- 免评 / 免计 -------------------------------------------------------------------------------------

def exemption_label(kind: str) -> str:
    """How the clerk calls an exemption of this kind: 免评 (not rated), 免计 (年老体弱)."""
    return "免评" if kind == EXEMPT_NOT_RATED else f"免计（{kind}）"


def set_exemption_undoable(db: Database, member_id: str, year: int, kind: str, reason: str, *,
                           approved_on: str | None = None, actor: str | None = None) -> Result:
    """totals.set_exemption; the result is the exemption's id."""
    name = db.scalar("SELECT name FROM member WHERE id = ?", (member_id,)) or ""
    known = db.scalar("SELECT 1 FROM points_exemption WHERE member_id = ? AND year = ? AND kind = ?",
                      (member_id, int(year), kind))
    verb = "修改" if known else "登记"
    return record(db, f"{verb}{exemption_label(kind)} {name}（{year}年度）",
                  lambda: set_exemption(db, member_id, year, kind, reason, approved_on=approved_on, actor=actor),
                  check=check_exemption_rows)


def remove_exemption_undoable(db: Database, exemption_id: str, *, actor: str | None = None) -> Result:
    row = db.one("SELECT x.kind, x.year, m.name FROM points_exemption x JOIN member m ON m.id = x.member_id "
                 "WHERE x.id = ?", (exemption_id,))
    if row is None:
        raise UserError("找不到这条免评记录。")
    return record(db, f"取消{exemption_label(row['kind'])} {row['name']}（{row['year']}年度）",
                  lambda: remove_exemption(db, exemption_id, actor=actor), check=check_exemption_rows)


# ---- 积分细则 --------------------------------------------------------------------------------------

def check_item_use(db: Database, rows: Sequence[RowChange]) -> None:
    """Asked first: the year is not locked, and an item to take away has no entries since."""
    check_locked_rows(db, rows)
    for c in rows:
        if c.table == "points_item" and c.before is None:
            used = item_usage(db, c.row_id)
            if used:
                values = c.after or {}
                raise UserError(f"积分项目 {values.get('code', '')} {values.get('title', '')}此后已有 {used} 条积分记录，"
                                f"不能再去掉（可以修改它，改为停用）。")


def check_catalogue_rows(db: Database, rows: Sequence[RowChange]) -> None:
    """An item's old values fit the catalogue as it is now: its code not taken by another item,
    its 加分/扣分 unchanged once entries use it, no meeting counted by two active items."""
    restored: dict[tuple[str, int], dict[str, Item]] = {}
    for c in rows:
        if c.table != "points_item" or c.before is None:
            continue
        old = Item.from_row(c.before)
        if db.scalar("SELECT 1 FROM points_item WHERE office_id = ? AND year = ? AND code = ? AND id <> ?",
                     (old.office_id, old.year, old.code, c.row_id)):
            raise UserError(f"编号“{old.code}”此后已用于另一个积分项目。")
        now = db.get("points_item", c.row_id)
        used = item_usage(db, c.row_id) if now is not None and now["kind"] != old.kind else 0
        if used:
            raise UserError(f"积分项目 {old.code} 此后已有 {used} 条积分记录，不能再改变加分/扣分类别。")
        restored.setdefault((old.office_id, old.year), {})[c.row_id] = old
    for (office, year), olds in restored.items():
        _check_overlap([_item_dict(i) for i in items(db, office, year) if i.id not in olds]
                       + [_item_dict(i) for i in olds.values()])


def _catalogue_change(db: Database, action: Callable[[], Any], label: Callable[[Any], str]) -> Result:
    return _named(record(db, "积分细则", action, check=check_catalogue_rows, precheck=check_item_use), label)


def add_item_undoable(db: Database, office_id: str, year: int, values: dict[str, Any], *,
                      actor: str | None = None) -> Result:
    """catalogue.add_item; the result is the item's id. The year's catalogue is made first when
    it has none (a unit of work of its own, not undone)."""
    check_unlocked(db, office_id, year)
    ensure_catalogue(db, office_id, year)
    return _catalogue_change(db, lambda: add_item(db, office_id, year, values, actor=actor),
                             lambda item_id: f"新增积分细则 {get_item(db, item_id).label()}")


def update_item_undoable(db: Database, item_id: str, values: dict[str, Any], *, expected_rev: int | None = None,
                         actor: str | None = None) -> Result:
    """catalogue.update_item (the result is None)."""
    return _catalogue_change(db, lambda: update_item(db, item_id, values, expected_rev=expected_rev, actor=actor),
                             lambda _r: f"修改积分细则 {get_item(db, item_id).label()}")


def delete_item_undoable(db: Database, item_id: str, *, actor: str | None = None) -> Result:
    """catalogue.delete_item; the result says what was done ("删除", or "停用" for an item in use)."""
    label = get_item(db, item_id).label()
    return _catalogue_change(db, lambda: delete_item(db, item_id, actor=actor),
                             lambda done: f"{done}积分细则 {label}")


def set_base_score_undoable(db: Database, office_id: str, year: int, base: Any, *,
                            actor: str | None = None) -> Result:
    """catalogue.set_base_score (the result is None; no change when the score is the same)."""
    value = parse_base_score(base)
    check_unlocked(db, office_id, year)
    ensure_catalogue(db, office_id, year)
    old = year_settings(db, office_id, year).base_score
    return record(db, f"修改{year}年度基础分 {fmt_points(old)}→{fmt_points(value)}",
                  lambda: set_base_score(db, office_id, year, value, actor=actor), precheck=check_locked_rows)


# ---- 民主评议 ----------------------------------------------------------------------------------------

def check_review_rows(db: Database, rows: Sequence[RowChange]) -> None:
    """A review put back again is not one over a review of the member entered for the year since."""
    for c in rows:
        if c.table == "member_review" and c.after is None and c.before is not None:
            old = c.before
            if db.scalar("SELECT 1 FROM member_review WHERE member_id = ? AND year = ? AND id <> ?",
                         (old["member_id"], old["year"], c.row_id)):
                name = db.scalar("SELECT name FROM member WHERE id = ?", (old["member_id"],)) or ""
                raise UserError(f"{name}{old['year']}年度的民主评议此后已重新登记。")


def review_label(db: Database, year: int, rows: Sequence[RowChange]) -> str:
    """民主评议 张伟（2026年度）, or 民主评议 张伟等3人（2026年度）."""
    ids = [(c.before or c.after or {}).get("member_id") for c in rows if c.table == "member_review"]
    first = db.scalar("SELECT name FROM member WHERE id = ?", (ids[0],)) if ids else None
    who = (first or "") + (f"等{len(ids)}人" if len(ids) > 1 else "")
    return f"民主评议 {who}（{year}年度）"


def record_reviews_undoable(db: Database, year: int, entries: list[ReviewInput], *,
                            actor: str | None = None) -> Result:
    """review.record_reviews; the result is the number of members whose review changed."""
    changed, change = record(db, "民主评议", lambda: record_reviews(db, year, entries, actor=actor),
                             check=check_review_rows, precheck=check_locked_rows)
    if change is not None:
        change.label = review_label(db, year, change.rows)
    return changed, change
