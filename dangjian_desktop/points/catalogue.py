"""积分细则: the points catalogue per office and year (加分/扣分 items, caps, base score, exempt
classes, meeting-linked items), the built-in default, and Excel import/export."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..db import Database, Tx
from ..errors import UserError, ValidationError
from ..paths import resource
from ..xlsx_guard import SMALL
from ..xlsx_safe import append
from .common import (MEMBER_CLASSES, check_unlocked, fmt_points, owner_of_office, read_workbook, save_workbook,
                     year_row)
from .meeting_terms import MEETING_TYPES, STATUSES

KINDS = ("加分", "扣分")
#: Counting units: per time, per month (at most once a month), per year (at most once a year).
UNITS = {"次": "每次", "月": "每月", "年": "每年一次"}
UNIT_WORDS = {v: k for k, v in UNITS.items()} | {"每次": "次", "次": "次", "每月": "月", "月": "月",
                                                  "每年": "年", "一次性": "年", "年": "年", "每年一次": "年"}
DEFAULT_BASE_SCORE = 60.0
CATALOGUE_SHEET = "积分细则"
SETTINGS_SHEET = "说明"
COLUMNS = ("编号", "类别", "积分项目", "分值", "计分单位", "年度上限", "免计党员类别", "关联会议类型", "关联考勤",
           "是否启用", "备注")


@dataclass
class Item:
    """One catalogue item (积分项目)."""

    id: str
    office_id: str
    year: int
    code: str
    title: str
    kind: str  # 加分 | 扣分
    points: float  # magnitude, > 0
    unit: str  # 次 | 月 | 年
    yearly_cap: float | None
    exempt_classes: list[str] = field(default_factory=list)
    meeting_types: list[str] = field(default_factory=list)
    on_status: str | None = None
    sort_order: int = 0
    active: bool = True
    note: str = ""
    rev: int = 1

    @property
    def signed_points(self) -> float:
        return self.points if self.kind == "加分" else -self.points

    @property
    def effective_cap(self) -> float | None:
        """The yearly cap that applies: a once-a-year item can never exceed its points."""
        if self.unit == "年":
            return min(self.points, self.yearly_cap) if self.yearly_cap else self.points
        return self.yearly_cap

    def label(self) -> str:
        return f"{self.code} {self.title}"

    def describe(self) -> str:
        cap = f"，年度上限{fmt_points(self.yearly_cap)}分" if self.yearly_cap else ""
        return f"{self.kind}{fmt_points(self.points)}分/{UNITS[self.unit]}{cap}"

    @classmethod
    def from_row(cls, r) -> "Item":
        return cls(r["id"], r["office_id"], r["year"], r["code"], r["title"], r["kind"], float(r["points"]),
                   r["unit"], float(r["yearly_cap"]) if r["yearly_cap"] is not None else None,
                   json.loads(r["exempt_classes"] or "[]"), json.loads(r["meeting_types"] or "[]"),
                   r["on_status"], r["sort_order"], bool(r["active"]), r["note"], r["rev"])


@dataclass
class YearSettings:
    office_id: str
    year: int
    base_score: float
    locked_on: str | None = None
    locked_by: str | None = None
    publicity_start: str | None = None
    publicity_end: str | None = None
    exists: bool = False

    @property
    def locked(self) -> bool:
        return bool(self.locked_on)


# ---- the default catalogue (data in resources/points/) ---------------------------------

def default_catalogue() -> dict[str, Any]:
    """The built-in default catalogue, validated (a broken resource file is a bug, not user input)."""
    path = resource("points", "default_catalogue.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    items, errors = [], []
    for n, raw in enumerate(data.get("items", []), start=1):
        try:
            items.append(normalise_item(raw))
        except ValidationError as e:
            errors.append(f"item {n}: {e.message}")
    codes = [i["code"] for i in items]
    if len(set(codes)) != len(codes):
        errors.append("duplicate codes")
    if errors:
        raise RuntimeError(f"{path}: " + "; ".join(errors))
    return {"title": data.get("title", ""), "base_score": float(data.get("base_score", DEFAULT_BASE_SCORE)),
            "source": data.get("source", ""), "notes": list(data.get("notes", [])), "items": items}


# ---- validation ----------------------------------------------------------------------------

def _number(value: Any, field_name: str, what: str, errors: dict, *, allow_none: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if not allow_none:
            errors[field_name] = f"请填写{what}"
        return None
    try:
        v = float(str(value).strip().lstrip("+")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        errors[field_name] = f"{what}“{value}”不是数字"
        return None
    if not math.isfinite(v) or v <= 0:
        errors[field_name] = f"{what}应为大于0的数（扣分项也填正数，类别选“扣分”）"
        return None
    if round(v, 2) != v:
        errors[field_name] = f"{what}最多保留两位小数"
        return None
    return v


def _word_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        text = str(value)
        for sep in ("，", ",", "；", ";", "/", " "):
            text = text.replace(sep, "、")
        parts = text.split("、")
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def normalise_item(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise an item's fields (raises ValidationError with Chinese messages)."""
    errors: dict[str, str] = {}
    code = str(values.get("code") or "").strip()
    if not code:
        errors["code"] = "请填写编号"
    elif len(code) > 20:
        errors["code"] = "编号太长（最多20个字符）"
    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写积分项目名称"
    kind = str(values.get("kind") or "").strip()
    if kind not in KINDS:
        errors["kind"] = "类别应为“加分”或“扣分”"
    points = _number(values.get("points"), "points", "分值", errors)
    unit = UNIT_WORDS.get(str(values.get("unit") or "次").strip())
    if unit is None:
        errors["unit"] = "计分单位应为“每次”“每月”或“每年一次”"
    cap = _number(values.get("yearly_cap"), "yearly_cap", "年度上限", errors, allow_none=True)
    if cap is not None and points is not None and cap < points:
        errors["yearly_cap"] = f"年度上限（{fmt_points(cap)}分）不能小于单项分值（{fmt_points(points)}分）"
    exempt = _word_list(values.get("exempt_classes"))
    bad = [c for c in exempt if c not in MEMBER_CLASSES]
    if bad:
        errors["exempt_classes"] = f"免计党员类别“{'、'.join(bad)}”无法识别（可选：{'、'.join(MEMBER_CLASSES)}）"
    types = _word_list(values.get("meeting_types"))
    bad = [t for t in types if t not in MEETING_TYPES]
    if bad:
        errors["meeting_types"] = f"会议类型“{'、'.join(bad)}”无法识别（可选：{'、'.join(MEETING_TYPES)}）"
    status = values.get("on_status")
    status = str(status).strip() if status not in (None, "") else None
    if status is not None and status not in STATUSES:
        errors["on_status"] = f"关联考勤应为{'、'.join(STATUSES)}之一"
    if types and status is None and "on_status" not in errors:
        errors["on_status"] = "已选关联会议类型，请同时选择关联考勤（出席、请假或缺席）"
    if status is not None and not types and "meeting_types" not in errors:
        errors["meeting_types"] = "已选关联考勤，请同时选择关联会议类型"
    if errors:
        raise ValidationError(errors)
    active = values.get("active", True)
    if isinstance(active, str):
        active = active.strip() not in ("否", "停用", "0", "false", "False")
    return {"code": code, "title": title, "kind": kind, "points": points, "unit": unit, "yearly_cap": cap,
            "exempt_classes": exempt, "meeting_types": types, "on_status": status,
            "active": bool(active), "note": str(values.get("note") or "").strip()}


def _row_values(v: dict[str, Any]) -> dict[str, Any]:
    return {"code": v["code"], "title": v["title"], "kind": v["kind"], "points": v["points"], "unit": v["unit"],
            "yearly_cap": v["yearly_cap"], "exempt_classes": json.dumps(v["exempt_classes"], ensure_ascii=False),
            "meeting_types": json.dumps(v["meeting_types"], ensure_ascii=False), "on_status": v["on_status"],
            "active": 1 if v["active"] else 0, "note": v["note"]}


def _check_overlap(items: list[dict[str, Any]]) -> None:
    """Two active items triggered by the same meeting type and status would count a meeting twice."""
    seen: dict[tuple[str, str], str] = {}
    for it in items:
        if not it.get("active", True) or not it.get("on_status"):
            continue
        for t in it["meeting_types"]:
            key = (t, it["on_status"])
            if key in seen and seen[key] != it["code"]:
                raise ValidationError({"meeting_types": f"“{t}”的“{it['on_status']}”已关联到项目 {seen[key]}，"
                                                        f"不能再关联到 {it['code']}（同一次会议会重复计分）"})
            seen[key] = it["code"]


# ---- reading ---------------------------------------------------------------------------------

def items(db: Database, office_id: str, year: int, *, active_only: bool = False) -> list[Item]:
    sql = "SELECT * FROM points_item WHERE office_id = ? AND year = ?"
    if active_only:
        sql += " AND active = 1"
    return [Item.from_row(r) for r in db.query(sql + " ORDER BY sort_order, code", (office_id, int(year)))]


def get_item(db: Database, item_id: str) -> Item:
    row = db.get("points_item", item_id)
    if row is None:
        raise UserError("找不到该积分项目，可能已被删除。")
    return Item.from_row(row)


def year_settings(db: Database, office_id: str, year: int) -> YearSettings:
    row = year_row(db, office_id, year)
    if row is None:
        return YearSettings(office_id, int(year), _inherited_base(db, office_id, year))
    return YearSettings(office_id, int(year), float(row["base_score"]), row["locked_on"], row["locked_by"],
                        row["publicity_start"], row["publicity_end"], True)


def _inherited_base(db: Database, office_id: str, year: int) -> float:
    prev = db.scalar("SELECT base_score FROM points_year WHERE office_id = ? AND year < ? ORDER BY year DESC LIMIT 1",
                     (office_id, int(year)))
    return float(prev) if prev is not None else default_catalogue()["base_score"]


def has_catalogue(db: Database, office_id: str, year: int) -> bool:
    """Does the office have catalogue items for the year (ensure_catalogue creates them)?"""
    return bool(db.scalar("SELECT 1 FROM points_item WHERE office_id = ? AND year = ? LIMIT 1",
                          (office_id, int(year))))


def item_usage(db: Database, item_id: str) -> int:
    return db.scalar("SELECT count(*) FROM points_entry WHERE item_id = ?", (item_id,))


# ---- creating a year's catalogue ---------------------------------------------------------------

def _source_items(db: Database, office_id: str, year: int) -> tuple[list[dict[str, Any]], float, str]:
    """Where a new year's catalogue comes from: this office's latest earlier year, the county's
    catalogue for the year, or the built-in default."""
    prev = db.scalar("SELECT max(year) FROM points_item WHERE office_id = ? AND year < ?", (office_id, int(year)))
    if prev is not None:
        rows = [Item.from_row(r) for r in db.query(
            "SELECT * FROM points_item WHERE office_id = ? AND year = ? ORDER BY sort_order, code", (office_id, prev))]
        return [_item_dict(i) for i in rows], year_settings(db, office_id, prev).base_score, f"{prev}年度细则"
    parent = db.scalar("SELECT parent_id FROM office WHERE id = ?", (office_id,))
    if parent and has_catalogue(db, parent, year):
        rows = items(db, parent, year)
        return [_item_dict(i) for i in rows], year_settings(db, parent, year).base_score, "县级统一细则"
    d = default_catalogue()
    return d["items"], d["base_score"], "默认细则"


def _item_dict(i: Item) -> dict[str, Any]:
    return {"code": i.code, "title": i.title, "kind": i.kind, "points": i.points, "unit": i.unit,
            "yearly_cap": i.yearly_cap, "exempt_classes": list(i.exempt_classes),
            "meeting_types": list(i.meeting_types), "on_status": i.on_status, "active": i.active, "note": i.note}


def ensure_catalogue(db: Database, office_id: str, year: int, *, tx: Tx | None = None) -> bool:
    """Make sure the office has a catalogue and settings for the year; True when they were created now.

    A new year starts from the office's latest earlier year, else the county's catalogue for the
    year, else the built-in default.
    """
    year = int(year)
    have_items = has_catalogue(db, office_id, year)
    have_year = year_row(db, office_id, year) is not None
    if have_items and have_year:
        return False
    if db.readonly:
        return False
    source, base, _label = _source_items(db, office_id, year)
    owner = owner_of_office(db, office_id)

    def write(t: Tx) -> None:
        if not have_year:
            t.insert("points_year", {"office_id": office_id, "year": year, "base_score": base, "owner": owner})
        if not have_items:
            t.insert_many("points_item", [{**_row_values(v), "office_id": office_id, "year": year,
                                           "sort_order": n, "owner": owner} for n, v in enumerate(source, start=1)])

    if tx is not None:
        write(tx)
    else:
        with db.transaction(f"建立{year}年度积分细则") as t:
            write(t)
    return True


# ---- editing -------------------------------------------------------------------------------------

def _all_dicts(db: Database, office_id: str, year: int, *, skip_id: str | None = None) -> list[dict[str, Any]]:
    return [_item_dict(i) | {"id": i.id} for i in items(db, office_id, year) if i.id != skip_id]


def add_item(db: Database, office_id: str, year: int, values: dict[str, Any], *, actor: str | None = None) -> str:
    check_unlocked(db, office_id, year)
    v = normalise_item(values)
    ensure_catalogue(db, office_id, year)
    if db.scalar("SELECT 1 FROM points_item WHERE office_id = ? AND year = ? AND code = ?", (office_id, year, v["code"])):
        raise ValidationError({"code": f"编号“{v['code']}”已存在"})
    _check_overlap(_all_dicts(db, office_id, year) + [v])
    order = (db.scalar("SELECT max(sort_order) FROM points_item WHERE office_id = ? AND year = ?",
                       (office_id, year)) or 0) + 1
    with db.transaction(f"新增积分项目 {v['code']} {v['title']}", actor=actor) as tx:
        return tx.insert("points_item", {**_row_values(v), "office_id": office_id, "year": int(year),
                                         "sort_order": order, "owner": owner_of_office(db, office_id)})


def update_item(db: Database, item_id: str, values: dict[str, Any], *, expected_rev: int | None = None,
                actor: str | None = None) -> None:
    """Change an item. Entries keep the points they were written with; the cap and exemptions
    apply to the whole year at once."""
    cur = get_item(db, item_id)
    check_unlocked(db, cur.office_id, cur.year)
    merged = _item_dict(cur) | dict(values)
    v = normalise_item(merged)
    if v["code"] != cur.code and db.scalar("SELECT 1 FROM points_item WHERE office_id = ? AND year = ? AND code = ?",
                                           (cur.office_id, cur.year, v["code"])):
        raise ValidationError({"code": f"编号“{v['code']}”已存在"})
    used = item_usage(db, item_id)
    if used and v["kind"] != cur.kind:
        raise ValidationError({"kind": f"该项目已有 {used} 条积分记录，不能改变加分/扣分类别；请停用它并新增项目"})
    _check_overlap(_all_dicts(db, cur.office_id, cur.year, skip_id=item_id) + [v])
    with db.transaction(f"修改积分项目 {v['code']} {v['title']}", actor=actor) as tx:
        tx.update("points_item", item_id, _row_values(v), expected_rev=expected_rev)


def delete_item(db: Database, item_id: str, *, actor: str | None = None) -> str:
    """Delete an unused item; an item with entries is only deactivated (停用). Returns what was done."""
    cur = get_item(db, item_id)
    check_unlocked(db, cur.office_id, cur.year)
    used = item_usage(db, item_id)
    with db.transaction(f"{'停用' if used else '删除'}积分项目 {cur.code} {cur.title}", actor=actor) as tx:
        if used:
            tx.update("points_item", item_id, {"active": 0})
            return "停用"
        tx.delete("points_item", item_id)
        return "删除"


def move_item(db: Database, item_id: str, step: int, *, actor: str | None = None) -> None:
    """Move an item up (-1) or down (+1) in the catalogue's order."""
    cur = get_item(db, item_id)
    rows = items(db, cur.office_id, cur.year)
    idx = next(n for n, i in enumerate(rows) if i.id == item_id)
    other = idx + step
    if not 0 <= other < len(rows):
        return
    rows[idx], rows[other] = rows[other], rows[idx]
    with db.transaction("调整积分项目顺序", actor=actor) as tx:
        for n, it in enumerate(rows, start=1):
            if it.sort_order != n:
                tx.update("points_item", it.id, {"sort_order": n})


def parse_base_score(value: Any) -> float:
    """A base score: a number from 0 to 1000 with at most two decimals (ValidationError otherwise)."""
    text = str(value if value is not None else "").strip()
    try:
        v = float(text)
    except ValueError:
        raise ValidationError({"base_score": f"基础分“{text}”不是数字"}) from None
    if not math.isfinite(v) or not 0 <= v <= 1000 or round(v, 2) != v:
        raise ValidationError({"base_score": "基础分应为0到1000之间的数，最多两位小数"})
    return v


def set_base_score(db: Database, office_id: str, year: int, base: Any, *, actor: str | None = None) -> None:
    value = parse_base_score(base)
    check_unlocked(db, office_id, year)
    ensure_catalogue(db, office_id, year)
    row = year_row(db, office_id, year)
    if float(row["base_score"]) == value:
        return
    with db.transaction(f"设置{year}年度积分基础分为{fmt_points(value)}", actor=actor) as tx:
        tx.update("points_year", row["id"], {"base_score": value})


def reset_to_default(db: Database, office_id: str, year: int, *, actor: str | None = None) -> dict[str, Any]:
    """Replace the year's catalogue with the built-in default (used items are kept, deactivated)."""
    d = default_catalogue()
    return replace_catalogue(db, office_id, year, d["items"], base_score=d["base_score"], actor=actor,
                             reason="恢复默认积分细则")


def replace_catalogue(db: Database, office_id: str, year: int, new_items: list[dict[str, Any]], *,
                      base_score: float | None = None, actor: str | None = None,
                      reason: str = "导入积分细则") -> dict[str, Any]:
    """Make the year's catalogue equal to `new_items` (matched by code): update, add, and delete
    items no longer listed (or deactivate them when entries use them). One unit of work."""
    check_unlocked(db, office_id, year)
    norm = [normalise_item(v) for v in new_items]
    codes = [v["code"] for v in norm]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise ValidationError({"code": f"编号重复：{'、'.join(dup)}"})
    _check_overlap(norm)
    ensure_catalogue(db, office_id, year)
    current = {i.code: i for i in items(db, office_id, year)}
    report = {"added": [], "updated": [], "deleted": [], "deactivated": [], "unchanged": 0}
    owner = owner_of_office(db, office_id)
    with db.transaction(reason, actor=actor) as tx:
        for n, v in enumerate(norm, start=1):
            row = _row_values(v) | {"sort_order": n}
            old = current.pop(v["code"], None)
            if old is None:
                tx.insert("points_item", row | {"office_id": office_id, "year": int(year), "owner": owner})
                report["added"].append(v["code"])
                continue
            if item_usage(db, old.id) and old.kind != v["kind"]:
                raise ValidationError({"kind": f"项目 {v['code']} 已有积分记录，不能从“{old.kind}”改为“{v['kind']}”"})
            before = _row_values(_item_dict(old))
            if before != _row_values(v):
                tx.update("points_item", old.id, row)
                report["updated"].append(v["code"])
            else:
                if old.sort_order != n:  # only moved: not reported as a change of the item
                    tx.update("points_item", old.id, {"sort_order": n})
                report["unchanged"] += 1
        for old in current.values():
            if item_usage(db, old.id):
                if old.active:
                    tx.update("points_item", old.id, {"active": 0})
                report["deactivated"].append(old.code)
            else:
                tx.delete("points_item", old.id)
                report["deleted"].append(old.code)
        if base_score is not None:
            yr = year_row(db, office_id, year)
            if float(yr["base_score"]) != float(base_score):
                tx.update("points_year", yr["id"], {"base_score": float(base_score)})
                report["base_score"] = float(base_score)
    return report


# ---- Excel -----------------------------------------------------------------------------------

def export_xlsx(db: Database, office_id: str, year: int, path: str | Path) -> Path:
    """Write the year's catalogue as an Excel workbook (sheets 积分细则 and 说明)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    ensure_catalogue(db, office_id, year)
    rows = items(db, office_id, year)
    settings = year_settings(db, office_id, year)
    office = db.scalar("SELECT name FROM office WHERE id = ?", (office_id,)) or ""
    wb = Workbook()
    ws = wb.active
    ws.title = CATALOGUE_SHEET
    ws.append(list(COLUMNS))
    for it in rows:
        append(ws, [it.code, it.kind, it.title, it.points, UNITS[it.unit], it.yearly_cap,
                   "、".join(it.exempt_classes), "、".join(it.meeting_types), it.on_status or "",
                   "是" if it.active else "否", it.note])
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFE0E0E0")
    for cell in ws[1]:
        cell.font, cell.fill = head, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for col, width in zip("ABCDEFGHIJK", (8, 7, 46, 7, 10, 9, 18, 30, 9, 9, 20)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    last = max(len(rows) + 200, 300)
    for col, choices in (("B", KINDS), ("E", tuple(UNITS.values())), ("I", STATUSES), ("J", ("是", "否"))):
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)
    info = wb.create_sheet(SETTINGS_SHEET)
    append(info, ["单位", office])
    info.append(["年度", int(year)])
    info.append(["基础分", settings.base_score])
    info.append([])
    info.append(["填写说明"])
    for line in default_catalogue()["notes"] + [
            f"免计党员类别可填：{'、'.join(MEMBER_CLASSES)}（多个用顿号分隔）。",
            f"关联会议类型可填：{'、'.join(MEETING_TYPES)}；关联考勤可填：{'、'.join(STATUSES)}。",
            "导入时按编号对应：表中没有的项目将被删除（已有积分记录的项目改为停用）。"]:
        info.append([line])
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 30
    return save_workbook(wb, path)


def _cell(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        return v.strip()
    return v


def read_xlsx(path: str | Path) -> dict[str, Any]:
    """Read a catalogue workbook: {'year', 'base_score', 'items': [dict]}; errors name the row."""
    path = Path(path)
    wb = read_workbook(path, what="积分细则", limits=SMALL)
    if CATALOGUE_SHEET not in wb.sheet_names:
        raise UserError(f"“{path.name}”中没有名为“{CATALOGUE_SHEET}”的工作表（可先导出一份细则作为模板）。")
    rows = wb.get_sheet_by_name(CATALOGUE_SHEET).to_python(skip_empty_area=False)
    if not rows:
        raise UserError(f"工作表“{CATALOGUE_SHEET}”是空的。")
    header = [str(_cell(h) or "") for h in rows[0]]
    index = {}
    for name in COLUMNS:
        if name in header:
            index[name] = header.index(name)
    missing = [c for c in ("编号", "类别", "积分项目", "分值") if c not in index]
    if missing:
        raise UserError(f"“{CATALOGUE_SHEET}”表头缺少：{'、'.join(missing)}（第1行应为：{'、'.join(COLUMNS)}）。")
    keys = {"编号": "code", "类别": "kind", "积分项目": "title", "分值": "points", "计分单位": "unit",
            "年度上限": "yearly_cap", "免计党员类别": "exempt_classes", "关联会议类型": "meeting_types",
            "关联考勤": "on_status", "是否启用": "active", "备注": "note"}
    out, problems = [], []
    for n, row in enumerate(rows[1:], start=2):
        cells = {keys[c]: _cell(row[i]) if i < len(row) else None for c, i in index.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        if cells.get("active") in (None, ""):
            cells["active"] = True
        try:
            out.append(normalise_item(cells))
        except ValidationError as e:
            problems.append(f"第{n}行：{e.message}")
    if problems:
        more = f"（另有{len(problems) - 10}处）" if len(problems) > 10 else ""
        raise UserError("积分细则有误，未导入：\n" + "\n".join(problems[:10]) + more)
    if not out:
        raise UserError(f"“{CATALOGUE_SHEET}”中没有积分项目。")
    result: dict[str, Any] = {"items": out, "year": None, "base_score": None}
    if SETTINGS_SHEET in wb.sheet_names:
        for row in wb.get_sheet_by_name(SETTINGS_SHEET).to_python():
            if len(row) >= 2 and _cell(row[0]) == "年度" and row[1] not in (None, ""):
                try:
                    result["year"] = int(float(row[1]))
                except ValueError:
                    raise UserError(f"“{SETTINGS_SHEET}”中的年度“{row[1]}”不是年份。") from None
            if len(row) >= 2 and _cell(row[0]) == "基础分" and row[1] not in (None, ""):
                try:
                    result["base_score"] = parse_base_score(row[1])
                except ValidationError as e:
                    raise UserError(f"“{SETTINGS_SHEET}”中{e.message}。") from None
    return result


def import_xlsx(db: Database, path: str | Path, office_id: str, year: int | None = None, *,
                actor: str | None = None) -> dict[str, Any]:
    """Import a catalogue workbook into the office's year (the file's 年度 unless `year` is given)."""
    data = read_xlsx(path)
    year = int(year or data["year"] or 0)
    if not year:
        raise UserError("请指定导入到哪个年度（文件的“说明”表中没有年度）。")
    if data["year"] and year != data["year"]:
        raise UserError(f"文件是{data['year']}年度的细则，与指定的{year}年度不一致。")
    report = replace_catalogue(db, office_id, year, data["items"], base_score=data["base_score"], actor=actor,
                               reason=f"导入{year}年度积分细则 {Path(path).name}")
    report["year"] = year
    return report
