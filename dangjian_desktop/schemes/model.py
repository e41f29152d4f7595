"""The assessment-scheme model (考核细则 / 评分方案) and its exact dict/JSON form.

A scheme is data: sections with items, a rating rule, vetoes, quotas, bonuses,
consequences and the notes explaining how a hand-typed document's disagreements
were resolved. `scheme_from_dict(scheme_to_dict(s)) == s` holds for every scheme.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Union

from ..errors import UserError
from ..numbers import format_score

Number = Union[int, float]

FORMAT_VERSION = 1

# Scoring kinds of an item (or of a section scored as a whole).
POINTS, DEDUCTION, YESNO = "points", "deduction", "yesno"
SCORING_KINDS = (POINTS, DEDUCTION, YESNO)
SCORING_LABELS = {POINTS: "得分", DEDUCTION: "扣分", YESNO: "是否"}

# Rating rules.
THRESHOLDS, SECTION_STARS, CLASSIFICATION = "thresholds", "section_stars", "classification"
RULE_KINDS = (THRESHOLDS, SECTION_STARS, CLASSIFICATION)
RULE_LABELS = {THRESHOLDS: "分数线", SECTION_STARS: "按部分计星", CLASSIFICATION: "分类评定"}

# How a score with a fraction is read against bands written in whole points ("85-94分").
ROUND_TRUNCATE, ROUND_HALF_UP = "truncate", "half_up"
ROUNDING_KINDS = (ROUND_TRUNCATE, ROUND_HALF_UP)
ROUNDING_LABELS = {ROUND_TRUNCATE: "去尾（不足1分的部分不计）", ROUND_HALF_UP: "四舍五入到整数分"}
DEFAULT_ROUNDING = ROUND_TRUNCATE  # "95分以上": 94.5 has not reached 95

# Checks the program can make from its own data for a veto (proposed to the reviewer, never applied).
CHECK_SECRETARY_VACANT = "secretary_vacant"  # no secretary in post now
CHECK_SECRETARY_YEAR = "secretary_vacant_year"  # no secretary for a whole year
CHECK_TERM_OVERDUE = "term_overdue"  # term ran out without an approved extension
CHECK_ITEM_ZERO = "item_zero"  # written item_zero:CODE, an item scored 0
# From the ledgers (ledgers/vetoes.py): the rewards-and-punishments and funds ledgers.
CHECK_SECRETARY_PUNISHED = "secretary_punished"  # secretary 警告 or more, a committee member 严重警告 or more
CHECK_CADRE_PUNISHED = "cadre_punished"  # any party punishment of a committee member
CHECK_FUNDS_MISSING = "funds_missing"  # no party-work funds received, or below the standard per member
CHECK_LABELS = {
    CHECK_SECRETARY_VACANT: "书记空缺（核对组织台账）",
    CHECK_SECRETARY_YEAR: "书记空缺满一年（核对组织台账）",
    CHECK_TERM_OVERDUE: "任期届满未按期换届（核对组织台账）",
    CHECK_ITEM_ZERO: "某细项得0分",
    CHECK_SECRETARY_PUNISHED: "书记受警告以上或支委受严重警告以上处分（核对奖惩台账）",
    CHECK_CADRE_PUNISHED: "支委班子成员受党纪处分（核对奖惩台账）",
    CHECK_FUNDS_MISSING: "未落实党建工作专项经费（核对经费台账）",
}
LEDGER_CHECKS = (CHECK_SECRETARY_PUNISHED, CHECK_CADRE_PUNISHED, CHECK_FUNDS_MISSING)



def check_label(check: str | None) -> str | None:
    """A veto's data check in words: 书记空缺（核对组织台账）; 某细项得0分:D3."""
    if not check:
        return None
    kind, _, item = check.partition(":")
    return CHECK_LABELS.get(kind, kind) + (f":{item}" if item else "")


def check_from_label(text: str | None) -> str | None:
    """The reverse of check_label (the English key is accepted too); unknown words are kept as typed."""
    text = (text or "").strip().replace("：", ":")
    if not text:
        return None
    words, _, item = text.partition(":")
    kind = label_to_kind(CHECK_LABELS, words) or words.strip()
    return kind + (f":{item.strip()}" if item.strip() else "")


# Quotas.
BOUND_MAX, BOUND_MIN = "max", "min"
BOUND_LABELS = {BOUND_MAX: "上限", BOUND_MIN: "下限"}
SCOPE_ALL, SCOPE_TOWN = "all", "town"
SCOPE_LABELS = {SCOPE_ALL: "全部", SCOPE_TOWN: "每镇"}

# Consequence conditions.
RUN, STAR_LOSS, STARS_AT_MOST, RATING_IN, TOWN_NO_AWARD = (
    "run", "star_loss", "stars_at_most", "rating_in", "town_no_award")
CONDITION_KINDS = (RUN, STAR_LOSS, STARS_AT_MOST, RATING_IN, TOWN_NO_AWARD)
CONDITION_LABELS = {
    RUN: "连续评为",
    STAR_LOSS: "减星",
    STARS_AT_MOST: "星级不高于",
    RATING_IN: "评为",
    TOWN_NO_AWARD: "全镇连续无表彰",
}

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# No point value, score line, bonus, count or number of years in a scheme comes near this; a
# larger number is a typing slip or a hostile file (and cannot be rated, printed or summed).
MAX_NUMBER = 1_000_000


def label_to_kind(labels: Mapping[str, str], text: str) -> str | None:
    """Reverse lookup of a Chinese label (or the English key itself)."""
    text = (text or "").strip()
    if text in labels:
        return text
    for key, label in labels.items():
        if label == text:
            return key
    return None


def norm_number(value: Any) -> Number | None:
    """Numbers as the model keeps them: integral floats become ints; bools are not numbers."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"not a finite number: {value!r}")
        if value.is_integer():
            return int(value)
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    return value if value != "" else None


@dataclass
class Item:
    """考核标准: one scored line of a section."""

    code: str
    title: str
    max: Number | None
    kind: str = POINTS
    group: str | None = None  # 考核要求 (the sub-heading the document groups items under)
    standard: str | None = None
    evidence: str | None = None  # 佐证材料 the item asks for


@dataclass
class Section:
    """考核项目: a section with items, or scored as a whole when it has none."""

    code: str
    title: str
    max: Number | None  # the declared maximum (None: the sum of its items, or unbounded)
    kind: str = POINTS  # only used when the section is scored as a whole
    standard: str | None = None
    evidence: str | None = None
    star_bar: Number | None = None  # section_stars: this section's own bar (None: the rule's)
    items: list[Item] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return not self.items

    def items_sum(self) -> Number | None:
        if not self.items or any(i.max is None for i in self.items):
            return None
        return norm_number(sum_exact(i.max for i in self.items))

    def effective_max(self) -> Number | None:
        """What the section can contribute: the declared max, else its items' sum."""
        if self.max is not None:
            if self.items and (s := self.items_sum()) is not None:
                return min(self.max, s)
            return self.max
        return self.items_sum()


@dataclass
class Level:
    """A grade / star level of the rating rule; `min` is inclusive (\"95分以上\" includes 95)."""

    name: str
    min: Number | None = None
    stars: int | None = None
    label: str | None = None  # the long title on plaques and sheets, e.g. 三星党支部


@dataclass
class Award:
    """A title given to some levels, e.g. 六有党支部 for 优秀, which a veto revokes."""

    name: str
    levels: list[str]
    revoked_by_veto: bool = True


@dataclass
class RatingRule:
    kind: str
    levels: list[Level]  # from the highest to the lowest
    bar: Number | None = None  # section_stars: points a section needs for one star
    veto_rating: str | None = None  # the rating of a vetoed result (None: vetoes only revoke the award)
    award: Award | None = None
    note: str | None = None
    rounding: str = DEFAULT_ROUNDING  # how a fractional score meets whole-point bands (ROUNDING_KINDS)

    def level(self, name: str) -> Level | None:
        return next((lv for lv in self.levels if lv.name == name), None)

    @property
    def has_stars(self) -> bool:
        return self.kind == SECTION_STARS or any(lv.stars is not None for lv in self.levels)

    def names(self) -> list[str]:
        """Every rating name a result can carry (levels, the veto rating, the award)."""
        out = [lv.name for lv in self.levels]
        if self.veto_rating and self.veto_rating not in out:
            out.append(self.veto_rating)
        return out


@dataclass
class Veto:
    """一票否决 / disqualification item."""

    code: str
    title: str
    note: str | None = None
    check: str | None = None  # a CHECK_* the program proposes from its data ("item_zero:D3")

    @property
    def check_kind(self) -> str | None:
        return self.check.split(":", 1)[0] if self.check else None

    @property
    def check_item(self) -> str | None:
        return self.check.split(":", 1)[1] if self.check and ":" in self.check else None


@dataclass
class Quota:
    """A cap (上限) or target (下限) on how many results carry some ratings."""

    code: str
    ratings: list[str]  # rating or award names counted together
    bound: str = BOUND_MAX
    count: int | None = None
    percent: Number | None = None
    scope: str = SCOPE_ALL
    exceptions: dict[str, int] = field(default_factory=dict)  # town -> count instead of `count`
    enforced: bool = False
    note: str | None = None


@dataclass
class Consequence:
    """What follows from a result, possibly over several years."""

    code: str
    title: str
    kind: str
    ratings: list[str] = field(default_factory=list)
    min_years: int | None = None
    max_years: int | None = None
    stars: int | None = None


@dataclass
class Resolution:
    """How a built-in resolves one validator finding (keyed like the finding)."""

    key: str
    text: str


@dataclass
class Source:
    title: str | None = None
    issuer: str | None = None
    date: str | None = None
    part: str | None = None
    file: str | None = None


@dataclass
class Scheme:
    id: str
    name: str
    rating: RatingRule
    sections: list[Section] = field(default_factory=list)
    year: int | None = None
    version: str | None = None
    source: Source = field(default_factory=Source)
    unit: str | None = None  # 评定对象
    total_max: Number | None = None
    vetoes: list[Veto] = field(default_factory=list)
    vetoes_open: bool = False  # the document ends its list with 等等
    quotas: list[Quota] = field(default_factory=list)
    bonuses: dict[str, Number] = field(default_factory=dict)
    consequences: list[Consequence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)

    # ---- lookups -------------------------------------------------------------
    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def scored_units(self) -> list[tuple[Section, Item | None]]:
        """Every place a score is entered, in document order: items, or whole sections."""
        out: list[tuple[Section, Item | None]] = []
        for s in self.sections:
            if s.items:
                out.extend((s, i) for i in s.items)
            else:
                out.append((s, None))
        return out

    def veto(self, code: str) -> Veto | None:
        return next((v for v in self.vetoes if v.code == code), None)

    def resolution(self, key: str) -> Resolution | None:
        return next((r for r in self.resolutions if r.key == key), None)

    def effective_total_max(self) -> Number | None:
        if self.total_max is not None:
            return self.total_max
        maxes = [s.effective_max() for s in self.sections]
        if not maxes or any(m is None for m in maxes):
            return None
        return norm_number(sum_exact(maxes))

    def rename_level(self, level: Level, new: str) -> None:
        """Give a rating level another name; the award, quotas, bonuses, consequences and the veto
        rating that named it follow. ValueError when another level has that name (the two could not be
        told apart again: renaming back would carry both levels' quotas and bonuses)."""
        if any(lv.name == new for lv in self.rating.levels if lv is not level):
            raise ValueError(f"已有名为“{new}”的等次，等次名称不能重复")
        old, level.name = level.name, new
        rule = self.rating
        if rule.award:
            rule.award.levels = [new if x == old else x for x in rule.award.levels]
        for q in self.quotas:
            q.ratings = [new if x == old else x for x in q.ratings]
        for c in self.consequences:
            c.ratings = [new if x == old else x for x in c.ratings]
        if old in self.bonuses:
            self.bonuses = {(new if k == old else k): v for k, v in self.bonuses.items()}
        if rule.veto_rating == old:
            rule.veto_rating = new

    def rename_code(self, unit: Section | Item, new: str) -> None:
        """Give a section or item another code; a veto checking it (item_zero:CODE) and the resolutions
        keyed by it (section_sum:CODE …) follow. ValueError when another section or item has that code."""
        if any(u.code == new and u is not unit for s in self.sections for u in (s, *s.items)):
            raise ValueError(f"编号“{new}”已被使用，部分和细项的编号不能重复")
        old, unit.code = unit.code, new
        for v in self.vetoes:
            if v.check_kind == CHECK_ITEM_ZERO and v.check_item == old:
                v.check = f"{CHECK_ITEM_ZERO}:{new}"
        for r in self.resolutions:
            kind, _, code = r.key.partition(":")
            r.key = f"{kind}:{new}" if code == old else r.key

    @property
    def max_stars(self) -> int | None:
        """The most stars a result can carry: the highest level's stars, or one per section when
        stars are earned section by section; None when the scheme gives no stars."""
        if not self.rating.has_stars:
            return None
        levels = [lv.stars for lv in self.rating.levels if lv.stars is not None]
        return max(levels) if levels else len(self.sections) or None


def quoted(name: str) -> str:
    """A name in quotation marks, its own marks made single (“‘五个好’村级党组织分类”), never the
    doubled ““五个好”村级党组织分类”."""
    return "“" + (name or "").replace("“", "‘").replace("”", "’") + "”"


def fmt_num(value: Number | None) -> str:
    """A number as a clerk writes it: 30, 94.5 (never 30.0 or 1e1); '—' for none (numbers.format_score).

    A number far beyond MAX_NUMBER (only in a file the validator refuses) is written short (1e+308),
    so that the message naming it can be shown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > 1e12:
        return f"{value:.6g}"
    return format_score(value, empty="—")


def sum_exact(values) -> Number:
    """Sum numbers without binary drift (0.1 + 0.2 == 0.3)."""
    from decimal import Decimal

    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    return int(total) if total == total.to_integral_value() else float(total)


# ---- dict form ------------------------------------------------------------------

def _drop_empty(d: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k in keep or (v is not None and v != [] and v != {})}


def _item_to_dict(i: Item) -> dict[str, Any]:
    return _drop_empty({"code": i.code, "title": i.title, "max": i.max, "kind": i.kind,
                        "group": i.group, "standard": i.standard, "evidence": i.evidence}, keep=("max",))


def _section_to_dict(s: Section) -> dict[str, Any]:
    return _drop_empty({"code": s.code, "title": s.title, "max": s.max, "kind": s.kind,
                        "standard": s.standard, "evidence": s.evidence, "star_bar": s.star_bar,
                        "items": [_item_to_dict(i) for i in s.items]}, keep=("max", "items"))


def scheme_to_dict(s: Scheme) -> dict[str, Any]:
    """The JSON form (the files under resources/schemes/ and a round's frozen copy)."""
    rule = s.rating
    rule_d = _drop_empty({
        "kind": rule.kind,
        "levels": [_drop_empty({"name": lv.name, "min": lv.min, "stars": lv.stars, "label": lv.label})
                   for lv in rule.levels],
        "bar": rule.bar,
        "veto_rating": rule.veto_rating,
        "award": None if rule.award is None else {
            "name": rule.award.name, "levels": list(rule.award.levels),
            "revoked_by_veto": rule.award.revoked_by_veto},
        "note": rule.note,
        "rounding": rule.rounding,
    })
    rule_d.setdefault("levels", [])
    return {
        "format": FORMAT_VERSION,
        "id": s.id,
        "name": s.name,
        "year": s.year,
        "version": s.version,
        "source": _drop_empty({"title": s.source.title, "issuer": s.source.issuer, "date": s.source.date,
                               "part": s.source.part, "file": s.source.file}),
        "unit": s.unit,
        "total_max": s.total_max,
        "sections": [_section_to_dict(x) for x in s.sections],
        "rating": rule_d,
        "vetoes": [_drop_empty({"code": v.code, "title": v.title, "note": v.note, "check": v.check})
                   for v in s.vetoes],
        "vetoes_open": s.vetoes_open,
        "quotas": [_drop_empty({"code": q.code, "ratings": list(q.ratings), "bound": q.bound, "count": q.count,
                                "percent": q.percent, "scope": q.scope, "exceptions": dict(q.exceptions),
                                "note": q.note}) | {"enforced": q.enforced} for q in s.quotas],
        "bonuses": dict(s.bonuses),
        "consequences": [_drop_empty({"code": c.code, "title": c.title, "kind": c.kind, "ratings": list(c.ratings),
                                      "min_years": c.min_years, "max_years": c.max_years, "stars": c.stars})
                         for c in s.consequences],
        "notes": list(s.notes),
        "resolutions": [{"key": r.key, "text": r.text} for r in s.resolutions],
    }


class _Reader:
    """Typed access to a dict with Chinese errors naming the path of the bad value."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise UserError(f"方案格式错误：{path or '方案'} 应为对象（{{...}}）。", exit_code=2)
        self.data = data
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail(self, key: str, what: str):
        raise UserError(f"方案格式错误：{self._where(key)} {what}。", exit_code=2)

    def text(self, key: str, required: bool = False) -> str | None:
        v = self.data.get(key)
        try:
            v = _text(v)
        except TypeError:
            self._fail(key, "应为文字")
        if required and v is None:
            self._fail(key, "不能为空")
        return v

    def number(self, key: str) -> Number | None:
        try:
            return norm_number(self.data.get(key))
        except TypeError:
            self._fail(key, "应为数字")

    def integer(self, key: str) -> int | None:
        v = self.number(key)
        if v is not None and not isinstance(v, int):
            self._fail(key, "应为整数")
        return v

    def boolean(self, key: str, default: bool) -> bool:
        v = self.data.get(key, default)
        if not isinstance(v, bool):
            self._fail(key, "应为 true 或 false")
        return v

    def texts(self, key: str) -> list[str]:
        v = self.data.get(key) or []
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            self._fail(key, "应为文字列表")
        return list(v)

    def objects(self, key: str) -> list["_Reader"]:
        v = self.data.get(key) or []
        if not isinstance(v, list):
            self._fail(key, "应为列表")
        return [_Reader(x, f"{self._where(key)}[{n + 1}]") for n, x in enumerate(v)]

    def obj(self, key: str) -> "_Reader | None":
        v = self.data.get(key)
        return None if v is None else _Reader(v, self._where(key))

    def number_map(self, key: str, integer: bool = False) -> dict[str, Number]:
        v = self.data.get(key) or {}
        if not isinstance(v, dict):
            self._fail(key, "应为对象")
        out: dict[str, Number] = {}
        for k, x in v.items():
            try:
                n = norm_number(x)
            except TypeError:
                self._fail(f"{key}.{k}", "应为数字")
            if n is None or (integer and not isinstance(n, int)):
                self._fail(f"{key}.{k}", "应为整数" if integer else "应为数字")
            out[str(k)] = n
        return out


def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    """Build a Scheme from its dict form; structural errors raise UserError (exit 2)."""
    r = _Reader(dict(data) if isinstance(data, Mapping) else data, "")
    fmt = r.data.get("format", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        raise UserError(f"方案格式版本 {fmt} 不受支持（本程序支持版本 {FORMAT_VERSION}），请升级程序。", exit_code=2)

    sections = []
    for sr in r.objects("sections"):
        items = [Item(code=ir.text("code", True), title=ir.text("title", True), max=ir.number("max"),
                      kind=ir.text("kind") or POINTS, group=ir.text("group"), standard=ir.text("standard"),
                      evidence=ir.text("evidence"))
                 for ir in sr.objects("items")]
        sections.append(Section(code=sr.text("code", True), title=sr.text("title", True), max=sr.number("max"),
                                kind=sr.text("kind") or POINTS, standard=sr.text("standard"),
                                evidence=sr.text("evidence"), star_bar=sr.number("star_bar"), items=items))

    rr = r.obj("rating")
    if rr is None:
        raise UserError("方案格式错误：缺少评定规则（rating）。", exit_code=2)
    ar = rr.obj("award")
    award = None if ar is None else Award(name=ar.text("name", True), levels=ar.texts("levels"),
                                          revoked_by_veto=ar.boolean("revoked_by_veto", True))
    rule = RatingRule(
        kind=rr.text("kind", True),
        levels=[Level(name=lr.text("name", True), min=lr.number("min"), stars=lr.integer("stars"),
                      label=lr.text("label")) for lr in rr.objects("levels")],
        bar=rr.number("bar"), veto_rating=rr.text("veto_rating"), award=award, note=rr.text("note"),
        rounding=rr.text("rounding") or DEFAULT_ROUNDING)

    src = r.obj("source")
    source = Source() if src is None else Source(title=src.text("title"), issuer=src.text("issuer"),
                                                 date=src.text("date"), part=src.text("part"),
                                                 file=src.text("file"))
    return Scheme(
        id=r.text("id", True),
        name=r.text("name", True),
        year=r.integer("year"),
        version=r.text("version"),
        source=source,
        unit=r.text("unit"),
        total_max=r.number("total_max"),
        sections=sections,
        rating=rule,
        vetoes=[Veto(code=v.text("code", True), title=v.text("title", True), note=v.text("note"),
                     check=v.text("check"))
                for v in r.objects("vetoes")],
        vetoes_open=r.boolean("vetoes_open", False),
        quotas=[Quota(code=q.text("code", True), ratings=q.texts("ratings"), bound=q.text("bound") or BOUND_MAX,
                      count=q.integer("count"), percent=q.number("percent"), scope=q.text("scope") or SCOPE_ALL,
                      exceptions=q.number_map("exceptions", integer=True), enforced=q.boolean("enforced", False),
                      note=q.text("note"))
                for q in r.objects("quotas")],
        bonuses=r.number_map("bonuses"),
        consequences=[Consequence(code=c.text("code", True), title=c.text("title", True), kind=c.text("kind", True),
                                  ratings=c.texts("ratings"), min_years=c.integer("min_years"),
                                  max_years=c.integer("max_years"), stars=c.integer("stars"))
                      for c in r.objects("consequences")],
        notes=r.texts("notes"),
        resolutions=[Resolution(key=x.text("key", True), text=x.text("text", True)) for x in r.objects("resolutions")],
    )


def copy_scheme(s: Scheme) -> Scheme:
    return scheme_from_dict(scheme_to_dict(s))
