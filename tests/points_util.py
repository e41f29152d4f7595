"""Helpers for the points and meetings tests: a branch with members, a committee and groups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dangjian_desktop.points import catalogue
from dangjian_desktop.registry import add_member, add_org, start_term
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.registry.orgs import add_committee_member

YEAR = 2025
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方"
_seq = [0]


@dataclass
class Branch:
    id: str
    office_id: str
    members: list[str]
    groups: list[str] = field(default_factory=list)

    def ids(self, *idx: int) -> list[str]:
        return [self.members[i] for i in idx]


def root_id(db) -> str:
    return db.scalar("SELECT id FROM org WHERE parent_id IS NULL")


def office_id(db) -> str:
    return db.local_office_id


def add_branch(db, name: str = "东村党支部", n: int = 5, *, groups: int = 0, kind: str = "村",
               secretary: bool = True, mobile: tuple[int, ...] = (), probationary: tuple[int, ...] = ()) -> Branch:
    """A branch with n members (named 赵一, 钱二 …), `groups` party groups splitting them, and a
    committee whose secretary is member 0."""
    bid = add_org(db, parent_id=root_id(db), name=name, org_type="党支部", kind=kind)
    group_ids = [add_org(db, parent_id=bid, name=f"第{'一二三四五'[g]}党小组", org_type="党小组") for g in range(groups)]
    members = []
    for k in range(n):
        _seq[0] += 1
        s = _seq[0]
        # Born 1950-1974 (18 or older when joining in 2000); a distinct birth date keeps ID numbers unique.
        born = dt.date(1950, 1, 1) + dt.timedelta(days=s % 9000)
        values = {"name": NAMES[s % len(NAMES)] + "一二三四五六七八九十"[k % 10] + ("" if k < 10 else "甲乙丙丁戊己庚辛壬癸"[(k // 10) % 10]),
                  "ethnicity": "汉族", "id_number": make("140826", born, (s // 9000) % 100, s % 2 == 0),
                  "join_date": "2000-07-01", "full_date": "2001-07-01", "category": "正式党员",
                  "is_mobile": 1 if k in mobile else 0, "mobile_whereabouts": "广东省广州市" if k in mobile else None}
        if k in probationary:
            values.update(category="预备党员", join_date="2024-12-01", full_date=None)
        if group_ids:
            values["group_id"] = group_ids[k % len(group_ids)]
        members.append(add_member(db, values, org_id=bid, event_date=values["join_date"]))
    if secretary and members:
        start_term(db, bid, start_date="2024-03-01", years=3)
        add_committee_member(db, bid, role="书记", start_date="2024-03-01", member_id=members[0])
        if len(members) > 2:
            add_committee_member(db, bid, role="组织委员", start_date="2024-03-01", member_id=members[1])
    return Branch(bid, db.local_office_id, members, group_ids)


def item(db, code: str, year: int = YEAR):
    catalogue.ensure_catalogue(db, db.local_office_id, year)
    return next(i for i in catalogue.items(db, db.local_office_id, year) if i.code == code)


def simple_catalogue(db, year: int = YEAR, *, base: float = 60, items: list[dict] | None = None) -> dict:
    """Replace the year's catalogue with a small known one; returns code -> Item."""
    office = db.local_office_id
    catalogue.ensure_catalogue(db, office, year)
    catalogue.replace_catalogue(db, office, year, items or [
        {"code": "P1", "title": "参加会议", "kind": "加分", "points": 2, "unit": "次", "yearly_cap": 10,
         "meeting_types": ["支部党员大会", "党课", "党小组会", "支委会"], "on_status": "出席"},
        {"code": "M1", "title": "无故缺席会议", "kind": "扣分", "points": 2, "unit": "次", "yearly_cap": 6,
         "meeting_types": ["支部党员大会", "党课", "党小组会", "支委会"], "on_status": "缺席",
         "exempt_classes": ["流动党员", "年老体弱"]},
        {"code": "P2", "title": "志愿服务", "kind": "加分", "points": 5, "unit": "次", "yearly_cap": 20},
        {"code": "P3", "title": "党费", "kind": "加分", "points": 1, "unit": "月"},
        {"code": "M2", "title": "处分", "kind": "扣分", "points": 30, "unit": "年"},
        {"code": "P4", "title": "无上限加分", "kind": "加分", "points": 0.5, "unit": "次"},
    ], base_score=base)
    return {i.code: i for i in catalogue.items(db, office, year)}
