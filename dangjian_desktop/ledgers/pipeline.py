"""发展党员 (the development pipeline): 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员.

A person (dev_person) has dated steps (dev_step): the application, the talk, the branch's
decisions, the half-yearly reviews of an activist, the filing with the level above, the
political review, training hours, the pre-review, the branch general meeting's acceptance, the
approval, extensions and the conversion. The two introducers are full members of the roster.

The acceptance puts the person on the roster as a 预备党员 (registry.add_member, join date = the
meeting's day); the conversion is the registry's own 预备转正 status event (registry.change_status),
and a cancelled probation its 出党 event: the roster's history is never written around.
Intervals and minimums are data (resources/ledgers/pipeline_rules.json); the warnings they give
are in ledgers/pipeline_checks.py. A yearly 发展党员计划 per branch is kept in dev_plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError, ValidationError
from ..pinyin import sort_key
from .common import branch_row, check_day, check_year, member_row, owner_of, text

#: step -> what the ledger calls it. The order is the procedure's.
STEPS = {
    "申请": "递交入党申请书",
    "谈话": "党组织派人谈话",
    "积极分子": "确定为入党积极分子",
    "考察": "培养考察",
    "发展对象": "确定为发展对象",
    "备案": "报上级党委备案",
    "政审": "政治审查",
    "培训": "集中培训",
    "预审": "上级党委预审",
    "接收": "支部党员大会接收为预备党员",
    "审批": "上级党委审批",
    "延长预备期": "延长预备期",
    "转正": "转为正式党员",
    "取消预备党员资格": "取消预备党员资格",
    "终止": "终止培养（不再列为培养对象）",
}
REPEATABLE = ("考察", "培训", "延长预备期")
#: stage name and the step that starts it, in order.
STAGES = (("入党申请人", "申请"), ("入党积极分子", "积极分子"), ("发展对象", "发展对象"),
          ("预备党员", "接收"), ("正式党员", "转正"))
STAGE_NAMES = tuple(s for s, _ in STAGES) + ("已终止", "已取消")
CLOSING = {"终止": "已终止", "取消预备党员资格": "已取消"}
#: steps that change the roster and so are not removed from here.
ROSTER_STEPS = ("接收", "转正", "取消预备党员资格")
PERSON_FIELDS = ("name", "sex", "ethnicity", "birth_date", "id_number", "education", "job", "workplace", "note")


@dataclass
class Step:
    id: str
    step: str
    date: str
    decision: str = ""
    doc_no: str = ""
    hours: float | None = None
    months: int | None = None
    result: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "step": self.step, "label": STEPS.get(self.step, self.step), "date": self.date,
                "decision": self.decision, "doc_no": self.doc_no, "hours": self.hours, "months": self.months,
                "result": self.result, "note": self.note}


@dataclass
class Person:
    id: str
    org_id: str
    org_name: str
    office_id: str
    name: str
    sex: str | None
    birth_date: str | None
    education: str | None
    member_id: str | None
    closed: str | None
    closed_on: str | None
    introducers: list[tuple[str | None, str]] = field(default_factory=list)  # (member id, name)
    steps: list[Step] = field(default_factory=list)

    def first(self, step: str) -> str | None:
        for s in self.steps:
            if s.step == step:
                return s.date
        return None

    def all(self, step: str) -> list[Step]:
        return [s for s in self.steps if s.step == step]

    @property
    def stage(self) -> str:
        if self.closed:
            return self.closed
        current = STAGES[0][0]
        for name, step in STAGES:
            if self.first(step):
                current = name
        return current

    @property
    def training_hours(self) -> float:
        return round(sum(s.hours or 0 for s in self.all("培训")), 1)

    @property
    def extension_months(self) -> int:
        return sum(s.months or 0 for s in self.all("延长预备期"))

    def dates(self) -> dict[str, str | None]:
        return {step: self.first(step) for step in ("申请", "谈话", "积极分子", "发展对象", "备案", "政审", "预审",
                                                    "接收", "审批", "转正")}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "branch": self.org_name, "stage": self.stage,
                "dates": self.dates(), "introducers": [n for _, n in self.introducers],
                "training_hours": self.training_hours, "reviews": [s.date for s in self.all("考察")],
                "extension_months": self.extension_months, "member_id": self.member_id,
                "closed": self.closed, "closed_on": self.closed_on, "steps": [s.to_dict() for s in self.steps]}


# ---- reading ---------------------------------------------------------------------------------
def people(db: Database, *, office_id: str | None = None, org_id: str | None = None, stage: str | None = None,
           person_ids: list[str] | None = None) -> list[Person]:
    """Everyone in the pipeline (of an office or under an organisation), with their steps."""
    from .common import member_scope

    if stage is not None and stage not in STAGE_NAMES:
        raise UserError(f"阶段“{stage}”不存在（可选：{'、'.join(STAGE_NAMES)}）。")
    where, params = ["1"], []
    member_scope(db, where, params, office_id=office_id, org_id=org_id, column="p.org_id")
    if person_ids is not None:
        where.append(f"p.id IN ({','.join('?' * len(person_ids))})")
        params += person_ids
    rows = db.query(f"""SELECT p.*, o.name AS org_name, o.office_id, o.sort_order AS org_order FROM dev_person p
                        JOIN org o ON o.id = p.org_id WHERE {' AND '.join(where)}""", params)
    keys = {n: sort_key(n) for n in {r["name"] for r in rows} | {r["org_name"] for r in rows}}
    rows.sort(key=lambda r: (r["office_id"], r["org_order"], keys[r["org_name"]], keys[r["name"]]))
    steps: dict[str, list[Step]] = {}
    ids = [r["id"] for r in rows]
    for k in range(0, len(ids), 800):
        part = ids[k:k + 800]
        for s in db.query(f"SELECT * FROM dev_step WHERE person_id IN ({','.join('?' * len(part))}) "
                          f"ORDER BY date, rowid", part):
            steps.setdefault(s["person_id"], []).append(
                Step(s["id"], s["step"], s["date"], s["decision"], s["doc_no"], s["hours"], s["months"], s["result"],
                     s["note"]))
    out = []
    for r in rows:
        intro = [(r["introducer1_id"], r["introducer1_name"]), (r["introducer2_id"], r["introducer2_name"])]
        p = Person(r["id"], r["org_id"], r["org_name"], r["office_id"], r["name"], r["sex"], r["birth_date"],
                   r["education"], r["member_id"], r["closed"], r["closed_on"],
                   [(i, n) for i, n in intro if n], steps.get(r["id"], []))
        if stage is None or p.stage == stage:
            out.append(p)
    return out


def get_person(db: Database, person_id: str) -> Person:
    got = people(db, person_ids=[person_id])
    if not got:
        raise UserError("找不到这名发展对象的记录，可能已被删除。")
    return got[0]


def find_person(db: Database, key: str, *, office_id: str | None = None) -> Person:
    """A person by id (or its first or last six or more characters) or by name."""
    key = text(key)
    if not key:
        raise UserError("请指明人员（姓名或编号）。")
    like = key.lower().replace("%", "").replace("_", "")
    hits = db.query("SELECT p.id FROM dev_person p JOIN org o ON o.id = p.org_id "
                    "WHERE (p.id = ? OR p.name = ? OR (length(?) >= 6 AND (p.id LIKE ? OR p.id LIKE ?)))"
                    + (" AND o.office_id = ?" if office_id else ""),
                    [key, key, like, f"{like}%", f"%{like}"] + ([office_id] if office_id else []))
    if not hits:
        raise UserError(f"发展党员台账中没有“{key}”。")
    if len(hits) > 1:
        raise UserError(f"发展党员台账中有{len(hits)}人叫“{key}”，请用编号指明（见 pipeline list --json）。")
    return get_person(db, hits[0]["id"])


# ---- writing ---------------------------------------------------------------------------------
def _clean_person(values: dict[str, Any]) -> dict[str, Any]:
    from ..registry import codes, idcard
    from ..registry.validation import clean_name

    v = {k: values.get(k) for k in PERSON_FIELDS if k in values}
    err: dict[str, str] = {}
    if "name" in v:
        v["name"] = clean_name(v["name"])
        if len(v["name"]) < 2:
            err["name"] = "姓名应为2个以上汉字"
    for key, tid, label in (("sex", "sex", "性别"), ("ethnicity", "ethnicity", "民族"),
                            ("education", "education", "学历"), ("job", "job", "工作岗位")):
        raw = text(v.get(key)) if key in v else ""
        if key in v:
            if not raw:
                v[key] = None
            elif (ok := codes.table(tid).normalise(raw)) is None:
                err[key] = f"{label}“{raw}”不在代码表中"
            else:
                v[key] = ok
    if text(v.get("id_number")):
        idn = idcard.normalise(v["id_number"])
        probs = idcard.problems(idn)
        if probs:
            err["id_number"] = "；".join(probs)
        else:
            v["id_number"] = idn
            v["birth_date"] = v.get("birth_date") or idcard.birth_date(idn).isoformat()
            v["sex"] = v.get("sex") or idcard.sex(idn)
    elif "id_number" in v:
        v["id_number"] = None
    if text(v.get("birth_date")) and not dates.is_iso_date(text(v["birth_date"])):
        err["birth_date"] = "出生日期应为 1990-05-01 这样的日期"
    for key in ("workplace", "note"):
        if key in v:
            v[key] = text(v[key]) or ("" if key == "note" else None)
    if err:
        raise ValidationError(err)
    return v


def add_person(db: Database, org_id: str, values: dict[str, Any], *, applied_on: str, actor: str | None = None) -> str:
    """Enter an applicant (入党申请人) with the day the application was handed in."""
    org = branch_row(db, org_id)
    v = _clean_person(values)
    if not v.get("name"):
        raise ValidationError({"name": "姓名不能为空"})
    day = check_day(applied_on, "递交入党申请书日期")
    if v.get("id_number") and db.scalar("SELECT 1 FROM dev_person WHERE id_number = ? AND closed IS NULL",
                                        (v["id_number"],)):
        raise UserError(f"身份证号 {v['id_number']} 已在发展党员台账中。")
    owner = owner_of(db, org_id=org_id)
    with db.transaction(f"登记入党申请人 {v['name']}（{org['name']}）", actor=actor) as tx:
        pid = tx.insert("dev_person", {"org_id": org_id, "owner": owner, **{k: v.get(k) for k in PERSON_FIELDS},
                                       "note": v.get("note") or ""})
        tx.insert("dev_step", {"person_id": pid, "step": "申请", "date": day, "owner": owner})
    return pid


def update_person(db: Database, person_id: str, values: dict[str, Any], *, actor: str | None = None) -> None:
    row = db.get("dev_person", person_id)
    if row is None:
        raise UserError("找不到这名发展对象的记录，可能已被删除。")
    v = _clean_person(values)
    changes = {k: val for k, val in v.items() if row[k] != val}
    if not changes:
        return
    with db.transaction(f"修改发展党员台账 {row['name']}", actor=actor) as tx:
        tx.update("dev_person", person_id, changes)


def set_introducers(db: Database, person_id: str, first: str, second: str, *, actor: str | None = None) -> None:
    """The two introducers (入党介绍人): full members of the roster, not the same person."""
    p = get_person(db, person_id)
    if first == second:
        raise UserError("两名入党介绍人不能是同一人。")
    names = []
    for mid in (first, second):
        m = member_row(db, mid)
        if m["category"] != "正式党员" or m["status"] not in ("正常", "失联"):
            raise UserError(f"{m['name']}不是正式党员，不能作入党介绍人。")
        names.append(m["name"])
    with db.transaction(f"确定入党介绍人 {p.name}：{'、'.join(names)}", actor=actor) as tx:
        tx.update("dev_person", person_id, {"introducer1_id": first, "introducer1_name": names[0],
                                            "introducer2_id": second, "introducer2_name": names[1]})


def record_step(db: Database, person_id: str, step: str, date: str, *, decision: str = "", doc_no: str = "",
                hours: Any = None, months: Any = None, result: str = "", note: str = "",
                actor: str | None = None) -> str:
    """Record a dated step. 接收, 转正 and 取消预备党员资格 also change the roster (see accept,
    convert); 终止 closes the record."""
    p = get_person(db, person_id)
    if step not in STEPS:
        raise UserError(f"步骤“{step}”不存在（可选：{'、'.join(STEPS)}）。")
    if step == "接收":
        return accept(db, person_id, date, decision=decision, doc_no=doc_no, note=note, actor=actor)
    if step == "转正":
        return convert(db, person_id, date, decision=decision, doc_no=doc_no, note=note, actor=actor)
    if p.closed:
        raise UserError(f"{p.name}的发展记录已{p.closed.lstrip('已')}，不能再登记步骤。")
    if step == "申请":
        raise UserError("递交入党申请书的日期在登记申请人时已填写；如有错误请修改那条记录。")
    day = check_day(date, f"{step}日期")
    _not_before_application(p, step, day)
    if step not in REPEATABLE and p.first(step):
        raise UserError(f"{p.name}已登记过“{STEPS[step]}”（{dates.format_cn(p.first(step))}）；如有错误请先删除原记录。")
    row: dict[str, Any] = {"person_id": person_id, "step": step, "date": day, "decision": text(decision),
                           "doc_no": text(doc_no), "result": text(result), "note": text(note)}
    if step == "培训":
        try:
            h = float(str(hours).strip()) if hours not in (None, "") else None
        except ValueError:
            h = None
        if h is None or h <= 0 or h > 500:
            raise UserError("集中培训须填写学时（大于0，如 24）。")
        row["hours"] = round(h, 1)
    if step == "延长预备期":
        try:
            n = int(str(months).strip())
        except (TypeError, ValueError):
            raise UserError("延长预备期须填写延长的月数（6到12）。") from None
        if not p.first("接收"):
            raise UserError(f"{p.name}还不是预备党员，不能延长预备期。")
        row["months"] = n
    owner = owner_of(db, org_id=p.org_id)
    with db.transaction(f"发展党员 {p.name}：{STEPS[step]}", actor=actor) as tx:
        sid = tx.insert("dev_step", {**row, "owner": owner})
        if step in CLOSING:
            if step == "取消预备党员资格":
                if not p.member_id:
                    raise UserError(f"{p.name}不在花名册中，不能取消预备党员资格。")
                from ..registry import change_status

                change_status(db, p.member_id, event="出党", date=day, note=f"取消预备党员资格：{text(decision)}")
            tx.update("dev_person", person_id, {"closed": CLOSING[step], "closed_on": day})
    return sid


def _not_before_application(p: Person, step: str, day: str) -> None:
    """A step dated before the application is refused (2000-01-01 typed for 2026: the ledger's
    dates, and for 接收 the roster's join date, would then read wrong)."""
    applied = p.first("申请")
    if applied and day < applied:
        raise UserError(f"{STEPS[step]}的日期{dates.format_cn(day)}早于{p.name}递交入党申请书的日期"
                        f"{dates.format_cn(applied)}，请核对。")


def remove_step(db: Database, step_id: str, *, actor: str | None = None) -> None:
    row = db.get("dev_step", step_id)
    if row is None:
        raise UserError("这条记录已不存在。")
    p = get_person(db, row["person_id"])
    if row["step"] in ROSTER_STEPS:
        raise UserError(f"“{STEPS[row['step']]}”已记入花名册和党员变动记录，不能在这里删除；"
                        f"如有错误请在组织台账中更正。")
    if row["step"] == "申请":
        raise UserError("递交入党申请书是这条记录的起点，不能删除；如整条记录有误，请删除该人员。")
    with db.transaction(f"删除发展党员记录 {p.name}：{STEPS.get(row['step'], row['step'])}", actor=actor) as tx:
        tx.delete("dev_step", step_id)
        if row["step"] in CLOSING:
            tx.update("dev_person", p.id, {"closed": None, "closed_on": None})


def remove_person(db: Database, person_id: str, *, reason: str, actor: str | None = None) -> None:
    """Delete a record entered by mistake (not one already on the roster)."""
    p = get_person(db, person_id)
    if p.member_id:
        raise UserError(f"{p.name}已接收为预备党员并记入花名册，发展记录不能删除。")
    if not text(reason):
        raise UserError("删除记录须说明原因（如：录入错误）。")
    with db.transaction(f"删除发展党员记录 {p.name}：{text(reason)}", actor=actor) as tx:
        tx.delete("dev_person", person_id)


def accept(db: Database, person_id: str, date: str, *, decision: str = "支部党员大会讨论通过", doc_no: str = "",
           note: str = "", person_class: str | None = None, actor: str | None = None) -> str:
    """接收为预备党员: the branch general meeting's day becomes the join date, and the person is
    registered on the roster as a 预备党员 (registry.add_member, history 入党登记), in one unit of work."""
    from ..registry import add_member

    p = get_person(db, person_id)
    if p.closed:
        raise UserError(f"{p.name}的发展记录已{p.closed.lstrip('已')}。")
    if p.member_id or p.first("接收"):
        raise UserError(f"{p.name}已接收为预备党员。")
    day = check_day(date, "接收预备党员日期")
    _not_before_application(p, "接收", day)
    row = db.get("dev_person", person_id)
    values = {"name": row["name"], "sex": row["sex"], "ethnicity": row["ethnicity"], "birth_date": row["birth_date"],
              "id_number": row["id_number"], "education": row["education"], "job": row["job"],
              "workplace": row["workplace"], "person_class": person_class, "join_date": day, "category": "预备党员"}
    with db.transaction(f"接收预备党员 {p.name}（{p.org_name}）", actor=actor) as tx:
        try:
            mid = add_member(db, values, org_id=p.org_id, event="入党登记", event_date=day)
        except ValidationError as e:
            raise ValidationError(e.errors, message=f"{p.name}的个人信息不完整或有误，不能记入花名册：{e.message}") \
                from None
        sid = tx.insert("dev_step", {"person_id": person_id, "step": "接收", "date": day,
                                     "decision": text(decision), "doc_no": text(doc_no), "note": text(note),
                                     "owner": owner_of(db, org_id=p.org_id)})
        tx.update("dev_person", person_id, {"member_id": mid})
    return sid


def convert(db: Database, person_id: str, date: str, *, decision: str = "支部党员大会讨论通过", doc_no: str = "",
            note: str = "", actor: str | None = None) -> str:
    """转为正式党员 through the registry's own status history (预备转正: category 正式党员, full date,
    a member_event), with the step on the pipeline, in one unit of work."""
    from ..registry import change_status

    p = get_person(db, person_id)
    if p.closed:
        raise UserError(f"{p.name}的发展记录已{p.closed.lstrip('已')}。")
    if not p.member_id:
        raise UserError(f"{p.name}还没有接收为预备党员，不能转正。")
    if p.first("转正"):
        raise UserError(f"{p.name}已于{dates.format_cn(p.first('转正'))}转为正式党员。")
    day = check_day(date, "转正日期")
    with db.transaction(f"预备党员转正 {p.name}（{p.org_name}）", actor=actor) as tx:
        change_status(db, p.member_id, event="预备转正", date=day, note=text(decision) or "支部党员大会讨论通过")
        return tx.insert("dev_step", {"person_id": person_id, "step": "转正", "date": day, "decision": text(decision),
                                      "doc_no": text(doc_no), "note": text(note),
                                      "owner": owner_of(db, org_id=p.org_id)})


def adopt_member(db: Database, member_id: str, *, actor: str | None = None) -> str:
    """A probationary member already on the roster (entered before this ledger) gets a pipeline
    record: their join date as the acceptance. Returns the person id (the existing one if any)."""
    existing = db.scalar("SELECT id FROM dev_person WHERE member_id = ?", (member_id,))
    if existing:
        return existing
    m = member_row(db, member_id)
    if m["category"] != "预备党员":
        raise UserError(f"{m['name']}是正式党员，不需要建立发展记录。")
    join = dates.parse_iso(m["join_date"], allow_month=True).isoformat()
    with db.transaction(f"建立发展党员记录 {m['name']}（花名册中的预备党员）", actor=actor) as tx:
        pid = tx.insert("dev_person", {"org_id": m["org_id"], "name": m["name"], "sex": m["sex"],
                                       "ethnicity": m["ethnicity"], "birth_date": m["birth_date"],
                                       "id_number": m["id_number"], "education": m["education"], "job": m["job"],
                                       "workplace": m["workplace"], "member_id": member_id, "owner": m["owner"],
                                       "note": "由花名册中的预备党员建立"})
        tx.insert("dev_step", {"person_id": pid, "step": "接收", "date": join, "decision": "（入党时间取自花名册）",
                               "owner": m["owner"]})
    return pid


def convert_member(db: Database, member_id: str, date: str, *, decision: str = "支部党员大会讨论通过",
                   actor: str | None = None) -> str:
    """Convert a roster probationary member (adopting them into the ledger first when needed)."""
    with db.transaction(f"预备党员转正 {member_row(db, member_id)['name']}", actor=actor):
        pid = adopt_member(db, member_id, actor=actor)
        convert(db, pid, date, decision=decision, actor=actor)
    return pid


# ---- the yearly plan (发展党员计划) --------------------------------------------------------------
def set_plan(db: Database, org_id: str, year: int, planned: Any, *, note: str = "", actor: str | None = None) -> None:
    org = branch_row(db, org_id)
    y = check_year(year)
    try:
        n = int(str(planned).strip())
    except (TypeError, ValueError):
        raise UserError(f"计划发展人数“{planned}”应为整数。") from None
    if n < 0 or n > 1000:
        raise UserError("计划发展人数应在0到1000之间。")
    old = db.one("SELECT * FROM dev_plan WHERE org_id = ? AND year = ?", (org_id, y))
    with db.transaction(f"{y}年发展党员计划 {org['name']} {n}名", actor=actor) as tx:
        if old is None:
            tx.insert("dev_plan", {"org_id": org_id, "year": y, "planned": n, "note": text(note),
                                   "owner": owner_of(db, org_id=org_id)})
        elif (old["planned"], old["note"]) != (n, text(note)):
            tx.update("dev_plan", old["id"], {"planned": n, "note": text(note)})


@dataclass
class PlanLine:
    org_id: str
    org_name: str
    year: int
    planned: int | None
    accepted: int  # 接收为预备党员 in the year
    activists: int  # new activists in the year
    candidates: int  # new candidates in the year

    def to_dict(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "branch": self.org_name, "year": self.year, "planned": self.planned,
                "accepted": self.accepted, "activists": self.activists, "candidates": self.candidates}


def plan_lines(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None) -> list[PlanLine]:
    """Per branch: the year's plan against the people accepted, made activists and candidates."""
    from .common import branches

    y = check_year(year)
    plans = {r["org_id"]: r["planned"] for r in db.query("SELECT org_id, planned FROM dev_plan WHERE year = ?", (y,))}
    counts: dict[tuple[str, str], int] = {}
    for r in db.query("""SELECT p.org_id, s.step, count(*) FROM dev_step s JOIN dev_person p ON p.id = s.person_id
                         WHERE s.date BETWEEN ? AND ? AND s.step IN ('接收', '积极分子', '发展对象')
                         AND NOT (s.step = '接收' AND s.decision = '（入党时间取自花名册）')
                         GROUP BY p.org_id, s.step""", (f"{y}-01-01", f"{y}-12-31")):
        counts[(r[0], r[1])] = r[2]
    return [PlanLine(b["id"], b["name"], y, plans.get(b["id"]), counts.get((b["id"], "接收"), 0),
                     counts.get((b["id"], "积极分子"), 0), counts.get((b["id"], "发展对象"), 0))
            for b in branches(db, office_id=office_id, org_id=org_id)]
