"""Demo assessment data: finished rounds (确定) for the previous three years and one round of the
current year in progress, so every assessment screen has something real to show.

Called by dangjian_desktop.demo.generate after the registry is filled. Rows are written in
bulk (one unit of work per round) with the same shape the workflow functions produce; the
same seed gives the same rounds, scores, appeals and adjustments.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from functools import partial

from .. import pinyin
from ..db import Database
from ..db.ids import seeded_id
from ..registry.offices import local_office
from ..schemes import evaluate, load_scheme, scheme_to_dict
from .lots import derangement
from .rounds import default_title, scope_branches
from .sheets import scheme_units
from .workdays import calendar

SCHEME_ID = "chuangxing"
ACTOR = "组织办 王建华"
REVIEWER = "县委组织部 李明"

DEDUCTIONS = {
    "A": ["村集体经济收入增长未达计划", "专业合作社带动作用不明显", "产业发展台账不完整"],
    "B": ["“三务”公开更新不及时", "弱势群体走访记录不全", "村规民约修订未经党员大会讨论"],
    "C": ["文体活动开展次数不足", "文化活动场所管理不规范", "评选“好媳妇”“好婆婆”活动未开展"],
    "D": ["矛盾纠纷排查记录缺失", "平安乡村创建资料不全", "群众集体用餐备案不规范"],
    "E": ["环境卫生整治长效机制未建立", "秸秆综合利用宣传不到位", "垃圾清运记录不全"],
}
VETO_FACTS = {
    "V1": "原党支部书记{m}月调离后，至年底未选出新任书记",
    "V2": "村“两委”换届选举未在规定时间内完成，推迟至次年{m}月",
    "V3": "{m}月发生因土地补偿引发的群体性上访事件",
}
PROBLEMS = [
    ("“三会一课”记录不规范，部分党课无讲稿", "建立会议记录模板，每次会议当场签到、留存照片", "组织委员"),
    ("党员活动室设施陈旧，宣传栏内容未及时更新", "更新活动室设施，每月更新宣传栏", "党支部书记"),
    ("流动党员联系不经常", "建立流动党员微信群，每季度至少联系一次", "组织委员"),
    ("集体经济收入偏低，发展思路不清", "制定三年集体经济发展计划，引进一个合作项目", "党支部书记"),
    ("党费收缴不及时", "每月固定日期收缴党费并公示", "组织委员"),
    ("矛盾纠纷排查化解台账不全", "每月开展一次排查，建立台账", "纪检委员"),
]


def _ts(day: dt.date, rng: random.Random) -> str:
    return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+08:00"


def _half(x: float, hi: float) -> float | int:
    v = max(0.0, min(float(hi), round(x * 2) / 2))
    return int(v) if v.is_integer() else v


def _next_workday(cal, day: dt.date) -> dt.date:
    while not cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day


class _Builder:
    def __init__(self, db: Database, rng: random.Random, today: dt.date):
        self.db, self.rng, self.today = db, rng, today
        self.draw = partial(seeded_id, rng)  # a new repeatable global id per call
        self.id = self.draw
        self.office = local_office(db)
        self.scheme = load_scheme(SCHEME_ID)
        self.scheme_json = json.dumps(scheme_to_dict(self.scheme), ensure_ascii=False)
        self.units = scheme_units(self.scheme)
        self.branches = scope_branches(db)
        self.quality = {b["id"]: min(99.0, max(48.0, rng.gauss(79, 9))) for b in self.branches}
        self.cal = calendar(db)
        # The same order draw_lots uses (pinyin of the town names).
        self.towns = sorted({(b["office_id"], b["town"]) for b in self.branches},
                            key=lambda t: (pinyin.sort_key(t[1]), t[1], t[0]))

    # ---- pieces ---------------------------------------------------------------------
    def scores_for(self, org_id: str) -> dict[str, tuple]:
        r = self.rng
        q = self.quality[org_id]
        out = {}
        for u in self.units:
            final = _half(q / 100 * u.max + r.gauss(0, 1.3), u.max)
            initial = _half(final + r.choice([-0.5, 0, 0, 0, 0.5]), u.max)
            self_ = _half(max(final, initial) + r.choice([0, 0, 0.5, 1, 1.5]), u.max)
            reason = r.choice(DEDUCTIONS.get(u.code, ["佐证材料不齐全"])) if min(final, initial) < u.max else ""
            out[u.code] = (self_, initial, final, reason)
        return out

    def report(self, name: str, year: int) -> dict:
        r = self.rng
        return {
            "situation": f"{year}年，{name}对照“创星晋位”五项服务标准，召开支委会逐项分析评价。全年召开党员大会"
                         f"{r.randint(4, 6)}次、支委会{r.randint(10, 14)}次、党课{r.randint(4, 5)}次，"
                         f"为群众办实事{r.randint(3, 9)}件，各项工作总体有序推进。",
            "problems": r.choice(["一是党员队伍老化，年轻党员少；二是集体经济基础薄弱。原因是后备力量培养不够，"
                                  "发展思路不宽。", "一是部分台账记录不够规范；二是服务群众的载体不多。原因是"
                                  "支部班子学习不够，创新意识不强。", "一是流动党员管理难度大；二是文化活动"
                                  "场所利用率不高。原因是联系机制不健全，活动组织不经常。"]),
            "measures": r.choice(["加强后备干部培养，年内发展年轻党员1至2名；制定集体经济三年发展计划。",
                                  "规范“三会一课”记录，建立党员服务群众积分台账，每月公示。",
                                  "建立流动党员联系群，每季度通报一次村情；每月组织一次文体活动。"]),
        }

    def result_of(self, scores: dict[str, tuple], vetoes: list[str]):
        return evaluate(self.scheme, {c: s[2] for c, s in scores.items()}, vetoes)

    # ---- one round --------------------------------------------------------------------
    def round(self, tx, year: int, finished: bool) -> dict:
        self.id = partial(tx.ids.seeded, self.draw)  # local ids in this unit of work (db/local_ids.py)
        r = self.rng
        cal = self.cal
        today = self.today
        round_id = self.id()
        created = dt.date(year, 11, 15) if finished else today - dt.timedelta(days=25)
        if finished:
            self_due, initial_due, review_due = dt.date(year, 11, 30), dt.date(year, 12, 10), dt.date(year, 12, 20)
            pub_start = _next_workday(cal, dt.date(year, 12, 8))
        else:
            self_due = today - dt.timedelta(days=7)
            initial_due, review_due = today + dt.timedelta(days=7), today + dt.timedelta(days=21)
            pub_start = None
        tx.insert("assessment_round", {
            "id": round_id, "office_id": self.office["id"], "year": year,
            "title": default_title(year, self.scheme), "scheme_id": self.scheme.id, "scheme_name": self.scheme.name,
            "scheme_json": self.scheme_json,
            "scope_json": json.dumps({"kinds": [], "towns": [], "town_ids": []}, ensure_ascii=False),
            "self_due": self_due.isoformat(), "initial_due": initial_due.isoformat(),
            "review_due": review_due.isoformat(),
            "publicity_start": pub_start.isoformat() if pub_start else None, "appeal_days": 15,
            "created_at": _ts(created, r), "created_by": ACTOR, "note": ""})
        if len(self.towns) >= 2:
            seed = str(r.randint(100000, 999999))
            pairs = derangement(seed, [t[0] for t in self.towns])
            tx.insert("round_lot", {"id": self.id(), "round_id": round_id, "seed": seed,
                                    "result_json": json.dumps({"towns": self.towns, "pairs": pairs},
                                                              ensure_ascii=False),
                                    "drawn_at": _ts(created + dt.timedelta(days=3), r), "drawn_by": REVIEWER,
                                    "note": "县委组织部组织各乡镇抽签"})
        sheets, scores, vetoes, reports, history = [], [], [], [], []
        plan = self._current_plan() if not finished else None
        outcome = {}
        for n, b in enumerate(self.branches):
            self.quality[b["id"]] = min(99.0, max(45.0, self.quality[b["id"]] + r.gauss(0.8, 3)))
            sid = self.id()
            state, steps = ("确定", None) if finished else plan(n)
            sc = self.scores_for(b["id"])
            veto = []
            if r.random() < 0.015 and self.scheme.vetoes:
                v = r.choice(self.scheme.vetoes)
                veto.append(v.code)
                fact = VETO_FACTS.get(v.code, "{m}月发生该情形").format(m=r.randint(2, 10))
                vetoes.append({"id": self.id(), "round_branch_id": sid, "code": v.code, "fact": fact,
                               "found_on": dt.date(year, r.randint(2, 10), r.randint(1, 28)).isoformat()})
            # Which stages are filled depends on how far the sheet has come.
            order = ["自评", "初审", "审核", "公示", "申诉", "确定"]
            reached = order.index(state)
            half_done = not finished and state in ("自评", "初审", "审核") and r.random() < 0.35
            for k, u in enumerate(self.units):
                s_, i_, f_, reason = sc[u.code]
                row = {"id": self.id(), "round_branch_id": sid, "item_code": u.code, "self_score": s_,
                       "initial_score": i_ if reached >= 2 or (reached == 1 and not (half_done and k >= 2)) else None,
                       "final_score": f_ if reached >= 3 or (reached == 2 and not (half_done and k >= 3)) else None,
                       "reason": reason if reached >= 1 else ""}
                if reached == 0 and half_done and k >= 3:
                    row["self_score"] = None
                if reached == 1 and row["initial_score"] is None:
                    row["reason"] = ""
                if row["self_score"] is None and row["initial_score"] is None:
                    continue
                scores.append(row)
            if finished or reached >= 1 or r.random() < 0.6:
                reports.append({"id": self.id(), "round_branch_id": sid, **self.report(b["name"], year)})
            days = self._days(year, finished, state, steps)
            prev = None
            for st, day in days:
                history.append({"id": self.id(), "round_id": round_id, "round_branch_id": sid, "from_state": prev,
                                "to_state": st, "actor": REVIEWER if st in ("审核", "公示", "确定") else ACTOR,
                                "at": _ts(day, r), "on_date": day.isoformat(),
                                "note": "建立考核" if prev is None else ""})
                prev = st
            since = days[-1][1]
            sheets.append({"id": sid, "round_id": round_id, "org_id": b["id"], "office_id": b["office_id"],
                           "org_name": b["name"], "kind": b["kind"], "sort_order": n, "state": state,
                           "state_since": _ts(since, r),
                           "publicity_start": next((d.isoformat() for s, d in days if s == "公示"), None)})
            outcome[sid] = (b, sc, veto, state)
        tx.insert_many("round_branch", sheets)
        tx.insert_many("round_score", scores)
        tx.insert_many("round_veto", vetoes)
        tx.insert_many("round_self_report", reports)
        tx.insert_many("round_history", history)
        starts = [s["publicity_start"] for s in sheets if s["publicity_start"]]
        if not finished and starts:
            tx.update("assessment_round", round_id, {"publicity_start": min(starts)})
        return {"id": round_id, "year": year, "pub_start": pub_start, "outcome": outcome}

    def _days(self, year: int, finished: bool, state: str, steps) -> list[tuple[str, dt.date]]:
        r, cal = self.rng, self.cal
        if finished:
            start = dt.date(year, 11, 15)
            pub = _next_workday(cal, dt.date(year, 12, 8))
            confirm = _next_workday(cal, cal.window_end(pub, 15) + dt.timedelta(days=1))
            return [("自评", start), ("初审", dt.date(year, 11, r.randint(24, 30))),
                    ("审核", dt.date(year, 12, r.randint(1, 5))), ("公示", pub), ("确定", confirm)]
        return steps

    def _current_plan(self):
        """State and dated steps of each sheet of the round in progress (all six states present)."""
        r, cal, today = self.rng, self.cal, self.today
        created = today - dt.timedelta(days=25)
        pub_recent = cal.add_workdays(_next_workday(cal, today), -4)
        pub_old = today - dt.timedelta(days=40)
        while cal.window_end(pub_old, 15) >= today - dt.timedelta(days=2):
            pub_old -= dt.timedelta(days=7)
        pub_old = _next_workday(cal, pub_old)
        weights = [("自评", 30), ("初审", 25), ("审核", 18), ("公示", 15), ("申诉", 4), ("确定", 8)]
        states = [s for s, _ in weights]
        total = sum(w for _, w in weights)

        def plan(n: int):
            # Spread deterministically so even a small town gets every state.
            pick = (n * 37 + r.randint(0, 3)) % total if n >= len(states) else None
            if pick is None:
                state = states[n]
            else:
                acc = 0
                state = states[-1]
                for s, w in weights:
                    acc += w
                    if pick < acc:
                        state = s
                        break
            steps = [("自评", created)]
            if state == "自评":
                return state, steps
            steps.append(("初审", created + dt.timedelta(days=r.randint(5, 9))))
            if state == "初审":
                return state, steps
            steps.append(("审核", created + dt.timedelta(days=r.randint(10, 13))))
            if state == "审核":
                return state, steps
            if state == "确定":
                steps[1] = ("初审", pub_old - dt.timedelta(days=12))
                steps[2] = ("审核", pub_old - dt.timedelta(days=6))
                steps[0] = ("自评", pub_old - dt.timedelta(days=20))
                steps.append(("公示", pub_old))
                steps.append(("确定", _next_workday(cal, cal.window_end(pub_old, 15) + dt.timedelta(days=1))))
                return state, steps
            steps.append(("公示", pub_recent))
            if state == "申诉":
                steps.append(("申诉", min(today, cal.add_workdays(pub_recent, 2))))
            return state, steps

        return plan


def _photo(rng: random.Random, text_color: tuple) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (640, 480), (235, 235, 228))
    d = ImageDraw.Draw(im)
    d.rectangle([40, 60, 600, 300], fill=(178, 34, 34))  # a banner over a meeting room
    for k in range(12):
        x = 60 + k * 45
        d.ellipse([x, 330 + rng.randint(0, 20), x + 34, 364 + rng.randint(0, 20)], fill=text_color)
        d.rectangle([x + 4, 370, x + 30, 440], fill=(60, 60, 80))
    d.rectangle([0, 440, 640, 480], fill=(120, 100, 80))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()


def populate(db: Database, rng: random.Random, today: dt.date) -> dict:
    """Write the demo rounds; returns counts."""
    from ..attachments import store_attachment

    b = _Builder(db, rng, today)
    if not b.branches:
        return {"rounds": 0}
    year0 = today.year
    finished = []
    for year in (year0 - 3, year0 - 2, year0 - 1):
        with db.transaction(f"生成演示考核 {year}", actor=ACTOR) as tx:
            info = b.round(tx, year, finished=True)
            _appeals_and_adjustments(db, tx, b, info)
        finished.append(info)
    with db.transaction(f"生成演示考核 {year0}", actor=ACTOR) as tx:
        current = b.round(tx, year0, finished=False)
        _current_appeals(db, tx, b, current)
        _rectifications(db, tx, b, finished[-1], today)
        # A few photos as evidence on sheets of the round in progress.
        sheet_ids = [sid for sid, (_, _, _, state) in current["outcome"].items() if state in ("初审", "审核")][:3]
        for n, sid in enumerate(sheet_ids):
            for k, code in enumerate(("A", "B")):
                data = _photo(rng, (200 - 40 * k, 170, 120 + 30 * n))
                att = store_attachment(tx, data, f"活动照片{n + 1}-{k + 1}.jpg", "image/jpeg")
                tx.insert("round_evidence", {"id": b.id(), "attachment_id": att, "round_branch_id": sid,
                                             "item_code": code, "note": "主题党日活动照片",
                                             "added_on": today.isoformat()})
    return {"rounds": 4}


def _appeals_and_adjustments(db: Database, tx, b: _Builder, info: dict) -> None:
    """A finished round: two appeals (one kept, one adjusted) and one correction after 确定."""
    r, cal = b.rng, b.cal
    sids = sorted(info["outcome"])
    if len(sids) < 3:
        return
    picks = r.sample(sids, 3)
    pub = info["pub_start"]
    for n, sid in enumerate(picks[:2]):
        branch = info["outcome"][sid][0]
        lodged = cal.add_workdays(pub, 2 + n)
        decided = cal.add_workdays(lodged, 3)
        outcome = "维持" if n == 0 else "调整"
        tx.insert("round_appeal", {
            "id": b.id(), "round_branch_id": sid, "lodged_on": lodged.isoformat(),
            "lodged_by": branch["name"], "reason": "对“服务经济发展”项扣分有异议，认为合作社带动成效未计入",
            "material": "补充提供合作社分红记录和入社农户名单", "recorded_by": ACTOR,
            "decision": "经核实，原评分依据充分，维持原评定结果" if outcome == "维持" else
            "经核实，补充材料属实，“服务经济发展”项加1分",
            "outcome": outcome, "decided_on": decided.isoformat(), "decided_by": REVIEWER})
        # The appeal sits between 公示 and 确定 in the history.
        tx.insert_many("round_history", [
            {"id": b.id(), "round_id": info["id"], "round_branch_id": sid, "from_state": "公示", "to_state": "申诉",
             "actor": ACTOR, "at": _ts(lodged, r), "on_date": lodged.isoformat(),
             "note": f"{branch['name']}：对“服务经济发展”项扣分有异议"},
            {"id": b.id(), "round_id": info["id"], "round_branch_id": sid, "from_state": "申诉", "to_state": "公示",
             "actor": REVIEWER, "at": _ts(decided, r), "on_date": decided.isoformat(),
             "note": f"申诉处理：{outcome}"}])
        if outcome == "调整":
            row = db.one("SELECT id, final_score FROM round_score WHERE round_branch_id = ? AND item_code = 'A'",
                         (sid,))
            if row is not None and row["final_score"] is not None and row["final_score"] <= 19:
                tx.update("round_score", row["id"], {"final_score": row["final_score"] + 1,
                                                     "reason": "申诉后复核加1分"})
    sid = picks[2]
    row = db.one("SELECT id, final_score FROM round_score WHERE round_branch_id = ? AND item_code = 'C'", (sid,))
    if row is not None and row["final_score"] is not None and row["final_score"] >= 1:
        old, new = row["final_score"], row["final_score"] - 1
        tx.update("round_score", row["id"], {"final_score": new})
        at = cal.add_workdays(pub, 25)
        fmt = lambda v: str(int(v)) if float(v).is_integer() else str(v)  # noqa: E731
        tx.insert("round_adjustment", {
            "id": b.id(), "round_branch_id": sid, "target": "score", "code": "C", "old_value": fmt(old),
            "new_value": fmt(new), "reason": "年度复查发现文体活动记录有重复计算，核减1分",
            "actor": REVIEWER, "at": _ts(at, r)})


def _current_appeals(db: Database, tx, b: _Builder, info: dict) -> None:
    for sid, (branch, _, _, state) in info["outcome"].items():
        if state != "申诉":
            continue
        day = db.scalar("SELECT on_date FROM round_history WHERE round_branch_id = ? AND to_state = '申诉'", (sid,))
        tx.insert("round_appeal", {
            "id": b.id(), "round_branch_id": sid, "lodged_on": day, "lodged_by": branch["name"],
            "reason": "认为“服务平安和谐”项扣分过重，矛盾纠纷排查台账已于年中补齐",
            "material": "矛盾纠纷排查台账（复印件）", "recorded_by": ACTOR})


def _rectifications(db: Database, tx, b: _Builder, info: dict, today: dt.date) -> None:
    """整改台账 for last year's branches at 三星 or below: some closed, some open, some overdue."""
    r = b.rng
    rows = []
    for sid, (branch, sc, veto, _) in info["outcome"].items():
        res = b.result_of(sc, veto)
        if res.stars is None or res.stars > 3:
            continue
        created = min(today, dt.date(info["year"] + 1, 1, r.randint(5, 20)))
        for problem, measure, who in r.sample(PROBLEMS, r.randint(1, 2)):
            deadline = created + dt.timedelta(days=r.choice([90, 120, 180, 270, 400]))
            roll = r.random()
            status, closed_on, note = "未整改", None, ""
            if roll < 0.5 and deadline < today:
                status, closed_on = "已销号", min(deadline, today) - dt.timedelta(days=r.randint(0, 30))
                note = "已按措施整改到位，经镇党委验收销号"
            elif roll < 0.8:
                status = "整改中"
            rows.append({"id": b.id(), "org_id": branch["id"], "round_id": info["id"], "problem": problem,
                         "measure": measure, "responsible": who, "deadline": deadline.isoformat(), "status": status,
                         "closed_on": closed_on.isoformat() if closed_on else None, "close_note": note,
                         "created_on": created.isoformat()})
    tx.insert_many("rectification", rows)
