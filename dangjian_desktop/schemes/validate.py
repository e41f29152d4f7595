"""Scheme validator: do the numbers add up, are thresholds ordered and covering, are codes unique.

Errors make a scheme unusable (it cannot be evaluated or saved); disagreements
(不一致) are what a hand-typed document gets wrong: they are reported with the
behaviour the evaluator applies and the scheme's own resolution note, if any.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import model as m
from .model import Scheme, fmt_num

ERROR, WARNING, INFO = "error", "warning", "info"
_PREFIX = {ERROR: "错误", WARNING: "不一致", INFO: "提示"}


@dataclass
class Finding:
    key: str  # stable key; a scheme's resolutions refer to it
    severity: str
    message: str
    resolution: str | None = None

    def text(self) -> str:
        out = f"{_PREFIX[self.severity]}：{self.message}"
        if self.resolution:
            out += f"【处理说明】{self.resolution}"
        elif self.severity == WARNING:
            out += "【未写处理说明】"
        return out


def _sec(s: m.Section) -> str:
    return f"“{s.title}”（{s.code}）"


_BARS = ("bar", "level:")  # the keys of _numbers that are score lines


def _numbers(scheme: Scheme):
    """(key, what in words, value) for every number of the scheme."""
    yield "total_max", "总分", scheme.total_max
    for s in scheme.sections:
        yield s.code, f"部分{_sec(s)}的满分", s.max
        yield f"bar:{s.code}", f"部分{_sec(s)}的得星分数线", s.star_bar
        for i in s.items:
            yield i.code, f"细项“{i.title}”（{i.code}）的分值", i.max
    rule = scheme.rating
    yield "bar", "得星分数线", rule.bar
    for lv in rule.levels:
        yield f"level:{lv.name}", f"等次“{lv.name}”的最低分", lv.min
        yield f"stars:{lv.name}", f"等次“{lv.name}”的星数", lv.stars
    for q in scheme.quotas:
        yield f"quota:{q.code}", f"名额规则 {q.code} 的个数", q.count
        for town, n in q.exceptions.items():
            yield f"quota:{q.code}:{town}", f"名额规则 {q.code} 中 {town} 的个数", n
    for name, value in scheme.bonuses.items():
        yield f"bonus:{name}", f"等次“{name}”的加分", value
    for c in scheme.consequences:
        yield f"consequence:{c.code}:min", f"后果规则 {c.code} 的最少连续年数", c.min_years
        yield f"consequence:{c.code}:max", f"后果规则 {c.code} 的最多连续年数", c.max_years
        yield f"consequence:{c.code}:stars", f"后果规则 {c.code} 的星数", c.stars


def check(scheme: Scheme) -> list[Finding]:
    """All findings, in a stable order (structure first, then numbers, then rules)."""
    out: list[Finding] = []
    add = lambda key, sev, msg: out.append(Finding(key, sev, msg))  # noqa: E731
    rule = scheme.rating
    classification = rule.kind == m.CLASSIFICATION

    if not m.ID_PATTERN.match(scheme.id or ""):
        add("id", ERROR, f"方案编号“{scheme.id}”不合规：只能用小写英文字母、数字、“-”和“_”，以字母或数字开头。")
    if scheme.rating.kind not in m.RULE_KINDS:
        add("rule_kind", ERROR, f"评定方式“{rule.kind}”无法识别（可选：{'、'.join(m.RULE_LABELS.values())}）。")
    if not scheme.sections:
        add("no_sections", ERROR, "方案没有任何考核部分。")

    # ---- codes -------------------------------------------------------------------
    codes = [s.code for s in scheme.sections] + [i.code for s in scheme.sections for i in s.items]
    for code, n in Counter(codes).items():
        if n > 1:
            add(f"dup_code:{code}", ERROR, f"编号“{code}”重复出现 {n} 次（部分和细项的编号必须各不相同）。")
    for key, label, rules in (("dup_veto", "否决项编号", scheme.vetoes), ("dup_quota", "名额规则编号", scheme.quotas),
                              ("dup_consequence", "后果规则编号", scheme.consequences)):
        for code, n in Counter(r.code for r in rules).items():
            if n > 1:
                add(f"{key}:{code}", ERROR, f"{label}“{code}”重复出现 {n} 次。")

    # ---- numbers -----------------------------------------------------------------
    for key, what, value in _numbers(scheme):
        if value is not None and abs(value) > m.MAX_NUMBER:
            add(f"too_big:{key}", ERROR, f"{what}的数值过大（不能超过 {m.MAX_NUMBER}），请核对。")
        elif value is not None and value < 0 and key.startswith(_BARS):
            # a score is never below 0: a negative bar is met by every result, even an empty sheet
            add(f"negative:{key}", ERROR, f"{what}不能为负数。")
    for s in scheme.sections:
        units = [(s.code, s.title, s.max, s.kind)] if s.whole else [(i.code, i.title, i.max, i.kind) for i in s.items]
        for code, title, mx, kind in units:
            if kind not in m.SCORING_KINDS:
                add(f"kind:{code}", ERROR, f"“{title}”（{code}）的计分方式“{kind}”无法识别（可选：得分、扣分、是否）。")
            if mx is not None and mx < 0:
                add(f"max:{code}", ERROR, f"“{title}”（{code}）的分值不能为负数。")
            elif mx is None and not classification and not s.whole:
                add(f"max:{code}", ERROR, f"细项“{title}”（{code}）没有分值。")
            elif mx is None and not classification and kind != m.POINTS:
                add(f"max:{code}", ERROR, f"“{title}”（{code}）按{m.SCORING_LABELS.get(kind, kind)}计分，必须有满分。")
        if s.max is not None and s.max < 0:
            add(f"max:{s.code}", ERROR, f"部分{_sec(s)}的满分不能为负数。")
        items_sum = s.items_sum()
        if s.items and s.max is not None and items_sum is not None and items_sum != s.max:
            if items_sum > s.max:
                msg = (f"部分{_sec(s)}的细项分值合计 {fmt_num(items_sum)} 分，超过本部分满分 {fmt_num(s.max)} 分；"
                       f"计分时本部分按 {fmt_num(s.max)} 分封顶。")
            else:
                msg = (f"部分{_sec(s)}的细项分值合计 {fmt_num(items_sum)} 分，少于本部分满分 {fmt_num(s.max)} 分；"
                       f"本部分最多只能得 {fmt_num(items_sum)} 分。")
            add(f"section_sum:{s.code}", WARNING, msg)

    if not classification:
        maxes = [s.effective_max() for s in scheme.sections]
        if scheme.total_max is not None and scheme.total_max <= 0:
            add("total_max", ERROR, "总分必须大于 0。")
        elif scheme.total_max is not None and maxes and all(x is not None for x in maxes):
            ssum = m.sum_exact(maxes)
            if ssum != scheme.total_max:
                all_items = [i.max for s in scheme.sections for i in s.items]
                if ssum > scheme.total_max:
                    msg = (f"各部分满分合计 {fmt_num(ssum)} 分，超过总分 {fmt_num(scheme.total_max)} 分；"
                           f"总分按 {fmt_num(scheme.total_max)} 分封顶。")
                else:
                    msg = (f"各部分满分合计 {fmt_num(ssum)} 分，少于总分 {fmt_num(scheme.total_max)} 分；"
                           f"最高只能得 {fmt_num(ssum)} 分。")
                add("total_sum", WARNING, msg)
            elif any(s.items for s in scheme.sections):
                raw_parts = [s.items_sum() if s.items else s.max for s in scheme.sections]
                if all(x is not None for x in raw_parts) and (raw := m.sum_exact(raw_parts)) != scheme.total_max:
                    add("total_items_sum", INFO, f"全表细项分值合计 {fmt_num(raw)} 分，与总分 "
                        f"{fmt_num(scheme.total_max)} 分不符（差异来自上面所列部分）。")

    # ---- rating rule ---------------------------------------------------------------
    levels = rule.levels
    for name, n in Counter(lv.name for lv in levels).items():
        if n > 1:
            add(f"dup_level:{name}", ERROR, f"等次“{name}”重复出现 {n} 次。")
    if not levels:
        add("levels", ERROR, "评定规则没有任何等次。")
    total_max = scheme.effective_total_max()
    if rule.kind == m.THRESHOLDS and levels:
        if any(lv.min is None for lv in levels):
            missing = "、".join(lv.name for lv in levels if lv.min is None)
            add("levels_min", ERROR, f"等次 {missing} 没有最低分。")
        else:
            for hi, lo in zip(levels, levels[1:]):
                if not lo.min < hi.min:
                    add("levels_order", ERROR,
                        f"等次须按分数从高到低排列：“{hi.name}”（{fmt_num(hi.min)} 分起）之后的“{lo.name}”"
                        f"（{fmt_num(lo.min)} 分起）分数线不低于前者。")
            lowest = levels[-1]
            if lowest.min > 0:
                add("levels_cover", ERROR, f"最低等次“{lowest.name}”从 {fmt_num(lowest.min)} 分起，"
                    f"低于 {fmt_num(lowest.min)} 分的总分没有对应等次（最低等次的最低分应为 0）。")
            if total_max is not None:
                for lv in levels:
                    if lv.min > total_max:
                        add(f"level_unreachable:{lv.name}", WARNING,
                            f"等次“{lv.name}”要求 {fmt_num(lv.min)} 分，超过可得最高分 {fmt_num(total_max)} 分，无法达到。")
        stars = [lv.stars for lv in levels]
        if any(x is not None for x in stars) and any(x is None for x in stars):
            add("levels_stars", ERROR, "有的等次写了星数、有的没写：星级方案每个等次都要写星数。")
        elif all(x is not None for x in stars) and any(a < b for a, b in zip(stars, stars[1:])):
            add("levels_stars", ERROR, "星数须随分数线从高到低递减。")
    elif rule.kind == m.SECTION_STARS and levels:
        if rule.bar is None and any(s.star_bar is None for s in scheme.sections):
            add("bar", ERROR, "按部分计星须写明每部分得星分数线。")
        for s in scheme.sections:
            bar = s.star_bar if s.star_bar is not None else rule.bar
            mx = s.effective_max()
            if bar is not None and mx is not None and bar > mx:
                add(f"bar:{s.code}", WARNING, f"部分{_sec(s)}满分 {fmt_num(mx)} 分，达不到得星分数线 {fmt_num(bar)} 分。")
        got = sorted(lv.stars for lv in levels if lv.stars is not None)
        want = list(range(len(scheme.sections) + 1))
        if any(lv.stars is None for lv in levels) or got != want:
            add("levels_stars", ERROR, f"按部分计星：共 {len(scheme.sections)} 个部分，等次须对应 0 到 "
                f"{len(scheme.sections)} 颗星各一个（现有星数：{'、'.join(str(x) for x in got) or '无'}）。")
        elif any(a.stars < b.stars for a, b in zip(levels, levels[1:])):
            add("levels_order", ERROR, "等次须按星数从多到少排列。")

    if rule.rounding not in m.ROUNDING_KINDS:
        add("rounding", ERROR, f"分数取整方式“{rule.rounding}”无法识别（可选：{'、'.join(m.ROUNDING_LABELS.values())}）。")
    else:
        bars = [(f"等次“{lv.name}”的最低分", lv.min) for lv in levels if rule.kind == m.THRESHOLDS]
        if rule.kind == m.SECTION_STARS:
            bars += [("得星分数线", rule.bar)] + [(f"部分{_sec(s)}的得星分数线", s.star_bar) for s in scheme.sections]
        for what, value in bars:
            if value is not None and value != int(value):
                add("rounding_bar", WARNING, f"{what} {fmt_num(value)} 分带小数，而分数按“{m.ROUNDING_LABELS[rule.rounding]}”"
                    f"取整数分后才与分数线比较；实际须取整后达到 {fmt_num(int(value) + 1)} 分。")
    units = {(i or s).code for s, i in scheme.scored_units()}
    for v in scheme.vetoes:
        if v.check is None:
            continue
        if v.check_kind not in m.CHECK_LABELS:
            choices = [label for kind, label in m.CHECK_LABELS.items() if kind != m.CHECK_ITEM_ZERO]
            add(f"veto_check:{v.code}", ERROR, f"否决项 {v.code} 的数据核对方式“{v.check}”无法识别"
                f"（可选：{'、'.join(choices)}、{m.CHECK_LABELS[m.CHECK_ITEM_ZERO]}:细项编号）。")
        elif v.check_kind == m.CHECK_ITEM_ZERO and v.check_item not in units:
            add(f"veto_check:{v.code}", ERROR, f"否决项 {v.code} 核对的细项“{v.check_item or ''}”不在本方案中"
                f"（写作 {m.CHECK_LABELS[m.CHECK_ITEM_ZERO]}:细项编号）。")
        elif v.check_kind != m.CHECK_ITEM_ZERO and v.check_item is not None:
            add(f"veto_check:{v.code}", ERROR, f"否决项 {v.code} 的数据核对方式“{m.check_label(v.check)}”"
                f"不带细项编号。")

    names = set(rule.names())
    if rule.veto_rating and not scheme.vetoes:
        add("veto_rating", INFO, f"写了否决后评定“{rule.veto_rating}”，但没有否决项。")
    if rule.veto_rating and len(levels) > 1 and rule.veto_rating == levels[0].name:
        add("veto_rating_top", ERROR, f"否决后评定“{rule.veto_rating}”是最高等次：被一票否决的党组织反而评为最高等次"
            f"（否决后评定应为最低等次或“不合格”等另一名称）。")
    if rule.award:
        for name in rule.award.levels:
            if rule.level(name) is None:
                add(f"award_level:{name}", ERROR, f"表彰“{rule.award.name}”适用的等次“{name}”不存在。")
        names.add(rule.award.name)

    # ---- quotas, bonuses, consequences -------------------------------------------------
    for q in scheme.quotas:
        for name in q.ratings:
            if name not in names:
                add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 的等次“{name}”不存在。")
        if not q.ratings:
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 没有写适用等次。")
        if q.bound not in (m.BOUND_MAX, m.BOUND_MIN):
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 的“上限/下限”无法识别。")
        if q.scope not in (m.SCOPE_ALL, m.SCOPE_TOWN):
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 的范围无法识别（可选：全部、每镇）。")
        if (q.count is None) == (q.percent is None):
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 须写个数或比例，二者只写一个。")
        if q.count is not None and q.count < 0:
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 的个数不能为负数。")
        if q.percent is not None and not 0 <= q.percent <= 100:
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 的比例须在 0 到 100 之间。")
        if q.exceptions and q.scope != m.SCOPE_TOWN:
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 写了例外乡镇，范围须为“每镇”。")
        if q.exceptions and q.count is None:
            add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 的例外乡镇只能配合个数使用。")
        for town, n in q.exceptions.items():
            if n < 0:
                add(f"quota:{q.code}", ERROR, f"名额规则 {q.code} 中 {town} 的个数不能为负数。")
    for name in scheme.bonuses:
        if name not in names:
            add(f"bonus:{name}", ERROR, f"加分表中的等次“{name}”不存在。")
    for c in scheme.consequences:
        where = f"后果规则 {c.code}"
        if c.kind not in m.CONDITION_KINDS:
            add(f"consequence:{c.code}", ERROR, f"{where} 的条件“{c.kind}”无法识别。")
            continue
        for name in c.ratings:
            if name not in names:
                add(f"consequence:{c.code}", ERROR, f"{where} 的等次“{name}”不存在。")
        if c.kind in (m.RUN, m.RATING_IN) and not c.ratings:
            add(f"consequence:{c.code}", ERROR, f"{where} 须写明适用等次。")
        if c.kind in (m.RUN, m.TOWN_NO_AWARD) and (c.min_years is None or c.min_years < 1):
            add(f"consequence:{c.code}", ERROR, f"{where} 须写明最少连续年数（≥1）。")
        if c.max_years is not None and c.min_years is not None and c.max_years < c.min_years:
            add(f"consequence:{c.code}", ERROR, f"{where} 的最多连续年数小于最少连续年数。")
        if c.kind in (m.STAR_LOSS, m.STARS_AT_MOST) and not rule.has_stars:
            add(f"consequence:{c.code}", ERROR, f"{where} 按星级判断，但本方案不评星。")
        if c.kind == m.STARS_AT_MOST and c.stars is None:
            add(f"consequence:{c.code}", ERROR, f"{where} 须写明星数。")
        if c.kind == m.TOWN_NO_AWARD and rule.award is None:
            add(f"consequence:{c.code}", ERROR, f"{where} 按表彰判断，但本方案没有表彰名称。")

    # ---- resolutions ----------------------------------------------------------------
    keys = {f.key for f in out}
    for f in out:
        res = scheme.resolution(f.key)
        if res is not None:
            f.resolution = res.text
    for res in scheme.resolutions:
        if res.key not in keys:
            out.append(Finding(f"stale:{res.key}", INFO,
                               f"处理说明“{res.key}”对应的问题已不存在（数字已改对），可以删除这条说明。"))
    return out


def validate(scheme: Scheme) -> list[str]:
    """The validator's findings as Chinese lines (empty: nothing to report)."""
    return [f.text() for f in check(scheme)]


def errors(scheme: Scheme) -> list[Finding]:
    return [f for f in check(scheme) if f.severity == ERROR]
