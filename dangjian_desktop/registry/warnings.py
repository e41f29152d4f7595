"""Warnings the registry computes: terms, vacant secretaries, committee size, small branches,
overdue probation, lost contact, members registered with fields missing (信息不全)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Mapping

from .. import dates
from ..db import Database
from ..db.history import entries_since
from .completeness import incomplete_sql, missing_fields
from .orgs import MAX_COMMITTEE, term_due
from .status import active_sql
from .tree import MemberCounts, member_counts
from .offices import held_office

DUE_SOON_DAYS = 90
MIN_FULL_MEMBERS = 3


@dataclass(frozen=True)
class Warning:
    code: str
    level: str  # '严重' or '提醒'
    message: str
    org_id: str | None
    org_name: str
    member_id: str | None = None
    office_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


LABELS = {
    "term_expired": "任期届满未换届",
    "term_due": "即将换届",
    "no_term": "未录入任期",
    "secretary_vacant": "书记空缺",
    "committee_too_large": "支委超过7人",
    "too_few_members": "正式党员不足3人",
    "probation_overdue": "预备期满未转正",
    "lost_contact": "失联党员",
    "group_leader_vacant": "党小组长空缺",
    "incomplete": "信息不全",
}


# What the warnings about terms, secretaries, committees and party group leaders read: while none
# of these tables changed (a member saved), `warnings_refreshed` keeps those warnings.
_STRUCTURE_TABLES = ("org", "office", "committee_term", "committee_member", "meta")


@dataclass(frozen=True)
class WarningsRead:
    """The warnings that read only the organisations and their committees, as last computed, with
    the day, the office asked for and the change log's last entry then."""

    log_seq: int
    today: dt.date
    office_id: str | None
    organisations: tuple[Warning, ...]  # terms, secretaries, committee sizes
    groups: tuple[Warning, ...]  # party groups without a leader


def compute_warnings(db: Database, today: dt.date | None = None, *, office_id: str | None = None,
                     counts: Mapping[str, MemberCounts] | None = None) -> list[Warning]:
    """Every warning (of one office). `counts`: the active members of each branch when the caller
    has them already (registry.tree: OrgTree.counts), else they are counted here."""
    return warnings_refreshed(db, None, today=today, office_id=office_id, counts=counts)[0]


def warnings_refreshed(db: Database, previous: WarningsRead | None, *, today: dt.date | None = None,
                       office_id: str | None = None, counts: Mapping[str, MemberCounts] | None = None
                       ) -> tuple[list[Warning], WarningsRead]:
    """compute_warnings, and what the next call goes on from: the warnings about terms,
    secretaries, committees and group leaders of `previous` are kept when the change log names no
    organisation, office or committee since (and the day and the office are the same)."""
    today = today or dates.today()
    asked = office_id
    log_seq = db.scalar("SELECT max(seq) FROM change_log") or 0  # first: a later change is read again
    # Members are only ever this database's own; organisations at a town may include another
    # town's, passed on for a cross-assessment (offices.held_office): those have no warnings here.
    member_filter = "AND o.office_id = ?" if office_id else ""
    p_member = [office_id] if office_id else []
    office_id = office_id or held_office(db)
    office_filter = "AND o.office_id = ?" if office_id else ""
    p_office = [office_id] if office_id else []
    keep = (previous is not None and previous.today == today and previous.office_id == asked
            and previous.log_seq <= log_seq
            and entries_since(db.conn, previous.log_seq, _STRUCTURE_TABLES, most=0) is not None)  # none since
    if keep:
        organisations, groups = previous.organisations, previous.groups
    else:
        organisations = tuple(_organisation_warnings(db, today, office_filter, p_office))
        groups = tuple(_group_leader_warnings(db, office_filter, p_office))
    out = [*organisations, *_branch_size_warnings(db, counts, office_filter, p_office), *groups,
           *_member_warnings(db, today, member_filter, p_member)]
    return out, WarningsRead(log_seq, today, asked, organisations, groups)


def _organisation_warnings(db: Database, today: dt.date, office_filter: str, p_office: list) -> list[Warning]:
    out: list[Warning] = []
    # The organisations' rows as plain tuples (6,750 at a prefecture); the sitting committees (size,
    # secretaries) of every term in one pass, not two look-ups per organisation.
    sitting = {term: (size, secretaries) for term, size, secretaries in db.tuples("""
            SELECT term_id, count(*), count(CASE WHEN role = '书记' THEN 1 END) FROM committee_member
            WHERE end_date IS NULL GROUP BY term_id""")}
    for oid, name, office, term, start_date, years, extension in db.tuples(f"""
            SELECT o.id, o.name, o.office_id, t.id, t.start_date, t.years, t.extension_months
            FROM org o LEFT JOIN committee_term t ON t.org_id = o.id AND t.ended_on IS NULL
            WHERE o.org_type IN ('党委', '党总支', '党支部') {office_filter}
            ORDER BY o.office_id, o.sort_order""", p_office):
        if term is None:
            out.append(Warning("no_term", "提醒", f"{name}未录入支委班子换届信息", oid, name, office_id=office))
            out.append(Warning("secretary_vacant", "严重", f"{name}书记空缺", oid, name, office_id=office))
            continue
        due = term_due(start_date, years, extension)  # memoised: many organisations were elected the same day
        size, secretaries = sitting.get(term, (0, 0))
        left = (due - today).days
        if left < 0:
            out.append(Warning("term_expired", "严重",
                               f"{name}任期已于{dates.format_cn(due)}届满，已超期{-left}天未换届", oid, name,
                               office_id=office))
        elif left <= DUE_SOON_DAYS:
            out.append(Warning("term_due", "提醒",
                               f"{name}任期将于{dates.format_cn(due)}届满（还有{left}天），请准备换届", oid, name,
                               office_id=office))
        if not secretaries:
            out.append(Warning("secretary_vacant", "严重", f"{name}书记空缺", oid, name, office_id=office))
        if size > MAX_COMMITTEE:
            out.append(Warning("committee_too_large", "严重",
                               f"{name}支委会有{size}人，超过{MAX_COMMITTEE}人的上限", oid, name, office_id=office))
    return out


def _branch_size_warnings(db: Database, counts: Mapping[str, MemberCounts] | None, office_filter: str,
                          p_office: list) -> list[Warning]:
    out: list[Warning] = []
    # A branch's members (its party groups' included) from one pass over the member table, not a
    # count per branch through the (org_id, name_pinyin) index.
    counts = counts if counts is not None else member_counts(db)
    for oid, name, office in db.tuples(f"SELECT o.id, o.name, o.office_id FROM org o WHERE o.org_type = '党支部' "
                                        f"{office_filter}", p_office):
        full = counts[oid].full if oid in counts else 0
        if full < MIN_FULL_MEMBERS:
            out.append(Warning("too_few_members", "严重", f"{name}只有{full}名正式党员，不足{MIN_FULL_MEMBERS}人",
                               oid, name, office_id=office))
    return out


def _group_leader_warnings(db: Database, office_filter: str, p_office: list) -> list[Warning]:
    out: list[Warning] = []
    for oid, name, office, branch in db.tuples(f"""
            SELECT o.id, o.name, o.office_id, p.name AS branch FROM org o JOIN org p ON p.id = o.parent_id
            WHERE o.org_type = '党小组' AND o.leader_member_id IS NULL {office_filter}
            ORDER BY o.office_id, p.sort_order, o.sort_order""", p_office):
        out.append(Warning("group_leader_vacant", "提醒", f"{branch}{name}未设组长",
                           oid, f"{branch}{name}", office_id=office))
    return out


def _member_warnings(db: Database, today: dt.date, member_filter: str, p_member: list) -> list[Warning]:
    out: list[Warning] = []
    year_ago = dates.add_years(today, -1).isoformat()
    # Probation is a year, plus the extensions (延长预备期) the 发展党员 ledger records for the member.
    for m in db.query(f"""SELECT m.id, m.name, m.join_date, o.id AS org_id, o.name AS org_name, o.office_id,
              (SELECT ifnull(sum(s.months), 0) FROM dev_person p JOIN dev_step s ON s.person_id = p.id
               WHERE p.member_id = m.id AND s.step = '延长预备期') AS extended
            FROM member m JOIN org o ON o.id = m.org_id
            WHERE m.category = '预备党员' AND {active_sql('m')} AND m.join_date < ? {member_filter}
            ORDER BY m.join_date""", [year_ago] + p_member):
        joined = f"{m['org_name']}预备党员{m['name']}于{dates.format_cn(m['join_date'])}入党，"
        if m["extended"]:
            end = dates.add_months(dates.add_years(dates.parse_iso(m["join_date"], allow_month=True), 1),
                                   int(m["extended"]))
            if end >= today:
                continue
            text = f"{joined}预备期延长{m['extended']}个月，已于{dates.format_cn(end)}期满，尚未办理转正"
        else:
            text = f"{joined}预备期已满一年，尚未办理转正"
        out.append(Warning("probation_overdue", "严重", text, m["org_id"], m["org_name"], m["id"], m["office_id"]))
    for m in db.query(f"""SELECT m.id, m.name, o.id AS org_id, o.name AS org_name, o.office_id,
              (SELECT max(event_date) FROM member_event e WHERE e.member_id = m.id AND e.event_type = '失联') AS since
            FROM member m JOIN org o ON o.id = m.org_id WHERE m.status = '失联' {member_filter}
            ORDER BY +m.name_pinyin""", p_member):  # + : scan, then sort the few (not the pinyin index)
        since = f"自{dates.format_cn(m['since'])}起" if m["since"] else ""
        out.append(Warning("lost_contact", "提醒", f"{m['org_name']}党员{m['name']}{since}失去联系",
                           m["org_id"], m["org_name"], m["id"], m["office_id"]))
    for m in db.query(f"""SELECT m.id, m.name, m.ethnicity, m.education, m.person_class, m.job,
              o.id AS org_id, o.name AS org_name, o.office_id
            FROM member m JOIN org o ON o.id = m.org_id
            WHERE {active_sql('m')} AND {incomplete_sql('m')} {member_filter}
            ORDER BY o.sort_order, m.name_pinyin""", p_member):
        out.append(Warning("incomplete", "提醒",
                           f"{m['org_name']}党员{m['name']}信息不全：缺{'、'.join(missing_fields(m))}，请补全",
                           m["org_id"], m["org_name"], m["id"], m["office_id"]))
    return out
