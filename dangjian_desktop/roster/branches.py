"""Which branch a roster's members go to: the office's organisations as the import sees them,
names matched exactly or by their stem, and the branches and party groups an import plans to
create (created inside its unit of work only when it writes).

A branch comes from a 所在党支部 column, else the sheet's name, else a 填报单位 line above the
header, else the branch the user picked (the office's own 党委 named by a 填报单位 line does not
count). Names match exactly, or by their stem ('红星村' = '红星村党支部') when that is unique.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..db import Database
from ..errors import UserError
from ..registry.orgs import KINDS, add_org
from .columns import branch_stem, guess_kind, half_width, squeeze, strip_spaces
from .header import SheetLayout
from .options import ImportOptions
from ..registry.offices import own_orgs_sql

RESOLVED_LIMIT = 4096  # names whose resolution a Branches remembers


@dataclass(eq=False)
class Org:
    id: str | None               # None until this import creates it
    name: str
    org_type: str
    kind: str | None
    owner: str
    parent_id: str | None = None


@dataclass(eq=False)
class Group:
    """A party group (党小组) this import will create."""
    org: Org
    name: str
    id: str | None = None


class Branches:
    """The organisations of the database, by name and stem, and those an import plans to create.

    `created` is the report's list of planned organisations ((kind, name, 支部类别)); each plan is
    added to it. load() reads the database (and the branch the options pick).
    """

    def __init__(self, db: Database, options: ImportOptions | None = None, created: list | None = None):
        self.db = db
        self.opts = options or ImportOptions()
        self.created: list = created if created is not None else []
        self.orgs: dict[str, Org] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_stem: dict[str, list[str]] = {}
        self._groups: dict[tuple[str, str], str] = {}
        self._pending: dict[str, Org] = {}
        self._pending_groups: dict[tuple[int, str], Group] = {}
        self._planned: list[tuple[tuple, Org | Group]] = []  # each plan of `created` with what it plans
        self._resolved: dict[str, tuple[Org | None, str]] = {}  # name -> resolve(name), until a plan
        self.root: Org | None = None
        self.picked: Org | None = None

    def load(self) -> "Branches":
        self._resolved.clear()
        office = self.db.local_office_id
        for r in self.db.query(f"SELECT id, name, org_type, kind, owner, parent_id, office_id FROM org "
                               f"WHERE {own_orgs_sql(self.db, '')}"):
            o = Org(r["id"], r["name"], r["org_type"], r["kind"], r["owner"], r["parent_id"])
            if o.org_type == "党小组":
                self._groups[(o.parent_id, squeeze(o.name))] = o.id
                continue
            self.orgs[o.id] = o
            self._by_name.setdefault(squeeze(o.name), []).append(o.id)
            self._by_stem.setdefault(branch_stem(o.name), []).append(o.id)
            if o.parent_id is None and r["office_id"] == office:
                self.root = o
        self.picked = None
        if self.opts.branch_id:
            self.picked = self.orgs.get(self.opts.branch_id)
            if self.picked is None:
                raise UserError("所选的党支部不存在，或它是党小组")
        elif self.opts.branch:
            self.picked, problem = self.resolve(self.opts.branch)
            if self.picked is None and (problem or not self.opts.create_branches):
                raise UserError(problem or f"党支部“{self.opts.branch}”不存在。"
                                           f"{self.suggestion(self.opts.branch)}")
        return self

    # ---- names -----------------------------------------------------------------------------------
    def resolve(self, name: str) -> tuple[Org | None, str]:
        """(branch, '') or (None, problem); (None, '') for a name that matches nothing.

        Each name is resolved once until a branch is planned (a roster names a few branches
        thousands of times)."""
        hit = self._resolved.get(name)
        if hit is None:
            hit = self._resolve(name)
            if len(self._resolved) < RESOLVED_LIMIT:
                self._resolved[name] = hit
        return hit

    def _resolve(self, name: str) -> tuple[Org | None, str]:
        key = squeeze(half_width(name))
        if key in self._pending:
            return self._pending[key], ""
        planned = [o for k, o in self._pending.items() if branch_stem(k) == branch_stem(key)]
        if len(planned) == 1 and not self._by_name.get(key):
            return planned[0], ""
        ids = self._by_name.get(key) or []
        if len(ids) == 1:
            return self.orgs[ids[0]], ""
        if len(ids) > 1:
            return None, f"有{len(ids)}个党组织都叫“{name}”，无法区分"
        ids = self._by_stem.get(branch_stem(key)) or []
        if len(ids) == 1:
            return self.orgs[ids[0]], ""
        if len(ids) > 1:
            names = "、".join(self.orgs[i].name for i in ids)
            return None, f"“{name}”可能是{names}中的任何一个"
        return None, ""

    def suggestion(self, name: str) -> str:
        """What to do about a branch name that matches nothing (the nearest names, if any)."""
        names = [o.name for o in self.orgs.values() if o.id and o.parent_id is not None]
        hits = difflib.get_close_matches(squeeze(name), names, n=2, cutoff=0.5)
        if hits:
            return (f"是否为“{'”或“'.join(hits)}”？如是新党支部，请先在组织台账中建立，"
                    f"或导入时选择“自动新建党支部”")
        return "请先在组织台账中建立该党支部，或导入时选择“自动新建党支部”（--create-branches）"

    # ---- planning new ones ------------------------------------------------------------------------
    def plan(self, name: str, kind_text: str) -> tuple[Org | None, str, str]:
        """A branch to create: (branch, '', '') or (None, problem, suggestion)."""
        if self.root is None:
            return None, f"党支部“{name}”不存在，数据库中没有本乡镇的党委，无法自动新建", "请先在组织台账中建立党支部"
        kind = None
        if squeeze(kind_text):
            kind = squeeze(kind_text).removesuffix("党支部").removesuffix("类")
            kind = {"两新": "社会组织", "网格党支部": "网格"}.get(kind, kind)
            if kind not in KINDS:
                return None, f"支部类别“{kind_text}”不正确", f"支部类别应为：{'、'.join(KINDS)}"
        kind = kind or guess_kind(name)
        if kind is None:
            return (None, f"党支部“{name}”不存在；自动新建时无法从名称判断支部类别",
                    f"请增加“支部类别”列并填写（{'、'.join(KINDS)}），或先在组织台账中建立该党支部")
        clean = strip_spaces(half_width(name))
        o = Org(None, clean, "党支部", kind, self.root.owner, self.root.id)
        self._pending[squeeze(clean)] = o
        self._resolved.clear()  # a planned branch may now answer a name
        self.created.append(("党支部", clean, kind))
        self._planned.append((self.created[-1], o))
        return o, "", ""

    def for_sheet(self, sheet_name: str, layout: SheetLayout) -> tuple[Org | None, str, str]:
        """The branch for rows that name none, the problem if there is none, and where it came from:
        the sheet's name, a 填报单位 line, then the branch the user picked."""
        for candidate, source in ((sheet_name, "工作表名"), (layout.unit_text, "填报单位")):
            if candidate:
                org, _ = self.resolve(candidate)
                if org is not None and org is not self.root:
                    return org, "", source
        if self.picked is not None:
            return self.picked, "", "所选党支部"
        if self.opts.branch and self.opts.create_branches:
            org, problem, _ = self.plan(self.opts.branch, "")
            self.picked = org
            return org, problem, "所选党支部（新建）"
        if self.opts.create_branches and "branch" not in layout.fields():
            for candidate, source in ((sheet_name, "工作表名"), (layout.unit_text, "填报单位")):
                if candidate and guess_kind(candidate):
                    org, problem, _ = self.plan(candidate, "")
                    return org, problem, f"{source}（新建）"
        return None, "", ""

    def group(self, org: Org, name: str) -> str | Group | None:
        """The party group `name` of `org`: its id, the Group this import creates (planned now
        when create_branches), or None when there is none."""
        group = self._groups.get((org.id, name)) if org.id else None
        if group is None:
            group = self._pending_groups.get((id(org), name))
        if group is None and self.opts.create_branches:
            group = Group(org, name)
            self._pending_groups[(id(org), name)] = group
            self.created.append(("党小组", f"{org.name}/{name}", ""))
            self._planned.append((self.created[-1], group))
        return group

    def keep_made_only(self) -> None:
        """Leave in `created` only the organisations the import made: a branch planned for a row
        that turned out to be a registered member's (no new member went into it) is not made, and
        the report said 已新建 of a branch that is not there."""
        made = {id(entry) for entry, planned in self._planned if planned.id is not None}
        self.created[:] = [entry for entry in self.created if id(entry) in made]

    # ---- creating them (inside the import's unit of work) -------------------------------------------
    def ensure_org(self, org: Org) -> str:
        if org.id is None:
            # add_org joins the import's unit of work and is rolled back with it.
            org.id = add_org(self.db, parent_id=org.parent_id, name=org.name, org_type=org.org_type,
                             kind=org.kind, note="花名册导入时新建")
            self.orgs[org.id] = org
        return org.id

    def ensure_group(self, group: str | Group | None) -> str | None:
        if not isinstance(group, Group):
            return group
        if group.id is None:
            parent = self.ensure_org(group.org)
            group.id = add_org(self.db, parent_id=parent, name=group.name, org_type="党小组",
                               note="花名册导入时新建")
            self._groups[(parent, group.name)] = group.id
        return group.id


def find_branch(db: Database, name: str) -> str:
    """The id of the organisation a user named (exact name, or unique stem), else UserError."""
    branches = Branches(db).load()
    org, problem = branches.resolve(name)
    if org is None:
        raise UserError(problem or f"党组织“{name}”不存在。{branches.suggestion(name)}")
    return org.id


def branch_choices(db: Database) -> list[tuple[str, str]]:
    """(id, name) of the branches members can belong to (党支部, 党总支), in tree order."""
    return [(r[0], r[1]) for r in db.query(f"SELECT id, name FROM org WHERE org_type IN ('党支部', '党总支') "
                                           f"AND {own_orgs_sql(db, '')} ORDER BY sort_order, name")]


def branch_names(db: Database) -> list[str]:
    """Names of the branches members can belong to (党支部, 党总支), in tree order."""
    return [name for _id, name in branch_choices(db)]
