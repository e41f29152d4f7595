"""Official code tables (民族, 学历, 人员类别, 工作岗位, 党籍状态 …) shipped as data in resources/codes."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache

from ..paths import resource

TABLES = ("ethnicity", "education", "person_class", "job", "party_status", "category", "sex")

#: Stored for a coded field the member table requires (民族: NOT NULL) when nobody has told the
#: office yet (a roster without that column). It is no value of any table: every table reads it
#: as missing (`is_missing`), the member is listed as 信息不全, and the clerk completes it later.
MISSING = "未填"


def is_missing(value) -> bool:
    """True for an empty field or the 未填 marker."""
    return value is None or (isinstance(value, str) and value.strip() in ("", MISSING))


@dataclass(frozen=True)
class CodeTable:
    id: str
    title: str
    values: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)

    def normalise(self, text: str | None) -> str | None:
        """The official value for `text` (exact or a known alias), else None."""
        if text is None:
            return None
        t = str(text).strip().replace(" ", "").replace("\u3000", "")
        if t in self.values:
            return t
        return self.aliases.get(t)

    def suggest(self, text: str) -> str | None:
        """The closest official value, for an error message's suggestion.

        Typos in Chinese are mostly homophones (汗族 for 汉族), so sound is compared first.
        """
        from ..pinyin import full

        t = str(text).strip()
        sound = full(t)
        by_sound = {full(v): v for v in self.values}
        if sound in by_sound:
            return by_sound[sound]
        hits = difflib.get_close_matches(sound, list(by_sound), n=1, cutoff=0.75)
        if hits:
            return by_sound[hits[0]]
        hits = difflib.get_close_matches(t, self.values, n=1, cutoff=0.6)
        if hits:
            return hits[0]
        for v in self.values:
            if t and (t in v or v in t):
                return v
        return None


@lru_cache(maxsize=None)
def table(table_id: str) -> CodeTable:
    if table_id not in TABLES:
        raise KeyError(table_id)
    data = json.loads(resource("codes", f"{table_id}.json").read_text(encoding="utf-8"))
    values = tuple(data["values"])
    if len(set(values)) != len(values):
        raise ValueError(f"duplicate values in code table {table_id}")
    aliases = dict(data.get("aliases", {}))
    bad = [a for a, v in aliases.items() if v not in values]
    if bad:
        raise ValueError(f"aliases of {table_id} point to unknown values: {bad}")
    return CodeTable(table_id, data["title"], values, aliases)


def values(table_id: str) -> tuple[str, ...]:
    return table(table_id).values
