"""后备干部 and the committee's make-up (seed 004).

- reserve_cadre: each village's reserve cadres (第四篇: 确保每个行政村有1-2名后备干部), with since and
  until; a village with none is warned, one with more than two noted.
- committee_structure: the current committee's ages and education against the 红旗党组织 targets
  of 第一篇 (班子大致形成35岁至45岁为主体的梯次结构，高中以上文化程度的占到一半以上).
Targets and the education levels that count as 高中以上 are data (resources/ledgers/targets.json).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError
from .common import age_on, branch_row, branches, check_day, load_data, member_row, owner_of, text


def targets() -> dict:
    return load_data("targets")


def add_cadre(db: Database, org_id: str, *, since: str, member_id: str | None = None, name: str = "",
              sex: str | None = None, birth_date: str | None = None, education: str | None = None, note: str = "",
              actor: str | None = None) -> str:
    """Enter a reserve cadre of a village (a member of the roster, or a person named here)."""
    org = branch_row(db, org_id)
    day = check_day(since, "列为后备干部的日期")
    values: dict[str, Any] = {"org_id": org_id, "since": day, "note": text(note), "owner": owner_of(db, org_id=org_id)}
    if member_id:
        m = member_row(db, member_id)
        values.update(member_id=member_id, name=m["name"], sex=m["sex"], birth_date=m["birth_date"],
                      education=m["education"])
    else:
        if not text(name):
            raise UserError("请填写后备干部的姓名，或从党员中选择。")
        if birth_date and not dates.is_iso_date(text(birth_date)):
            raise UserError("出生日期应为 1990-05-01 这样的日期。")
        values.update(name=text(name), sex=sex or None, birth_date=text(birth_date) or None,
                      education=text(education) or None)
    if db.scalar("SELECT 1 FROM reserve_cadre WHERE org_id = ? AND name = ? AND until IS NULL",
                 (org_id, values["name"])):
        raise UserError(f"{values['name']}已是{org['name']}的后备干部。")
    with db.transaction(f"登记后备干部 {values['name']}（{org['name']}）", actor=actor) as tx:
        return tx.insert("reserve_cadre", values)


def end_cadre(db: Database, cadre_id: str, *, until: str, reason: str = "", actor: str | None = None) -> None:
    """No longer a reserve cadre (appointed, moved away …) from a day, with the reason."""
    row = db.get("reserve_cadre", cadre_id)
    if row is None:
        raise UserError("这条后备干部记录已不存在。")
    day = check_day(until, "日期")
    if day < row["since"]:
        raise UserError("结束日期不能早于列为后备干部的日期。")
    note = "；".join(x for x in (row["note"], text(reason)) if x)
    with db.transaction(f"后备干部 {row['name']} 不再列入（{text(reason) or day}）", actor=actor) as tx:
        tx.update("reserve_cadre", cadre_id, {"until": day, "note": note})


def cadres(db: Database, *, office_id: str | None = None, org_id: str | None = None, current: bool = True,
           as_of: dt.date | None = None) -> list:
    day = (as_of or dates.today()).isoformat()
    where, params = ["1"], []
    if current:
        where.append("c.since <= ? AND (c.until IS NULL OR c.until > ?)")
        params += [day, day]
    if org_id:
        where.append("c.org_id = ?")
        params.append(org_id)
    elif office_id:
        where.append("o.office_id = ?")
        params.append(office_id)
    return db.query(f"""SELECT c.*, o.name AS org_name FROM reserve_cadre c JOIN org o ON o.id = c.org_id
                        WHERE {' AND '.join(where)} ORDER BY o.sort_order, c.since""", params)


@dataclass(frozen=True)
class CadreWarning:
    org_id: str
    org_name: str
    level: str
    message: str
    count: int

    def to_dict(self) -> dict:
        return asdict(self)


def cadre_warnings(db: Database, *, office_id: str | None = None, as_of: dt.date | None = None) -> list[CadreWarning]:
    """Villages without a reserve cadre (严重) or with more than the target (提醒)."""
    t = targets()["reserve_cadres"]
    counts: dict[str, int] = {}
    for c in cadres(db, office_id=office_id, as_of=as_of):
        counts[c["org_id"]] = counts.get(c["org_id"], 0) + 1
    out = []
    for b in branches(db, office_id=office_id):
        if b["kind"] not in t["kinds"]:
            continue
        n = counts.get(b["id"], 0)
        if n < t["min"]:
            out.append(CadreWarning(b["id"], b["name"], "严重", f"{b['name']}没有后备干部（每个行政村应有"
                                                               f"{t['min']}-{t['max']}名）", n))
        elif n > t["max"]:
            out.append(CadreWarning(b["id"], b["name"], "提醒", f"{b['name']}有{n}名后备干部"
                                                               f"（每个行政村一般{t['min']}-{t['max']}名）", n))
    return out


@dataclass
class CommitteeStructure:
    org_id: str
    org_name: str
    as_of: str
    size: int
    ages: list[int | None] = field(default_factory=list)
    educations: list[str | None] = field(default_factory=list)
    core_age: tuple[int, int] = (35, 45)
    core_age_target: float = 0.5
    education_target: float = 0.5
    educated: int = 0  # 高中以上
    in_core_age: int = 0

    @property
    def core_share(self) -> float | None:
        known = [a for a in self.ages if a is not None]
        return round(self.in_core_age / len(known), 4) if known else None

    @property
    def education_share(self) -> float | None:
        known = [e for e in self.educations if e]
        return round(self.educated / len(known), 4) if known else None

    @property
    def meets_age(self) -> bool | None:
        return None if self.core_share is None else self.core_share >= self.core_age_target

    @property
    def meets_education(self) -> bool | None:
        return None if self.education_share is None else self.education_share >= self.education_target

    def line(self) -> str:
        if not self.size:
            return "支委班子：未录入现任支委"
        lo, hi = self.core_age
        known = [a for a in self.ages if a is not None]
        avg = f"，平均年龄{sum(known) / len(known):.1f}岁" if known else ""
        age = (f"{lo}-{hi}岁{self.in_core_age}人（{self.core_share:.0%}，"
               f"{'达到' if self.meets_age else '未达到'}以{lo}-{hi}岁为主体的要求）" if self.core_share is not None else
               "年龄不详")
        edu = (f"高中以上文化{self.educated}人（{self.education_share:.0%}，"
               f"{'达到' if self.meets_education else '未达到'}一半以上的要求）" if self.education_share is not None
               else "学历不详")
        return f"支委班子：{self.size}人{avg}；{age}；{edu}"

    def to_dict(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "branch": self.org_name, "as_of": self.as_of, "size": self.size,
                "ages": self.ages, "educations": self.educations, "in_core_age": self.in_core_age,
                "core_share": self.core_share, "educated": self.educated, "education_share": self.education_share,
                "meets_age": self.meets_age, "meets_education": self.meets_education, "line": self.line()}


def committee_structure(db: Database, org_id: str, *, as_of: dt.date | None = None) -> CommitteeStructure:
    """The current committee's ages and education against seed 004's targets."""
    return committee_structures(db, [branch_row(db, org_id)], as_of=as_of)[0]


def committee_structures(db: Database, orgs: list, *, as_of: dt.date | None = None) -> list[CommitteeStructure]:
    """committee_structure of each of `orgs` (branch rows: id, name), their committees read with one
    query (a prefecture's 6,250 branches one by one took over a second)."""
    if not orgs:
        return []
    day = as_of or dates.today()
    t = targets()["committee"]
    lo, hi = t["core_age"]
    where, params = ["ct.ended_on IS NULL", "cm.end_date IS NULL"], []
    if len(orgs) <= 500:  # more: every current committee is read, fewer rows than a list of ids
        where.append(f"ct.org_id IN ({','.join('?' * len(orgs))})")
        params += [o["id"] for o in orgs]
    members: dict[str, list] = {}
    for r in db.query(f"""SELECT ct.org_id, m.birth_date, m.education FROM committee_member cm
                          JOIN committee_term ct ON ct.id = cm.term_id LEFT JOIN member m ON m.id = cm.member_id
                          WHERE {' AND '.join(where)} ORDER BY ct.org_id, ct.start_date, ct.rowid, cm.rowid""",
                      params):
        members.setdefault(r["org_id"], []).append(r)
    out = []
    for org in orgs:
        rows = members.get(org["id"], [])
        s = CommitteeStructure(org["id"], org["name"], day.isoformat(), len(rows), core_age=(lo, hi),
                               core_age_target=t["core_age_share"], education_target=t["education_share"])
        for r in rows:
            age = age_on(r["birth_date"], day)
            s.ages.append(age)
            s.educations.append(r["education"])
            s.in_core_age += age is not None and lo <= age <= hi
            s.educated += bool(r["education"]) and r["education"] in t["education_at_least"]
        out.append(s)
    return out
