"""Roster columns: which field an Excel header means (synonyms are data in resources/roster/columns.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from ..paths import resource

# Fields of the member table the importer fills, plus the roster-only ones.
MEMBER_COLUMNS = ("name", "sex", "ethnicity", "birth_date", "id_number", "education", "join_date",
                  "full_date", "category", "person_class", "job", "workplace", "phone", "address",
                  "is_mobile", "mobile_whereabouts", "is_hardship", "note")
ROSTER_ONLY = ("seq", "branch", "group", "branch_kind")


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    width: float
    synonyms: tuple[str, ...]
    required: bool = False
    code: str | None = None      # code table id (民族, 学历 …)
    date: bool = False
    text: bool = False           # keep as text in Excel (ID numbers, phones)
    flag: bool = False           # 是/否
    import_only: bool = False    # read by the importer, not part of the standard layout


@dataclass(frozen=True)
class Spec:
    columns: tuple[Column, ...]
    footer_keywords: tuple[str, ...]
    unit_line_keywords: tuple[str, ...]
    branch_suffixes: tuple[str, ...]
    kind_keywords: tuple[tuple[str, tuple[str, ...]], ...]

    def column(self, field: str) -> Column:
        for c in self.columns:
            if c.field == field:
                return c
        raise KeyError(field)

    @property
    def layout(self) -> tuple[Column, ...]:
        """The standard 花名册 columns, in order (export and template)."""
        return tuple(c for c in self.columns if not c.import_only)


_HALF = {0xFF10 + i: 0x30 + i for i in range(10)}
_HALF.update({0xFF21 + i: 0x41 + i for i in range(26)})
_HALF.update({0xFF41 + i: 0x61 + i for i in range(26)})
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\ufeff]+")
_NOTE = re.compile(r"[（(][^）)]*[）)]$")


def half_width(text: str) -> str:
    """Full-width digits and Latin letters to half-width (other full-width signs stay)."""
    return text.translate(_HALF)


def squeeze(text: str) -> str:
    """Remove every kind of space, including full-width, no-break and zero-width ones."""
    return _SPACES.sub("", text)


def strip_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def header_key(text) -> str:
    """A header cell reduced for comparison: '身份证号码\n（必填）' -> '身份证号码'."""
    if text is None:
        return ""
    t = squeeze(half_width(str(text))).lstrip("*※★").rstrip(":：")
    while True:
        shorter = _NOTE.sub("", t)
        if shorter == t or not shorter:
            break
        t = shorter
    return t


@lru_cache(maxsize=None)
def spec() -> Spec:
    data = json.loads(resource("roster", "columns.json").read_text(encoding="utf-8"))
    cols = []
    seen_fields: set[str] = set()
    seen_words: dict[str, str] = {}
    for item in data["fields"]:
        c = Column(field=item["field"], label=item["label"], width=float(item.get("width", 10)),
                   synonyms=tuple(item.get("synonyms", ())), required=bool(item.get("required")),
                   code=item.get("code"), date=bool(item.get("date")), text=bool(item.get("text")),
                   flag=bool(item.get("flag")), import_only=bool(item.get("import_only")))
        if c.field in seen_fields:
            raise ValueError(f"roster column {c.field} defined twice")
        if c.field not in MEMBER_COLUMNS + ROSTER_ONLY:
            raise ValueError(f"unknown roster field {c.field}")
        seen_fields.add(c.field)
        for word in (c.label, *c.synonyms):
            key = header_key(word)
            if seen_words.get(key, c.field) != c.field:
                raise ValueError(f"header {word!r} maps to both {seen_words[key]} and {c.field}")
            seen_words[key] = c.field
        cols.append(c)
    missing = set(MEMBER_COLUMNS + ROSTER_ONLY) - seen_fields
    if missing:
        raise ValueError(f"roster columns missing: {sorted(missing)}")
    kinds = tuple((k["kind"], tuple(k["words"])) for k in data.get("kind_keywords", ()))
    return Spec(tuple(cols), tuple(data.get("footer_keywords", ())), tuple(data.get("unit_line_keywords", ())),
                tuple(data.get("branch_suffixes", ())), kinds)


@lru_cache(maxsize=None)
def _synonym_index() -> dict[str, str]:
    index = {}
    for c in spec().columns:
        for word in (c.label, *c.synonyms):
            index[header_key(word)] = c.field
    return index


def field_for_header(text) -> str | None:
    """The field a header cell names, or None when it is not a known roster column."""
    key = header_key(text)
    return _synonym_index().get(key) if key else None


def label(field: str) -> str:
    return spec().column(field).label


def guess_kind(branch_name: str) -> str | None:
    """支部类别 from a branch's name: '…村党支部' -> '村', '…社区…' -> '社区'; None when unclear."""
    name = squeeze(branch_name or "")
    for kind, words in spec().kind_keywords:
        if any(w in name for w in words):
            return kind
    return None


def branch_stem(name: str) -> str:
    """A branch name without its organisation suffix: '红星村党支部' -> '红星村'."""
    n = squeeze(half_width(name or ""))
    for suffix in spec().branch_suffixes:
        if n.endswith(suffix) and len(n) > len(suffix):
            return n[: -len(suffix)]
    return n
