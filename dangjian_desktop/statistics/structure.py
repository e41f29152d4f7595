"""党员队伍结构: the membership of the office, a town, a branch or the whole county by sex,
ethnicity, age, education, time of joining, category, person class (人员类别) and job, with the
流动 / 困难 / 失联 counts, the 党组织 counts and the development pipeline (发展党员: applicants,
activists and candidates from the ledger, 预备党员 from the roster) — the figures of the yearly
党内统计 tables.

The date (统计时间, default 31 December of the current year) is the day ages are reckoned at
and the day the membership is taken on. On or after today the members counted are exactly those
the roster export of the same scope lists (the one selection, roster.selection.roster_selection);
before today they are the members of that day, rebuilt from the status history (statistics.as_of:
joined by then, not yet left, in the branch they were in, 预备党员 until the conversion date).

The age bands and the periods of joining are data (resources/statistics/structure.json),
with the events that start each period named there.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .. import dates
from ..db import Database
from ..db.history import entries_since, state_before
from ..errors import UserError
from ..paths import resource
from ..pinyin import sort_key
from ..registry.codes import MISSING
from ..registry.codes import values as code_values
from ..roster.selection import roster_selection
from .as_of import counts_roster, members_on
from .pipeline import PROBATIONARY, stages_on
from ..registry.offices import own_orgs_sql

#: The JSON keys of the dimensions (and the order the tables and charts follow).
SEX, ETHNICITY, AGE, EDUCATION, JOINED, CATEGORY, JOB = "性别", "民族", "年龄", "学历", "入党时间", "党员类别", "工作岗位"
PERSON_CLASS = "人员类别"
DIMENSIONS = (SEX, ETHNICITY, AGE, EDUCATION, JOINED, CATEGORY, PERSON_CLASS, JOB)
PIPELINE = "发展党员"  # the JSON key of the pipeline's counts
HAN, MINORITY = "汉族", "少数民族"
UNKNOWN = "未填写"
MOBILE, HARDSHIP, LOST = "流动党员", "困难党员", "失联党员"
ORG_TYPES = ("党委", "党总支", "党支部", "党小组")
UNCLASSIFIED = "未分类"
#: The text fields packed into a count's text key, in order. Counts kept with another packing
#: are not used (statistics.kept_counts names this in its stamp).
TEXT_FIELDS = ("sex", "category", "ethnicity", "education", "job", "person_class")


@dataclass(frozen=True)
class Bands:
    """The categories read from resources/statistics/structure.json."""

    age_labels: tuple[str, ...]
    age_mins: tuple[int, ...]
    join_labels: tuple[str, ...]
    join_starts: tuple[str, ...]  # ISO day each period after the first starts on
    org_kinds: tuple[str, ...]

    def age_band(self, age: int) -> str:
        """The band of an age in full years: 30 -> 30岁及以下, 31 -> 31至35岁, 61 -> 61岁及以上."""
        return self.age_labels[max(0, bisect.bisect_right(self.age_mins, age) - 1)]


@lru_cache(maxsize=None)
def bands() -> Bands:
    data = json.loads(resource("statistics", "structure.json").read_text(encoding="utf-8"))
    ages = data["age_bands"]
    mins = tuple(int(b["min"]) for b in ages)
    if list(mins) != sorted(set(mins)):
        raise ValueError("age bands out of order")
    periods = data["join_periods"]
    if periods[0]["from"] is not None or any(p["from"] is None for p in periods[1:]):
        raise ValueError("only the first join period may be open at its start")
    starts = tuple(dates.parse_iso(p["from"]).isoformat() for p in periods[1:])
    if list(starts) != sorted(set(starts)):
        raise ValueError("join periods out of order")
    return Bands(tuple(b["label"] for b in ages), mins, tuple(p["label"] for p in periods), starts,
                 tuple(data["org_kinds"]))


# Stored dates are ISO days, or months ('1998-07') when only the month is known: a month
# stands for its first day. Both expressions are SQL so 30,000 members are counted in SQLite.
_DAY = "(CASE WHEN length({col}) = 7 THEN {col} || '-01' ELSE {col} END)"
_WELL_FORMED = "{col} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]*'"
# Age in full years on the statistics date: the birthday itself counts (born 1990-03-01 is 36
# on 2026-03-01); someone born on 29 February comes of age on 1 March in other years.
_AGE = ("CASE WHEN " + _WELL_FORMED.format(col="m.birth_date") +
        " THEN CAST(substr(?1, 1, 4) AS INTEGER) - CAST(substr(m.birth_date, 1, 4) AS INTEGER)"
        " - (substr(?1, 6, 5) < substr(" + _DAY.format(col="m.birth_date") + ", 6, 5)) END")


_NO_AGE, _NO_PERIOD = 999, 7  # packed in place of an unreadable birth date, a missing join date


def _period_sql(starts: tuple[str, ...]) -> str:
    """The index of the join period (parameters ?2, ?3 … are the days the later periods start):
    a member who joined on the day a period starts is in it."""
    day = _DAY.format(col="m.join_date")
    whens = " ".join(f"WHEN {day} < ?{i + 2} THEN {i}" for i in range(len(starts)))
    return f"CASE WHEN m.join_date IS NULL OR m.join_date = '' THEN NULL {whens} ELSE {len(starts)} END"


def default_date(today: dt.date | None = None) -> dt.date:
    """统计时间 by default: 31 December of the statistics (current) year."""
    return dt.date((today or dates.today()).year, 12, 31)


@dataclass
class Dimension:
    """One breakdown: label -> count in a fixed order; the counts add up to the total."""

    key: str  # the JSON key (性别, 民族 …)
    title: str  # the table's title
    counts: dict[str, int]

    def rows(self, total: int) -> list[tuple[str, int, float | None]]:
        return [(label, n, share(n, total)) for label, n in self.counts.items()]


def share(n: int, total: int) -> float | None:
    """n as a fraction of total (None when there is nobody). Not rounded here: the table, the
    chart and Excel's 0.0% each round it once where it is shown (rounded twice, 1 of 26 showed
    as 3.9% instead of 3.8%)."""
    return n / total if total else None


@dataclass
class Structure:
    unit: str  # 填报单位
    org_id: str | None  # None: the whole database (the office, or every town of the county)
    as_of: dt.date  # 统计时间
    total: int
    dimensions: dict[str, Dimension]
    minorities: dict[str, int]  # each minority ethnicity (largest first)
    flags: dict[str, int]  # 流动党员, 困难党员, 失联党员
    orgs: dict[str, int]  # 党委, 党总支, 党支部, 党小组
    branch_kinds: dict[str, int]  # 党支部 by kind (村, 社区 … 未分类)
    pipeline: dict[str, int] = field(default_factory=dict)  # 入党申请人, 入党积极分子, 发展对象, 预备党员
    joined_after: int = 0  # members whose join date is after the statistics date
    born_unknown: int = 0  # members whose birth date could not be read (counted in no age band)
    notes: list[str] = field(default_factory=list)
    read: "StructureRead | None" = None  # the counts of a roster (as_of today or later), for `previous`

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"unit": self.unit, "date": self.as_of.isoformat(), "total": self.total}
        for key in DIMENSIONS:
            out[key] = dict(self.dimensions[key].counts)
        out["少数民族明细"] = dict(self.minorities)
        out.update(self.flags)
        out["党组织"] = dict(self.orgs)
        out["党支部类别"] = dict(self.branch_kinds)
        out[PIPELINE] = dict(self.pipeline)
        out["notes"] = list(self.notes)
        return out


def scope_unit(db: Database, org_id: str | None) -> str:
    """The name of the scope: the organisation, else the office's top organisation (as the roster export)."""
    if org_id:
        org = db.get("org", org_id)
        if org is None:
            raise UserError("要统计的党组织不存在，可能已被删除。")
        return org["name"]
    root = db.one("SELECT name FROM org WHERE parent_id IS NULL AND office_id = ?", (db.local_office_id,))
    office = db.one("SELECT name FROM office WHERE id = ?", (db.local_office_id,))
    return root["name"] if root else (office["name"] if office else "")


def find_scope(db: Database, name: str) -> str:
    """The organisation a clerk names as the scope, found as `roster export --branch` finds it (a
    town's name finds its 党委), so the same name counts the same members; a Chinese error with the
    nearest names otherwise."""
    import difflib

    from ..roster.importer import find_branch

    try:
        return find_branch(db, name)
    except UserError:  # the importer's own message is about importing: say it for statistics
        names = [r[0] for r in db.query(f"SELECT name FROM org WHERE org_type != '党小组' AND {own_orgs_sql(db, '')}")]
        near = difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.5)
        hint = f"是否为{'、'.join(f'“{n}”' for n in near)}？" if near else "请用组织台账中的名称（乡镇名称也可以）。"
        raise UserError(f"找不到党组织“{name.strip()}”。{hint}") from None


def _ordered(counts: Counter, known: tuple[str, ...], *, keep_zero: bool = True) -> dict[str, int]:
    """Known labels in their order (zeros kept), then other stored values, then 未填写."""
    out = {k: counts.get(k, 0) for k in known if keep_zero or counts.get(k)}
    for k in sorted((k for k in counts if k not in out and k != UNKNOWN), key=sort_key):
        out[k] = counts[k]
    if counts.get(UNKNOWN):
        out[UNKNOWN] = counts[UNKNOWN]
    return out


#: More member changes since the last count: a full count.
_MOST_CHANGES = 2000
#: The tables the pipeline's counts are read from (an organisation moved changes a scope's people).
_PIPELINE_TABLES = ("dev_person", "dev_step", "org")


@dataclass(frozen=True)
class StructureRead:
    """The members of a scope counted by their packed keys (see `_count`), together with the
    change log's last entry in the same state of the database and what they were counted for:
    what `structure(previous=…)` brings up to date. Never changed once made (the page keeps it
    while another thread may read it)."""

    log_seq: int
    tx_id: int  # the newest unit of work then, and its seal (None: an unsealed database): the
    seal: bytes | None  # history the counts belong to, which statistics.kept_counts checks
    org_id: str | None
    as_of: dt.date
    texts: dict[str, int]
    keys: dict[int, int]
    # 入党申请人, 入党积极分子, 发展对象 on the date (statistics.pipeline), counted when the
    # pipeline's tables had no change after log_seq; None: not counted with these counts.
    pipeline: tuple[tuple[str, int], ...] | None = None


def _count(db: Database, selection: str, params: list, as_of: dt.date,
           rows_as_were: list[dict] | None = None) -> tuple[Counter, Counter]:
    """The members a selection picks, counted by two packed keys: the texts (TEXT_FIELDS: 性别, 类别,
    民族, 学历, 岗位, 人员类别 joined by a unit separator) and a number holding the flags, the age
    and the period of joining. With `rows_as_were`, the selection is made from those member rows instead of the
    member table (the members' rows as they were when a count was made)."""
    b = bands()
    # Numbered parameters: ?1 the date, ?2… the period starts, then the selection's own.
    lead = [as_of.isoformat(), *b.join_starts]
    number = itertools.count(len(lead) + 1)
    sel = re.sub(r"\?", lambda _: f"?{next(number)}", selection)
    args = [*lead, *params]
    rows_cte = ""
    if rows_as_were is not None:
        # A CTE named member stands for the table in this statement: the selection is unchanged.
        columns = [r[1] for r in db.tuples("PRAGMA table_info(member)")]
        picked = ", ".join(f"json_extract(value, '$.\"{c}\"') AS \"{c}\"" for c in columns)
        args.append(json.dumps(rows_as_were, ensure_ascii=False))
        rows_cte = f"member AS (SELECT {picked} FROM json_each(?{len(args)})), "
    # The selection is read once into a temporary table of the two keys, and each is counted with
    # one GROUP BY: two sorts of the members instead of one per breakdown (a third less work for
    # SQLite); no Python object per member.
    flags = ("m.is_mobile + 2 * m.is_hardship + 4 * (m.status = '失联') "
             f"+ 8 * coalesce({_DAY.format(col='m.join_date')} > ?1, 0) "
             f"+ 16 * (8 * coalesce(max({_AGE}, 0), {_NO_AGE}) + coalesce({_period_sql(b.join_starts)}, {_NO_PERIOD}))")
    texts = " || char(31) || ".join(f"coalesce(m.{c}, '')" for c in TEXT_FIELDS)
    query = (f"WITH {rows_cte}s AS MATERIALIZED (SELECT {texts} AS t, {flags} AS k {sel}) "
             "SELECT 't', t, count(*) FROM s GROUP BY t UNION ALL SELECT 'k', k, count(*) FROM s GROUP BY k")
    found: dict[str, Counter] = {"t": Counter(), "k": Counter()}
    for kind, key, n in db.conn.execute(query, args):
        found[kind][key] += n
    return found["t"], found["k"]


def _history(db: Database) -> tuple[int, int, bytes | None]:
    """(the change log's last entry, the newest unit of work, its seal)."""
    log_seq = db.scalar("SELECT max(seq) FROM change_log") or 0
    tx = db.one("SELECT id, seal FROM tx_log ORDER BY id DESC LIMIT 1")
    return log_seq, (tx[0] if tx else 0), (bytes(tx[1]) if tx and tx[1] is not None else None)


def _read(db: Database, org_id: str | None, as_of: dt.date) -> StructureRead:
    with db.snapshot():
        history = _history(db)
        texts, keys = _count(db, *roster_selection(db, org_id=org_id), as_of)
    return StructureRead(*history, org_id, as_of, dict(texts), dict(keys))


def _refreshed(db: Database, previous: StructureRead | None, org_id: str | None, as_of: dt.date) -> StructureRead:
    """`previous` brought up to date: the members the change log names since it was counted are
    counted as they are now and as they were then (their rows then rebuilt from the log's old
    values), and the difference applied (after a member is saved at a prefecture: one member, not
    294,000). A full count without a previous one for the same scope and date, after a change to the
    organisations, or after more than a few thousand changes."""
    if previous is None or (previous.org_id, previous.as_of) != (org_id, as_of):
        return _read(db, org_id, as_of)
    with db.snapshot():
        history = _history(db)
        latest = history[0]
        if latest < previous.log_seq or history[1] < previous.tx_id:
            return _read(db, org_id, as_of)
        if latest == previous.log_seq:
            return previous
        entries = entries_since(db.conn, previous.log_seq, ("member", "org"), most=_MOST_CHANGES)
        if entries is None or any(tbl == "org" or (op == "delete" and not old) for tbl, _id, op, old in entries):
            return _read(db, org_id, as_of)  # (a delete logged without its row: how it was is not known)
        ids = sorted({row_id for _tbl, row_id, _op, _old in entries})
        rows: dict[str, dict | None] = {
            r["id"]: dict(r) for r in db.query(
                "SELECT * FROM member WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
        for _tbl, row_id, op, old in reversed(entries):  # back to each row as it was counted
            rows[row_id] = state_before(rows.get(row_id), op, json.loads(old) if old else None)
        was = [r for r in rows.values() if r is not None]
        texts, keys = Counter(previous.texts), Counter(previous.keys)
        if ids:
            now_t, now_k = _count(db, *roster_selection(db, org_id=org_id, member_ids=ids), as_of)
            texts.update(now_t)
            keys.update(now_k)
        if was:
            was_t, was_k = _count(db, *roster_selection(db, org_id=org_id), as_of, rows_as_were=was)
            texts.subtract(was_t)
            keys.subtract(was_k)
        # The pipeline's counts go on while nothing was written to its tables since.
        unchanged = entries_since(db.conn, previous.log_seq, _PIPELINE_TABLES, most=0) == []
    if any(n < 0 for n in (*texts.values(), *keys.values())):
        return _read(db, org_id, as_of)  # the rows were not as the log tells: count them
    return StructureRead(*history, org_id, as_of, {k: n for k, n in texts.items() if n},
                         {k: n for k, n in keys.items() if n}, previous.pipeline if unchanged else None)


def structure(db: Database, org_id: str | None = None, as_of: dt.date | None = None, *,
              today: dt.date | None = None, previous: StructureRead | None = None) -> Structure:
    """The membership's structure for an organisation's subtree (a town's 党委, a 党总支, a
    branch) or, with no org_id, for everyone the database holds (the office; at the county,
    every town): on or after today exactly the members the roster export of that scope lists,
    before today the members of that day (statistics.as_of).

    `previous`: the `read` of an earlier structure of the roster; only the members changed since
    are counted again (the result's `read` is the new one)."""
    as_of = as_of or default_date()
    today = today or dates.today()
    b = bands()
    unit = scope_unit(db, org_id)
    current = counts_roster(as_of, today)
    read = None
    if current:
        read = _refreshed(db, previous, org_id, as_of)
        if read.pipeline is None:  # counted after the members: a write between them counts it again next time
            read = dataclasses.replace(read, pipeline=tuple(stages_on(db, org_id, as_of).items()))
        text_counts, key_counts, in_pipeline = read.texts, read.keys, dict(read.pipeline)
    else:
        text_counts, key_counts = _count(db, *members_on(db, as_of, org_id), as_of)
        in_pipeline = stages_on(db, org_id, as_of)
    found: dict[str, Counter] = {name: Counter() for name in
                                 ("sex", "eth", "age", "edu", "period", "cat", "job", "pclass", "mobile", "hardship",
                                  "lost", "after")}
    for key, n in text_counts.items():
        for name, value in zip(("sex", "cat", "eth", "edu", "job", "pclass"), key.split("\x1f")):  # TEXT_FIELDS
            found[name][value] += n
    for key, n in key_counts.items():
        for bit, name in enumerate(("mobile", "hardship", "lost", "after")):
            found[name][key >> bit & 1] += n
        years, period = divmod(key >> 4, 8)
        found["age"][None if years == _NO_AGE else years] += n
        found["period"][None if period == _NO_PERIOD else period] += n
    sex, eth, ages, edu, periods, cat, job, pclass, mobile, hardship, lost, after = found.values()
    total = sum(sex.values())
    age: Counter = Counter()
    for years, n in ages.items():
        age[UNKNOWN if years is None else b.age_band(years)] += n
    joined = Counter({UNKNOWN if i is None else b.join_labels[i]: n for i, n in periods.items()})
    for c in (sex, eth, edu, cat, job, pclass):
        if None in c or "" in c or MISSING in c:  # 未填: 民族 of a member from a roster without it
            c[UNKNOWN] += c.pop(None, 0) + c.pop("", 0) + c.pop(MISSING, 0)
    unknown_birth = ages.get(None, 0)
    mobile, hardship, lost, after = mobile.get(1, 0), hardship.get(1, 0), lost.get(1, 0), after.get(1, 0)

    minorities = {k: v for k, v in sorted(eth.items(), key=lambda kv: (-kv[1], sort_key(kv[0])))
                  if k not in (HAN, UNKNOWN)}
    eth_split = {HAN: eth.get(HAN, 0), MINORITY: sum(minorities.values())}
    if eth.get(UNKNOWN):
        eth_split[UNKNOWN] = eth[UNKNOWN]
    dims = {
        SEX: Dimension(SEX, "党员性别构成", _ordered(sex, code_values("sex"))),
        ETHNICITY: Dimension(ETHNICITY, "党员民族构成", eth_split),
        AGE: Dimension(AGE, "党员年龄构成", _ordered(age, b.age_labels)),
        EDUCATION: Dimension(EDUCATION, "党员学历构成", _ordered(edu, code_values("education"))),
        JOINED: Dimension(JOINED, "党员入党时间构成", _ordered(joined, b.join_labels)),
        CATEGORY: Dimension(CATEGORY, "党员类别构成", _ordered(cat, code_values("category"))),
        PERSON_CLASS: Dimension(PERSON_CLASS, "党员人员类别构成", _ordered(pclass, code_values("person_class"))),
        JOB: Dimension(JOB, "党员工作岗位构成", _ordered(job, code_values("job"))),
    }
    orgs, kinds = org_counts(db, org_id)
    notes = []
    if not current:
        notes.append(f"统计时间{dates.format_cn(as_of)}早于今天：按党籍变动记录计入当日的党员（当日已转出、去世、"
                     "出党或停止党籍的不计入），流动党员、困难党员按现在的登记。")
    if after:
        notes.append(f"有{after}名党员的入党日期晚于统计时间{dates.format_cn(as_of)}，仍按花名册计入。")
    if unknown_birth:
        notes.append(f"有{unknown_birth}名党员的出生日期无法识别，未计入年龄分段。")
    return Structure(unit=unit, org_id=org_id, as_of=as_of, total=total, dimensions=dims, minorities=minorities,
                     flags={MOBILE: mobile, HARDSHIP: hardship, LOST: lost}, orgs=orgs, branch_kinds=kinds,
                     pipeline={**in_pipeline, PROBATIONARY: cat.get(PROBATIONARY, 0)},
                     joined_after=after, born_unknown=unknown_birth, notes=notes, read=read)


def org_counts(db: Database, org_id: str | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """党组织 counts in the scope (the organisation itself included): by type, and 党支部 by kind."""
    if org_id:
        sql = """WITH RECURSIVE t(id) AS (SELECT ? UNION ALL SELECT o.id FROM org o JOIN t ON o.parent_id = t.id)
                 SELECT o.org_type, o.kind, count(*) FROM org o JOIN t ON t.id = o.id GROUP BY 1, 2"""
        rows = db.query(sql, (org_id,))
    else:
        rows = db.query(f"SELECT org_type, kind, count(*) FROM org WHERE {own_orgs_sql(db, '')} GROUP BY 1, 2")
    by_type: Counter = Counter()
    kinds: Counter = Counter()
    for org_type, kind, n in rows:
        by_type[org_type] += n
        if org_type == "党支部":
            kinds[kind or UNCLASSIFIED] += n
    known = bands().org_kinds
    return ({t: by_type.get(t, 0) for t in ORG_TYPES},
            {**{k: kinds.get(k, 0) for k in known},
             **{k: v for k, v in sorted(kinds.items(), key=lambda kv: sort_key(kv[0]))
                if k not in known and k != UNCLASSIFIED},
             **({UNCLASSIFIED: kinds[UNCLASSIFIED]} if kinds.get(UNCLASSIFIED) else {})})
