"""Where schemes live: built-ins in resources/schemes/, the user's own in the user data folder."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import UserError, text_file_reason
from .model import ID_PATTERN, Scheme, scheme_from_dict, scheme_to_dict
from .validate import errors as validation_errors

# Presentation order of the built-ins (the documents' order); any other file follows by id.
_BUILTIN_ORDER = ("liuyou", "xingji-zhibu", "xingji-dangyuan", "guifanhua", "wuhua", "chuangxing", "wugehao")


@dataclass
class SchemeInfo:
    id: str
    name: str
    builtin: bool
    path: Path
    year: int | None = None
    error: str | None = None  # a user file that cannot be read


def builtin_dir() -> Path:
    return paths.resource("schemes")


def user_dir() -> Path:
    return paths.user_data_dir() / "schemes"


def builtin_ids() -> list[str]:
    ids = [p.stem for p in builtin_dir().glob("*.json")]
    order = {k: n for n, k in enumerate(_BUILTIN_ORDER)}
    return sorted(ids, key=lambda i: (order.get(i, len(order)), i))


def is_builtin(scheme_id: str) -> bool:
    return (builtin_dir() / f"{scheme_id}.json").is_file()


def read_scheme_json(path: Path) -> Scheme:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # Notepad writes a BOM
    except FileNotFoundError:
        raise UserError(f"找不到方案文件：{path}", exit_code=2) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"方案文件 {Path(path).name} 无法读取：{text_file_reason(e)}。", exit_code=2) from None
    except (RecursionError, ValueError):  # nested thousands deep, or a number thousands of digits long
        raise UserError(f"方案文件 {Path(path).name} 无法读取：内容嵌套过深或数字过长，不是有效的方案文件。",
                        exit_code=2) from None
    return scheme_from_dict(data)


def _user_files() -> list[Path]:
    d = user_dir()
    return sorted(d.glob("*.json")) if d.is_dir() else []


def list_schemes() -> list[SchemeInfo]:
    """Built-ins first (document order), then the user's schemes by id."""
    out: list[SchemeInfo] = []
    for sid in builtin_ids():
        p = builtin_dir() / f"{sid}.json"
        s = read_scheme_json(p)
        out.append(SchemeInfo(sid, s.name, True, p, s.year))
    taken = {i.id for i in out}
    for p in _user_files():
        if p.stem in taken:
            continue  # a user file can never shadow a built-in
        try:
            s = read_scheme_json(p)
            out.append(SchemeInfo(p.stem, s.name, False, p, s.year))
        except UserError as e:
            out.append(SchemeInfo(p.stem, p.stem, False, p, None, e.message))
    return out


def load_scheme(scheme_id: str) -> Scheme:
    """A built-in or user scheme by id (a fresh copy every time: edits never leak)."""
    if not ID_PATTERN.match(scheme_id or ""):
        raise UserError(f"方案编号“{scheme_id}”不合规。", exit_code=2)
    p = builtin_dir() / f"{scheme_id}.json"
    if not p.is_file():
        p = user_dir() / f"{scheme_id}.json"
    if not p.is_file():
        known = "、".join(i.id for i in list_schemes())
        raise UserError(f"没有编号为“{scheme_id}”的评分方案（现有：{known}）。", exit_code=2)
    s = read_scheme_json(p)
    if s.id != scheme_id:
        s.id = scheme_id  # the file name is the id; a hand-renamed file keeps working
    return s


def load_scheme_file(path: str | Path, *, strict: bool = False) -> Scheme:
    """A scheme from a .json or .xlsx file (not stored). `strict`: refuse validator errors."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .excel import import_xlsx

        return import_xlsx(path, strict=strict)
    if path.suffix.lower() == ".json":
        scheme = read_scheme_json(path)
        if strict and (bad := validation_errors(scheme)):
            raise UserError("方案有错误：\n" + "\n".join(f"  - {f.message}" for f in bad), exit_code=2)
        return scheme
    raise UserError(f"无法识别的方案文件类型“{path.suffix}”（可用 .json 或 .xlsx）。", exit_code=2)


def usable_id(text: str | None) -> str:
    """An id made from a hand-typed one: lower case, other characters as '-' ("My Scheme" -> my-scheme);
    "scheme" when nothing usable is left."""
    candidate = re.sub(r"[^a-z0-9_-]+", "-", (text or "").strip().lower()).strip("-_")[:64]
    return candidate if ID_PATTERN.match(candidate) else "scheme"


def _free_id(base: str) -> str:
    base = base if ID_PATTERN.match(base or "") else "scheme"
    base = re.sub(r"-\d{1,3}$", "", base)[:56] or "scheme"  # wuhua-2 taken -> wuhua-3, not wuhua-2-2
    n = 2
    candidate = base
    while is_builtin(candidate) or (user_dir() / f"{candidate}.json").exists():
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def write_json_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_user_scheme(scheme: Scheme, *, overwrite: bool = False) -> Scheme:
    """Store a scheme in the user folder and return it with its final id.

    A built-in id is never overwritten: the scheme gets a new id (`wuhua-2` …). So does an
    existing user id unless `overwrite`. A scheme with errors is refused.
    """
    bad = validation_errors(scheme)
    if bad:
        raise UserError("方案有错误，未保存：\n" + "\n".join(f"  - {f.message}" for f in bad), exit_code=2)
    target = scheme.id
    if is_builtin(target) or not ID_PATTERN.match(target or "") or (
            not overwrite and (user_dir() / f"{target}.json").exists()):
        target = _free_id(target)
    data = scheme_to_dict(scheme)
    data["id"] = target
    write_json_atomic(user_dir() / f"{target}.json", data)
    return scheme_from_dict(data)


def delete_user_scheme(scheme_id: str) -> None:
    if is_builtin(scheme_id):
        raise UserError(f"“{scheme_id}”是内置方案，不能删除。")
    p = user_dir() / f"{scheme_id}.json"
    if not ID_PATTERN.match(scheme_id or "") or not p.is_file():
        raise UserError(f"没有编号为“{scheme_id}”的自定义方案。")
    p.unlink()
