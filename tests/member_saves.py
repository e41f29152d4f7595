"""Random saves of members, for the tests of figures brought up to date after saves (the tree's
counts, the membership's structure): each step picks a member still here and does one kind of
save to them, as a clerk would through the registry."""

from __future__ import annotations

import datetime as dt
import random

from dangjian_desktop.registry import add_member, change_status, remove_member, transfer_member, update_member
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.registry.undoable import update_member_undoable

EDITS = [("education", ("大学本科", "大学专科", "普通高中", None)), ("ethnicity", ("汉族", "回族", "壮族")),
         ("job", ("农牧渔民", "公务员", None)), ("is_hardship", (0, 1)),
         ("join_date", ("1990-07-01", "2010-03", "2019-07-01"))]


class MemberSaves:
    def __init__(self, db, seed: int, branches):
        self.db, self.rng, self.branches = db, random.Random(seed), branches
        self.members = [m for b in branches for m in b.members]
        self.gone: set[str] = set()
        self.serial = 0

    def one(self, step: int, kinds: tuple[str, ...]) -> str | None:
        """One save of a kind drawn from `kinds`, dated in order by `step`; the kind, or None when
        the member drawn cannot take it (only a 预备党员 becomes a full member, only a member in
        contact loses it)."""
        db, rng = self.db, self.rng
        day = (dt.date(2025, 2, 1) + dt.timedelta(days=step)).isoformat()
        mid = rng.choice([m for m in self.members if m not in self.gone])
        branch = next(b for b in self.branches if mid in b.members)
        kind = rng.choice(kinds)
        if kind == "group":
            update_member(db, mid, {"group_id": rng.choice([*branch.groups, None])})
        elif kind == "edit":
            field, values = rng.choice(EDITS)
            update_member(db, mid, {field: rng.choice(values)})
        elif kind == "born":  # the ID number, birth date and sex together: the age band moves
            self.serial += 1
            born = dt.date(rng.choice((1950, 1962, 1968, 1972)), 3, 1) + dt.timedelta(days=self.serial)  # 18 by 1990
            male = rng.random() < 0.5
            update_member(db, mid, {"id_number": make("140826", born, 90 + self.serial % 9, male),
                                    "birth_date": born.isoformat(), "sex": "男" if male else "女"})
        elif kind == "add":
            self.serial += 1
            born = dt.date(1980, 1, 1) + dt.timedelta(days=100 * self.serial)
            new = add_member(db, {"name": f"新{'甲乙丙丁戊己庚辛壬癸'[self.serial % 10]}", "ethnicity": "汉族",
                                  "id_number": make("140826", born, 80, True), "join_date": "2020-07-01",
                                  "full_date": "2021-07-01", "category": "正式党员"},
                             org_id=branch.id, event_date="2020-07-01")
            branch.members.append(new)
            self.members.append(new)
        elif kind == "move":
            to = rng.choice([b for b in self.branches if b is not branch])
            transfer_member(db, mid, to_org_id=to.id, date=day)
            branch.members.remove(mid)
            to.members.append(mid)
        elif kind == "leave":
            change_status(db, mid, event="转出", date=day)
            self.gone.add(mid)
        elif kind == "delete":
            remove_member(db, mid, reason="录入重复")
            self.gone.add(mid)
        elif kind == "full":
            if db.get("member", mid)["category"] != "预备党员":
                return None
            change_status(db, mid, event="预备转正", date=day)
        elif kind == "lost":
            if db.get("member", mid)["status"] != "正常":
                return None
            change_status(db, mid, event="失联", date=day)
        elif kind == "undo":  # a correction undone: the log holds both
            _result, change = update_member_undoable(db, mid, {"education": "硕士研究生", "job": "公务员"})
            if change is not None:
                change.undo(db)
        else:
            raise ValueError(kind)
        return kind
