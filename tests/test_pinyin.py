"""Names' pinyin: each segment is converted once per process, with results identical to
pypinyin.lazy_pinyin (which converts the whole name every time); surnames read the surname way."""

from __future__ import annotations

import random

import pypinyin
from pypinyin.constants import PHRASES_DICT

from dangjian_desktop import pinyin


def _lazy(text: str) -> tuple[str, ...]:
    return tuple(pypinyin.lazy_pinyin(text, errors=lambda s: list(s.lower())))


def test_syllables_match_lazy_pinyin_for_names_phrases_and_mixed_text():
    rnd = random.Random(11)
    chars = [chr(c) for c in range(0x4E00, 0x9FFF, 5)] + ["〇", "㐀", "\U00020000"]
    phrases = sorted(p for p in PHRASES_DICT if len(p) <= 4)
    texts = [rnd.choice(chars) + "".join(rnd.choice(chars) for _ in range(rnd.randint(1, 3))) for _ in range(4000)]
    # Names containing dictionary phrases (建国, 银行行长): these are cut into phrases first.
    texts += [rnd.choice(chars) + rnd.choice(phrases) for _ in range(2000)]
    texts += [rnd.choice(phrases) + rnd.choice(chars) for _ in range(2000)]
    texts += ["", "Tom", "王·Ab", "阿依古丽·买买提", "张三a", "重庆", "长孙无忌", "中华人民共和国", "李 四", "〇一二"]
    assert [pinyin._syllables(t) for t in texts] == [_lazy(t) for t in texts]


def test_sort_key_and_initials_read_surnames_the_surname_way():
    assert pinyin.sort_key("曾建国") == "zeng jian guo 曾建国"
    assert pinyin.initials("单田芳") == "stf"
    assert pinyin.full("长孙无忌") == "zhangsunwuji"
    assert pinyin.sort_key("张三") == "zhang san 张三"
    assert pinyin.initials("银行行长") == "".join(s[0] for s in _lazy("银行行长"))


def test_without_pypinyin_internals_names_still_convert(monkeypatch):
    monkeypatch.setattr(pinyin, "_parts", lambda: None)
    assert pinyin._syllables("重庆张三") == _lazy("重庆张三")


def test_a_rare_character_pypinyin_lacks_is_read_and_sorted_by_its_reading():
    from dangjian_desktop import pinyin

    assert pinyin.name_syllables("𠮷祥") == ("ji", "xiang")
    assert pinyin.initials("𠮷祥") == "jx" and pinyin.full("张𠮷") == "zhangji"
    names = sorted(["张三", "𠮷祥", "李四"], key=pinyin.sort_key)
    assert names == ["𠮷祥", "李四", "张三"]
