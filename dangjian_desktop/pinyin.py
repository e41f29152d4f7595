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


# Characters of names that pypinyin has no reading for (it then kept the character itself, so
# 𠮷祥 sorted after every name and was not found by jixiang or jx): their readings, with tone.
_RARE = {"𠮷": "jí"}


@lru_cache(maxsize=1)
def _pypinyin():
    # pypinyin loads its dictionaries on import (~0.2 s): only when a name is first converted.
    import pypinyin

    pypinyin.load_single_dict({ord(ch): reading for ch, reading in _RARE.items()})
    return pypinyin


def _no_pinyin(s: str) -> list[str]:
    return list(s.lower())


@lru_cache(maxsize=1)
def _parts():
    """pypinyin's own pieces of lazy_pinyin: its word segmentation, the phrase prefixes it
    matches and its converter (the library is pinned; tests compare with lazy_pinyin). None
    when a pypinyin without them is installed: then every text goes through lazy_pinyin."""
    pp = _pypinyin()
    try:
        from pypinyin.constants import RE_HANS
        from pypinyin.core import _default_convert
        from pypinyin.seg import mmseg
        from pypinyin.seg.simpleseg import seg

        return seg, mmseg.seg._prefix_set, RE_HANS, _default_convert.convert, pp.Style.NORMAL
    except (ImportError, AttributeError):
        return None


@lru_cache(maxsize=65536)
def _word(word: str) -> tuple[str, ...]:
    """The syllables of one segment (a phrase, one character or a run of non-Chinese text)."""
    _, _, _, convert, normal = _parts()
    return tuple(p for item in convert(word, normal, False, _no_pinyin, strict=True) for p in item)


def _syllables(text: str) -> tuple[str, ...]:
    """lazy_pinyin(text) with its errors callback _no_pinyin, each segment converted once per
    process: a roster repeats the same characters thousands of times in ever new names.

    pypinyin splits text into Chinese and other runs, then cuts each Chinese run into the
    longest phrases of its dictionary; a run in which no two neighbouring characters begin a
    phrase is cut into single characters, so it is taken character by character directly."""
    parts = _parts()
    if parts is None:
        return tuple(_pypinyin().lazy_pinyin(text, errors=_no_pinyin))
    seg, prefixes, hans, _, _ = parts
    if hans.match(text) and not any(text[i:i + 2] in prefixes for i in range(len(text) - 1)):
        return tuple(p for ch in text for p in _word(ch))
    return tuple(p for w in seg(text) for p in _word(w))


@lru_cache(maxsize=65536)
def name_syllables(name: str) -> tuple[str, ...]:
    name = (name or "").strip()
    for length in (2, 1):
        head = name[:length]
        if len(name) > length and head in _SURNAMES:
            return (_SURNAMES[head], *_syllables(name[length:]))
    return _syllables(name)


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
