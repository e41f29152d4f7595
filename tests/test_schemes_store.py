"""The user's scheme folder: saved beside the built-ins, never over them."""

from __future__ import annotations

import json

import pytest

from dangjian_desktop import paths
from dangjian_desktop.errors import UserError
from dangjian_desktop.schemes import (delete_user_scheme, is_builtin, list_schemes, load_scheme, save_user_scheme,
                                      scheme_to_dict)


def _user_file(sid):
    return paths.user_data_dir() / "schemes" / f"{sid}.json"


def test_builtin_id_gets_a_new_id():
    s = load_scheme("wuhua")
    s.name = "五化社区（本县修订）"
    saved = save_user_scheme(s)
    assert saved.id == "wuhua-2"
    assert _user_file("wuhua-2").is_file()
    assert load_scheme("wuhua").name == "“五化社区”星级党组织创评"
    assert load_scheme("wuhua-2").name == "五化社区（本县修订）"


def test_user_schemes_are_listed_after_the_builtins():
    save_user_scheme(load_scheme("liuyou"))
    infos = list_schemes()
    assert [i.id for i in infos][-1] == "liuyou-2"
    assert [i.builtin for i in infos] == [True] * 7 + [False]


def test_existing_user_id_is_kept_only_when_replacing():
    first = save_user_scheme(load_scheme("liuyou"))
    again = save_user_scheme(load_scheme(first.id))
    assert again.id == "liuyou-3"
    edited = load_scheme(first.id)
    edited.name = "改名"
    assert save_user_scheme(edited, overwrite=True).id == first.id
    assert load_scheme(first.id).name == "改名"


def test_scheme_with_errors_is_not_saved():
    s = load_scheme("liuyou")
    s.id = "mine"
    s.rating.levels.reverse()
    with pytest.raises(UserError):
        save_user_scheme(s)
    assert not _user_file("mine").exists()


def test_a_user_file_named_like_a_builtin_is_ignored():
    p = _user_file("liuyou")
    p.parent.mkdir(parents=True)
    data = scheme_to_dict(load_scheme("liuyou"))
    data["name"] = "冒名"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_scheme("liuyou").name != "冒名"
    assert [i.name for i in list_schemes()].count("冒名") == 0


def test_a_broken_user_file_is_listed_with_its_error():
    p = _user_file("broken")
    p.parent.mkdir(parents=True)
    p.write_text("{not json", encoding="utf-8")
    info = next(i for i in list_schemes() if i.id == "broken")
    assert info.error and "JSON" in info.error


def test_delete_user_scheme_but_never_a_builtin():
    saved = save_user_scheme(load_scheme("chuangxing"))
    delete_user_scheme(saved.id)
    assert not _user_file(saved.id).exists()
    with pytest.raises(UserError):
        delete_user_scheme("chuangxing")
    assert is_builtin("chuangxing")


def test_unknown_id_lists_the_known_ones():
    with pytest.raises(UserError) as e:
        load_scheme("nosuch")
    assert "liuyou" in e.value.message


def test_a_file_saved_by_notepad_with_a_bom_is_read(tmp_path):
    from dangjian_desktop.schemes import load_scheme_file

    path = tmp_path / "wuhua-notepad.json"
    path.write_text(json.dumps(scheme_to_dict(load_scheme("wuhua")), ensure_ascii=False), encoding="utf-8-sig")
    assert load_scheme_file(path) == load_scheme("wuhua")
    _user_file("bom").parent.mkdir(parents=True, exist_ok=True)
    _user_file("bom").write_bytes(path.read_bytes())
    assert load_scheme("bom").name == load_scheme("wuhua").name


@pytest.mark.parametrize("text, fragment", [
    ("[1, 2]", "应为对象"),
    ("[" * 100000 + "]" * 100000, "嵌套过深"),
    ('{"format": 1, "id": "x", "name": "x", "total_max": 1' + "0" * 5000 + "}", "数字过长"),
])
def test_a_hostile_json_file_is_refused_in_words(tmp_path, text, fragment):
    from dangjian_desktop.schemes import load_scheme_file

    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as e:
        load_scheme_file(path)
    assert fragment in e.value.message and e.value.exit_code == 2
    _user_file("hostile").parent.mkdir(parents=True, exist_ok=True)
    _user_file("hostile").write_text(text, encoding="utf-8")
    info = next(i for i in list_schemes() if i.id == "hostile")
    assert fragment in info.error
