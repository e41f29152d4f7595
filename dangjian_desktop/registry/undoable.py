"""Registry changes the clerk can undo: each `*_undoable` runs the core operation unchanged and
returns (its result, the UndoableChange that takes it back, or None when nothing changed).

`check_registry_rows` is what an undo or redo asks before writing old member and organisation
values back: the same rules the edit path applies (the branch and party group still exist and
fit, the ID number is not now someone else's, the organisation's name and place in the tree),
and for committees and terms those of committee_undo (one current term, a sitting post only in
it and only for an active member, one secretary).
"""

from __future__ import annotations

from typing import Any, Sequence

from ..db import Database
from ..errors import UserError
from ..undo import RowChange, UndoableChange, record
from .committee_undo import check_committee_rows
from .members import (MEMBER_FIELDS, _branch_for_member, _check_group, add_member, change_status, prepare_member,
                      remove_member, transfer_member, update_member)
from .orgs import (_check_org, add_committee_member, add_org, check_members_stay, delete_org, end_committee_member,
                   extend_term, set_group_leader, start_term, update_org)

ORG_FIELDS = ("parent_id", "name", "org_type", "kind", "office_id", "founded_on", "phone", "address", "note")
Result = tuple[Any, UndoableChange | None]


def check_registry_rows(db: Database, rows: Sequence[RowChange]) -> None:
    """Refuse (UserError) when a member's or organisation's old values no longer fit the registry."""
    for c in rows:
        old = c.before
        if old is None:
            continue  # a row to delete: revisions and references are checked by the undo itself
        if c.table == "member" and c.changed_columns() - {"status", "category", "full_date"}:
            name = old.get("name", "")
            if db.get("org", old["org_id"]) is None:
                raise UserError(f"{name}原来所在的党组织此后已被删除。")
            if old.get("group_id") and db.get("org", old["group_id"]) is None:
                raise UserError(f"{name}原来所在的党小组此后已被删除。")
            _branch_for_member(db, old["org_id"])
            prepare_member(db, {k: old[k] for k in MEMBER_FIELDS if k in old}, member_id=c.row_id)
            _check_group(db, old.get("group_id"), old["org_id"])
        elif c.table == "org" and c.changed_columns() & set(ORG_FIELDS):
            if old.get("parent_id") and db.get("org", old["parent_id"]) is None:
                raise UserError(f"“{old.get('name', '')}”原来的上级组织此后已被删除。")
            values = _check_org(db, {k: old.get(k) for k in ORG_FIELDS}, c.row_id)
            now = db.get("org", c.row_id)
            if now is not None:
                check_members_stay(db, now, values)
    check_committee_rows(db, rows)


def _record(db: Database, label: str, action) -> Result:
    return record(db, label, action, check=check_registry_rows)


def _existing(db: Database, table: str, row_id: str, missing: str):
    row = db.get(table, row_id)
    if row is None:
        raise UserError(missing)
    return row


def _member(db: Database, member_id: str):
    m = db.get("member", member_id)
    if m is None:
        raise UserError("党员记录不存在")
    return m


# ---- members ------------------------------------------------------------------------------

def add_member_undoable(db: Database, values: dict[str, Any], *, org_id: str, event: str = "入党登记",
                        event_date: str | None = None) -> Result:
    name = str(values.get("name") or "").strip()
    return _record(db, f"新增党员 {name}",
                   lambda: add_member(db, values, org_id=org_id, event=event, event_date=event_date))


def update_member_undoable(db: Database, member_id: str, values: dict[str, Any], *,
                           expected_rev: int | None = None) -> Result:
    old = _member(db, member_id)["name"]
    new = str(values.get("name") or old).strip()
    label = f"修改党员 {old}" if new == old else f"修改党员 {old}→{new}"
    return _record(db, label, lambda: update_member(db, member_id, values, expected_rev=expected_rev))


def transfer_member_undoable(db: Database, member_id: str, *, to_org_id: str, date: str, note: str = "") -> Result:
    name = _member(db, member_id)["name"]
    return _record(db, f"转接党员 {name}",
                   lambda: transfer_member(db, member_id, to_org_id=to_org_id, date=date, note=note))


def change_status_undoable(db: Database, member_id: str, *, event: str, date: str, note: str = "") -> Result:
    name = _member(db, member_id)["name"]
    return _record(db, f"党籍变动 {name}（{event}）",
                   lambda: change_status(db, member_id, event=event, date=date, note=note))


def remove_member_undoable(db: Database, member_id: str, *, reason: str) -> Result:
    name = _member(db, member_id)["name"]
    return _record(db, f"删除党员 {name}", lambda: remove_member(db, member_id, reason=reason))


# ---- organisations ------------------------------------------------------------------------

def add_org_undoable(db: Database, **kwargs) -> Result:
    """add_org's keyword arguments."""
    return _record(db, f"新增{kwargs.get('org_type') or '组织'} {str(kwargs.get('name') or '').strip()}",
                   lambda: add_org(db, **kwargs))


def update_org_undoable(db: Database, org_id: str, values: dict, *, expected_rev: int | None = None) -> Result:
    org = db.get("org", org_id)
    if org is None:
        raise UserError("组织不存在")
    new = str(values.get("name") or org["name"]).strip()
    label = f"修改组织 {org['name']}" if new == org["name"] else f"修改组织 {org['name']}→{new}"
    return _record(db, label, lambda: update_org(db, org_id, values, expected_rev=expected_rev))


def delete_org_undoable(db: Database, org_id: str) -> Result:
    org = db.get("org", org_id)
    if org is None:
        raise UserError("组织不存在")
    return _record(db, f"删除组织 {org['name']}", lambda: delete_org(db, org_id))


# ---- committees and terms -----------------------------------------------------------------

def start_term_undoable(db: Database, org_id: str, *, start_date: str, years: int, note: str = "") -> Result:
    """换届: undone, the former term and its committee are current again and the new term is gone."""
    org = _existing(db, "org", org_id, "组织不存在")
    return _record(db, f"换届 {org['name']}",
                   lambda: start_term(db, org_id, start_date=start_date, years=years, note=note))


def extend_term_undoable(db: Database, term_id: str, *, months: int, approval: str) -> Result:
    term = _existing(db, "committee_term", term_id, "任期记录不存在")
    org = _existing(db, "org", term["org_id"], "组织不存在")
    return _record(db, f"延期换届 {org['name']}",
                   lambda: extend_term(db, term_id, months=months, approval=approval))


def add_committee_member_undoable(db: Database, org_id: str, *, role: str, start_date: str,
                                  member_id: str | None = None, name: str | None = None) -> Result:
    """任命支委 (a secretary, a member added to the committee)."""
    who = db.scalar("SELECT name FROM member WHERE id = ?", (member_id,)) if member_id else None
    label = f"任命支委 {who or str(name or '').strip()}（{role}）"
    return _record(db, label, lambda: add_committee_member(db, org_id, role=role, start_date=start_date,
                                                           member_id=member_id, name=name))


def end_committee_member_undoable(db: Database, cm_id: str, *, end_date: str) -> Result:
    """支委离任: undone, the post is sitting again (if the rules still allow it)."""
    cm = _existing(db, "committee_member", cm_id, "支委成员记录不存在")
    return _record(db, f"支委离任 {cm['name']}（{cm['role']}）",
                   lambda: end_committee_member(db, cm_id, end_date=end_date))


def set_group_leader_undoable(db: Database, group_id: str, member_id: str | None) -> Result:
    """设定党小组长 (None: the post is vacant)."""
    group = _existing(db, "org", group_id, "组织不存在")
    who = db.scalar("SELECT name FROM member WHERE id = ?", (member_id,)) if member_id else None
    return _record(db, f"设定党小组长 {group['name']}（{who or '空缺'}）",
                   lambda: set_group_leader(db, group_id, member_id))
