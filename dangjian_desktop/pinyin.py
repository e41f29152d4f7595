"""Pinyin for sorting and searching Chinese names (surnames read the surname way)."""

from __future__ import annotations

from functools import lru_cache

# Characters read differently as surnames than in ordinary text.
_SURNAMES = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
    "区": "ou", "召": "shao", "缪": "miao", "盖": "ge", "尉": "yu", "乐": "yue",
    "覃": "qin", "翟": "zhai", "秘": "bi", "万俟": "moqi", "长孙": "zhangsun",
    "尉迟": "yuchi", "那": "na", "种": "chong", "繁": "po", "员": "yun", "宓": "fu",
    "沈": "shen", "重": "chong", "柏": "bai", "褚": "chu", "都": "du", "长": "chang",
}


def _pypinyin():
    # pypinyin loads its dictionaries on import (~0.2 s): only when a name is first converted.
    import pypinyin

    return pypinyin


@lru_cache(maxsize=65536)
def name_syllables(name: str) -> tuple[str, ...]:
    lazy_pinyin = _pypinyin().lazy_pinyin
    name = (name or "").strip()
    for length in (2, 1):
        head = name[:length]
        if len(name) > length and head in _SURNAMES:
            rest = lazy_pinyin(name[length:], errors=lambda s: list(s.lower()))
            return (_SURNAMES[head], *rest)
    return tuple(lazy_pinyin(name, errors=lambda s: list(s.lower())))


def sort_key(name: str) -> str:
    """'张三' -> 'zhang san 张三'; ties are broken by the characters themselves."""
    return " ".join(name_syllables(name)) + " " + (name or "")


def initials(name: str) -> str:
    """'张三' -> 'zs' (for search by pinyin initials)."""
    return "".join(s[0] for s in name_syllables(name) if s)


def full(name: str) -> str:
    return "".join(name_syllables(name))


def text_initials(text: str) -> str:
    """Initials of any Chinese text (branch names)."""
    pp = _pypinyin()
    return "".join(p[0] for p in pp.lazy_pinyin(text or "", style=pp.Style.NORMAL, errors="ignore") if p)
