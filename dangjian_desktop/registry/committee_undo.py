"""What an undo or redo asks before writing old committee, term, group leader and member values back.

A committee post (committee_member) is sitting while its end_date is empty, a term
(committee_term) is current while its ended_on is empty. The registry keeps these rules, and an
undo must not break them by writing back values the data have since moved away from:

- a post written back as sitting needs its term current, its member (if on the roster) still
  active (release_committee_posts ended it when they left), no other sitting secretary in the term
  and the member not sitting twice in it;
- a term written back as current needs no other current term of its organisation;
- a term written back as ended needs no sitting post in it (a post given since would stay open);
- a member written back as no longer active needs no sitting post (one given since);
- a 党小组长 written back needs the member active and in that group, and a member written back as
  no longer active or in another group must not lead a group (release_group_leadership).

Each rule is judged on the state the undo leaves: the rows it writes back with their old values,
the others as they are now (an undone 换届 reopens the former term together with its posts).
"""

from __future__ import annotations

from typing import Any, Sequence

from ..db import Database
from ..errors import UserError
from ..undo import RowChange
from .orgs import SINGLE_ROLES
from .status import is_active


class _After:
    """The rows as the undo will leave them: those it writes back with their old values, the rest as now."""

    def __init__(self, db: Database, rows: Sequence[RowChange]):
        self.db = db
        self.pending = {(c.table, c.row_id): c.before for c in rows}

    def get(self, table: str, row_id: str | None) -> dict[str, Any] | None:
        if row_id is None:
            return None
        if (table, row_id) in self.pending:
            return self.pending[(table, row_id)]
        row = self.db.get(table, row_id)
        return None if row is None else {k: row[k] for k in row.keys()}

    def where(self, table: str, column: str, value: Any) -> list[dict[str, Any]]:
        """Rows of `table` whose `column` is `value` once the undo is written."""
        ids = {r[0] for r in self.db.query(f'SELECT id FROM "{table}" WHERE "{column}" = ?', (value,))}
        ids |= {row_id for (t, row_id), v in self.pending.items() if t == table and v is not None}
        out = []
        for row_id in sorted(ids):
            row = self.get(table, row_id)
            if row is not None and row.get(column) == value:
                out.append(dict(row, id=row_id))
        return out


def _opens(c: RowChange, column: str) -> bool:
    """The write-back leaves the row with `column` empty where it is set now (or absent)."""
    return c.before is not None and c.before.get(column) is None \
        and (c.after is None or c.after.get(column) is not None)


def _closes(c: RowChange, column: str) -> bool:
    """The write-back sets `column` where it is empty now."""
    return c.before is not None and c.before.get(column) is not None and c.after is not None \
        and c.after.get(column) is None


def _org_name(state: _After, org_id: str | None) -> str:
    org = state.get("org", org_id)
    return org["name"] if org else "该组织"


def _check_post(state: _After, post: dict[str, Any], post_id: str) -> None:
    name, role = post.get("name", ""), post.get("role", "")
    term = state.get("committee_term", post.get("term_id"))
    if term is None:
        raise UserError(f"{name}任{role}的那一届支委班子此后已被删除。")
    if term.get("ended_on"):
        raise UserError(f"{_org_name(state, term['org_id'])}此后已换届，{name}不能再回到上一届的{role}职务。")
    if post.get("member_id"):
        member = state.get("member", post["member_id"])
        if member is None:
            raise UserError(f"{name}的党员记录此后已被删除。")
        if not is_active(member.get("status")):
            raise UserError(f"{name}的党籍状态此后为“{member.get('status')}”，不能再任{role}。")
    for other in state.where("committee_member", "term_id", post["term_id"]):
        if other["id"] == post_id or other.get("end_date"):
            continue
        if role in SINGLE_ROLES and other.get("role") == role:
            raise UserError(f"本届此后已由{other.get('name')}任{role}，请先办理其离任。")
        if post.get("member_id") and other.get("member_id") == post["member_id"]:
            raise UserError(f"{name}此后已任本届{other.get('role')}。")


def check_committee_rows(db: Database, rows: Sequence[RowChange]) -> None:
    """Refuse (UserError) an undo or redo that would leave the committees against the rules above."""
    if not any(c.table in ("committee_member", "committee_term", "member", "org") for c in rows):
        return
    state = _After(db, rows)
    for c in rows:
        if c.table == "committee_member" and _opens(c, "end_date"):
            _check_post(state, c.before, c.row_id)
        elif c.table == "committee_term" and _opens(c, "ended_on"):
            org_id = c.before["org_id"]
            for other in state.where("committee_term", "org_id", org_id):
                if other["id"] != c.row_id and not other.get("ended_on"):
                    raise UserError(f"{_org_name(state, org_id)}此后已另行换届（{other.get('start_date')}），"
                                    "不能再回到这一届支委班子。")
        elif c.table == "committee_term" and _closes(c, "ended_on"):
            for post in state.where("committee_member", "term_id", c.row_id):
                if not post.get("end_date"):
                    raise UserError(f"{_org_name(state, c.before['org_id'])}这一届支委班子此后又有"
                                    f"{post.get('name')}任{post.get('role')}，请先办理其离任。")
        elif c.table == "member" and c.after is not None and c.before is not None:
            _check_member_leaves(state, c)
        elif c.table == "org" and c.before is not None and c.before.get("leader_member_id") \
                and c.before.get("leader_member_id") != (c.after or {}).get("leader_member_id"):
            _check_leader(state, c.before)


def _check_member_leaves(state: _After, c: RowChange) -> None:
    """A member written back as gone (or out of a group) holds no post or leadership given since."""
    name = c.before.get("name")
    if is_active(c.after.get("status")) and not is_active(c.before.get("status")):
        for post in state.where("committee_member", "member_id", c.row_id):
            if not post.get("end_date"):
                raise UserError(f"{name}此后又任{post.get('role')}，请先办理其离任。")
    if not is_active(c.before.get("status")) or c.before.get("group_id") != c.after.get("group_id"):
        for group in state.where("org", "leader_member_id", c.row_id):
            if group["id"] != c.before.get("group_id") or not is_active(c.before.get("status")):
                raise UserError(f"{name}此后任{group.get('name')}组长，请先另选组长。")


def _check_leader(state: _After, group: dict[str, Any]) -> None:
    member = state.get("member", group["leader_member_id"])
    if member is None:
        raise UserError(f"{group.get('name')}原来的组长此后已被删除。")
    if not is_active(member.get("status")):
        raise UserError(f"{member.get('name')}的党籍状态此后为“{member.get('status')}”，不能再任{group.get('name')}组长。")
    if member.get("group_id") != group.get("id"):
        raise UserError(f"{member.get('name')}此后已不在{group.get('name')}，不能再任组长。")
