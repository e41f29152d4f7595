"""ID numbers (GB 11643) and member field rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian_desktop.registry import idcard
from dangjian_desktop.registry.validation import clean_name, validate_member

TODAY = dt.date(2026, 11, 22)
VALID = "11010519491231002X"  # the standard's own example


def test_the_standards_example_is_valid():
    assert idcard.problems(VALID, today=TODAY) == []
    assert idcard.birth_date(VALID) == dt.date(1949, 12, 31)
    assert idcard.sex(VALID) == "女"


@pytest.mark.parametrize("idn, fragment", [
    ("110105194912310021", "校验位错误：最后一位应为 X"),
    ("11010519491231002", "应为18位"),
    ("1101051949123100XX", "只能由17位数字"),
    ("110105194913310028", "不是有效日期"),
    ("", "不能为空"),
])
def test_bad_id_numbers_are_explained(idn, fragment):
    assert any(fragment in p for p in idcard.problems(idn, today=TODAY))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2008, 12, 31)),
       st.integers(0, 99), st.booleans())
def test_made_ids_are_valid_and_carry_birth_and_sex(born, seq, male):
    idn = idcard.make("140826", born, seq, male)
    assert idcard.problems(idn, today=TODAY) == []
    assert idcard.birth_date(idn) == born
    assert idcard.sex(idn) == ("男" if male else "女")


def test_fullwidth_and_lowercase_x_are_normalised():
    assert idcard.normalise("１１０１０５１９４９１２３１００２ｘ") == VALID


def base(**over):
    v = {"name": "王芳", "ethnicity": "汉族", "id_number": VALID, "join_date": "1975-07-01",
         "full_date": "1976-07-01", "category": "正式党员"}
    v.update(over)
    return v


def test_a_good_member_passes_and_gets_birth_and_sex_from_the_id():
    clean, err = validate_member(base(), today=TODAY)
    assert err == {}
    assert clean["birth_date"] == "1949-12-31" and clean["sex"] == "女"


@pytest.mark.parametrize("over, field, fragment", [
    ({"name": ""}, "name", "不能为空"),
    ({"sex": "男"}, "sex", "与身份证号不符"),
    ({"birth_date": "1950-01-01"}, "birth_date", "不符"),
    ({"join_date": "1966-01-01", "full_date": None}, "join_date", "未满18周岁"),
    ({"join_date": "1967-11"}, "join_date", "未满18周岁"),
    ({"join_date": "1967-12", "full_date": "1968-12"}, None, None),  # could be 31 Dec: not an error
    ({"full_date": "1975-06-30"}, "full_date", "应晚于入党日期"),
    ({"category": "预备党员"}, "full_date", "不应填写转正日期"),
    ({"ethnicity": "汉"}, None, None),
    ({"ethnicity": "汗族"}, "ethnicity", "是否为“汉族”"),
    ({"education": "大本"}, None, None),
    ({"education": "幼儿园"}, "education", "不在代码表中"),
    ({"education": "大学本课"}, "education", "是否为“大学本科”"),
    ({"join_date": "2030-01-01", "full_date": None}, "join_date", "晚于今天"),
    ({"join_date": "1975/07/01"}, "join_date", "不是有效日期"),
    ({"phone": "12345"}, "phone", "手机号"),
    ({"is_mobile": True}, "mobile_whereabouts", "流动去向"),
])
def test_member_rules(over, field, fragment):
    _clean, err = validate_member(base(**over), today=TODAY)
    if field is None:
        assert err == {}
    else:
        assert fragment in err.get(field, ""), err


def test_month_precision_join_date_is_kept():
    clean, err = validate_member(base(join_date="1975-07", full_date="1976-07"), today=TODAY)
    assert err == {} and clean["join_date"] == "1975-07"


@pytest.mark.parametrize("raw, name", [("张　三", "张三"), (" 李 四 ", "李四"), ("阿依古丽•买买提", "阿依古丽·买买提")])
def test_names_lose_inner_spaces(raw, name):
    assert clean_name(raw) == name
