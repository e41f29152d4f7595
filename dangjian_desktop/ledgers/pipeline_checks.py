"""Warnings on the development pipeline from the rules in resources/ledgers/pipeline_rules.json:
a step too early (less than the minimum after the step it follows), too late (more than the
maximum), overdue (the maximum has passed and the next step is still missing), or taken without
the record it needs (an acceptance without two introducers, a political review, 24 training
hours, the filing or the pre-review; a step whose earlier step is not on record).

Edges: "at least N" is met on the day N later (add_years / add_months of the earlier date);
"within N" is met up to and including the day N later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from .. import dates
from ..db import Database
from .common import age_on, load_data
from .pipeline import STEPS, Person, people

SEVERE, NOTICE = "严重", "提醒"


@dataclass(frozen=True)
class PipelineWarning:
    person_id: str
    name: str
    org_id: str
    org_name: str
    code: str  # too_early | too_late | overdue | missing | age | review_gap | incomplete | out_of_order
    level: str
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


def rules() -> dict:
    return load_data("pipeline_rules")


def _after(d: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    return dates.add_months(dates.add_years(d, years), months)


def _fmt(d: str | dt.date | None) -> str:
    return dates.format_cn(d)


def _d(text: str | None) -> dt.date | None:
    return dates.parse_iso(text) if text else None


#: Steps and the earlier steps they need on record.
NEEDS = {"谈话": ("申请",), "积极分子": ("申请", "谈话"), "发展对象": ("积极分子",), "备案": ("发展对象",),
         "审批": ("接收",), "转正": ("接收",)}
ORDER = ("申请", "积极分子", "发展对象", "接收", "转正")


def check_person(p: Person, as_of: dt.date, r: dict | None = None) -> list[PipelineWarning]:
    """The warnings of one person as of a day."""
    r = r or rules()
    out: list[PipelineWarning] = []

    def warn(code: str, level: str, message: str) -> None:
        out.append(PipelineWarning(p.id, p.name, p.org_id, p.org_name, code, level, f"{p.org_name}{p.name}：{message}"))

    closed = bool(p.closed)
    reached = {s: p.first(s) for s in ORDER}
    adopted = any(s.step == "接收" and s.decision == "（入党时间取自花名册）" for s in p.steps)

    # the applicant's age
    applied = _d(p.first("申请"))
    age = age_on(p.birth_date, applied) if applied else None
    if age is not None and age < r["min_age_years"]:
        warn("age", SEVERE, f"递交入党申请书时（{_fmt(applied)}）未满{r['min_age_years']}周岁")

    # steps without the earlier record they need, and steps out of order
    for step, needs in NEEDS.items():
        if p.first(step):
            for need in needs:
                if not p.first(need) and not (need == "接收" and p.member_id):
                    warn("missing", SEVERE if step in ("发展对象", "转正") else NOTICE,
                         f"已{STEPS[step]}（{_fmt(p.first(step))}），但没有“{STEPS[need]}”的记录")
    prev = None
    for step in ORDER:
        d = reached[step]
        if d and prev and d < prev[1]:
            warn("out_of_order", SEVERE, f"“{STEPS[step]}”（{_fmt(d)}）早于“{STEPS[prev[0]]}”（{_fmt(prev[1])}）")
        if d:
            prev = (step, d)

    # the intervals
    for rule in r["intervals"]:
        if adopted and rule["from"] == "接收":
            continue  # entered from the roster: the earlier procedure is not in this ledger
        a, b = _d(p.first(rule["from"])), _d(p.first(rule["to"]))
        if a is None:
            continue
        lo = _after(a, years=rule.get("min_years", 0), months=rule.get("min_months", 0)) \
            if ("min_years" in rule or "min_months" in rule) else None
        hi = _after(a, years=rule.get("max_years", 0), months=rule.get("max_months", 0)) \
            if ("max_years" in rule or "max_months" in rule) else None
        hard = _after(a, months=rule["hard_max_months"]) if "hard_max_months" in rule else None
        what = f"（{rule['text']}）"
        if b is not None:
            if lo is not None and b < lo:
                warn("too_early", SEVERE, f"“{STEPS[rule['to']]}”（{_fmt(b)}）过早：距“{STEPS[rule['from']]}”"
                                          f"（{_fmt(a)}）应不早于{_fmt(lo)}{what}")
            if hi is not None and b > hi:
                level = SEVERE if hard is not None and b > hard else NOTICE
                warn("too_late", level, f"“{STEPS[rule['to']]}”（{_fmt(b)}）超过期限：距“{STEPS[rule['from']]}”"
                                        f"（{_fmt(a)}）应不晚于{_fmt(hi)}{what}")
        elif hi is not None and not closed and as_of > hi and not _moved_on(p, rule["to"]):
            level = SEVERE if hard is not None and as_of > hard else NOTICE
            tail = "，须重新履行接收手续" if hard is not None and as_of > hard else ""
            warn("overdue", level, f"“{STEPS[rule['from']]}”（{_fmt(a)}）后应于{_fmt(hi)}前"
                                   f"{STEPS[rule['to']]}，至今未办{tail}{what}")

    # an activist is reviewed every half year until they become a candidate
    start = _d(p.first("积极分子"))
    if start is not None:
        end = _d(p.first("发展对象")) or (None if closed else as_of)
        if end is not None:
            points = [start] + sorted(_d(s.date) for s in p.all("考察") if start <= _d(s.date) <= end) + [end]
            every = r["activist_review_months"]
            for x, y in zip(points, points[1:]):
                if y > _after(x, months=every):
                    warn("review_gap", NOTICE, f"{_fmt(x)}至{_fmt(y)}之间超过{every}个月没有培养考察记录")
                    break

    # what an acceptance needs
    accepted = p.first("接收")
    if accepted and not adopted:
        lacks = _lacks(p, r)
        if lacks:
            warn("incomplete", SEVERE, f"接收为预备党员（{_fmt(accepted)}）时缺少：{'；'.join(lacks)}")
    elif p.first("发展对象") and not accepted and not closed:
        lacks = _lacks(p, r)
        if lacks:
            warn("incomplete", NOTICE, f"发展对象尚缺：{'；'.join(lacks)}")

    # probation: one year (plus extensions) from the acceptance, then a prompt decision
    if accepted:
        ext = p.extension_months
        for s in p.all("延长预备期"):
            if not r["extension_min_months"] <= (s.months or 0) <= r["extension_max_months"]:
                warn("too_late" if (s.months or 0) > r["extension_max_months"] else "too_early", SEVERE,
                     f"延长预备期{s.months}个月，应为{r['extension_min_months']}至{r['extension_max_months']}个月")
        end = _after(_d(accepted), years=r["probation_years"], months=ext)
        full = _d(p.first("转正"))
        if full is not None and full < end:
            warn("too_early", SEVERE, f"转正（{_fmt(full)}）过早：预备期至{_fmt(end)}期满"
                                      f"（预备期为{r['probation_years']}年，自支部大会通过之日起计算）")
        elif full is None and not closed and as_of > _after(end, months=r["decide_within_months"]):
            warn("overdue", SEVERE, f"预备期已于{_fmt(end)}期满，至今未讨论转正（应及时讨论）")
    return out


def _moved_on(p: Person, step: str) -> bool:
    """Whether the person has passed the point where `step` was due (a later stage reached)."""
    later = {"谈话": ("积极分子", "发展对象", "接收"), "发展对象": ("接收",), "接收": ("审批", "转正"),
             "审批": ("转正",)}
    return any(p.first(s) for s in later.get(step, ()))


def _lacks(p: Person, r: dict) -> list[str]:
    lacks = []
    if len([n for _, n in p.introducers if n]) < r["introducers"]:
        lacks.append(f"{r['introducers']}名正式党员作入党介绍人")
    if not p.first("政审"):
        lacks.append("政治审查")
    if p.training_hours < r["training_min_hours"]:
        lacks.append(f"集中培训不少于{r['training_min_hours']}学时（已有{p.training_hours:g}学时）")
    if not p.first("备案"):
        lacks.append("报上级党委备案")
    if not p.first("预审"):
        lacks.append("上级党委预审")
    return lacks


def pipeline_warnings(db: Database, *, office_id: str | None = None, org_id: str | None = None,
                      as_of: dt.date | None = None) -> list[PipelineWarning]:
    """Every warning of the pipeline of an office or under an organisation."""
    as_of = as_of or dates.today()
    r = rules()
    out: list[PipelineWarning] = []
    for p in people(db, office_id=office_id, org_id=org_id):
        if p.stage == "正式党员" and not _recent(p, as_of):
            continue  # a finished record from earlier years has nothing left to warn about
        out += check_person(p, as_of, r)
    return out


def _recent(p: Person, as_of: dt.date) -> bool:
    full = p.first("转正")
    return bool(full) and _d(full).year >= as_of.year - 1
