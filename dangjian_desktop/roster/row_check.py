"""Checking one row of a roster: its cells cleaned and parsed (cells.py, dateparse), the same ID
number twice in the file, a month-only 出生年月 against the ID number, the registry's own rules
(registry.validation.validate_member: ID check digit, birth date and sex against the ID, 18 or
older at joining, join before full membership, required fields, code tables), a registered
member's ID number under another name (an error: never a silent rename) and its branch and
party group. A row without errors goes on to be added (writing.py) or compared (changes.py).

RowChecks is a part of importer.RosterImport.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from .. import dates
from ..privacy import mask
from ..registry import codes, idcard
from ..registry.members import MEMBER_FIELDS
from ..registry.validation import clean_name, validate_member
from .branches import Org
from .cells import (CODED_FIELDS, DATE_FIELDS, FLAG_FIELDS, ROSTER_ONLY, TEXT_FIELDS, cell_text, field_label,
                    flag_value, id_cell, is_blank_row, is_footer_or_header)
from .columns import squeeze, strip_spaces
from .dateparse import parse_date
from .report import Problem, shown
from .sheets import REQUIRED_COLUMNS, SheetState

_HINTS = {
    "id_number": "请按身份证原件核对号码",
    "join_date": "请核对入党日期和出生日期",
    "full_date": "预备党员不填转正日期；正式党员的转正日期应晚于入党日期",
    "name": "姓名中不要有数字、括号等符号",
    "phone": "填写11位手机号，或“区号-号码”形式的固定电话",
    "mobile_whereabouts": "填写流动去向（地区和单位）",
}
MEMO_LIMIT = 8192  # distinct values of a column whose cleaned form is remembered (_row_values)


def suggestion(f: str, values: dict, clean: dict) -> str:
    """What to write instead of a wrong value of `f` (from the ID number, the code table …)."""
    idn = clean.get("id_number") or ""
    if f == "sex" and len(idn) == 18 and clean.get("sex") in ("男", "女"):
        return f"按身份证号应为“{idcard.sex(idn)}”，请核对"
    tid = CODED_FIELDS.get(f)
    if tid:
        hint = codes.table(tid).suggest(str(values.get(f) or ""))
        if hint:
            return f"改为“{hint}”"
        options = codes.values(tid)
        return "可选：" + "、".join(options[:12]) + ("……" if len(options) > 12 else "")
    born = idcard.birth_date(idn) if len(idn) == 18 else None
    if f == "birth_date" and born:
        return f"按身份证号应为{born.isoformat()}，请核对"
    return _HINTS.get(f, "")


def _cell_value(f: str, v: Any, month_only: bool, err) -> Any:
    """One cell of a member field (not the ID number) as stored; problems go to err. `month_only`:
    the cell's number format shows no day (it matters for date cells only, see dateparse)."""
    if f in DATE_FIELDS:
        p = parse_date(v, month_only_format=month_only)
        if p.error:
            err(f, f"{field_label(f)}{p.error}", p.suggestion or "")
        return p.iso
    if f in FLAG_FIELDS:
        return flag_value(f, v, err)
    if f == "name":
        return clean_name(cell_text(v)) or None
    if f in TEXT_FIELDS:
        return strip_spaces(cell_text(v, half=False)) or None
    return squeeze(cell_text(v)) or None


class RowChecks:
    """One row: cleaned, checked, then added or compared with the registered member."""

    def _import_row(self, st: SheetState, n: int, row: list) -> None:
        fields = st.fields
        if st.take is None:  # the sheet's columns: their fields, a getter of their cells, the width it needs
            st.take = (tuple(fields), itemgetter(*fields.values()), max(fields.values()) + 1)
        names, take, needed = st.take
        if len(row) < needed:
            row = row + [None] * (needed - len(row))
        cells = take(row)
        raw = dict(zip(names, cells if len(names) > 1 else (cells,)))
        if is_blank_row(raw) or is_footer_or_header(row, raw):
            st.skipped += 1
            return
        st.rows += 1
        self.report.rows += 1
        errors: list[Problem] = []

        def err(f: str, problem: str, suggestion: str = "") -> None:
            col = st.layout.column_for(f)
            errors.append(Problem(st.sheet, n, col.letter if col else None,
                                  col.header if col else field_label(f), shown(raw.get(f)), problem,
                                  suggestion, f))

        values = self._row_values(st, n, raw, err)
        idn = values.get("id_number")
        if idn and idn in self._seen:
            sheet, first = self._seen[idn]
            where = f"第{first}行" if sheet == st.sheet else f"工作表“{sheet}”第{first}行"
            err("id_number", f"身份证号与{where}重复", "同一名党员只保留一行")
            current = None
        else:
            if idn:
                self._seen[idn] = (st.sheet, n)
            existing_id = self._existing.get(idn) if idn else None
            current = self.db.get("member", existing_id) if existing_id else None

        # A month-only 出生年月 must agree with the ID number, whose day is then used.
        birth = values.get("birth_date")
        if birth and len(birth) == 7:
            values["birth_date"] = None
            born = idcard.birth_date(idn) if idn and len(idn) == 18 else None
            if born is not None and born.isoformat()[:7] != birth:
                err("birth_date", f"出生年月{dates.format_cn(birth)}与身份证号中的{dates.format_cn(born)}不符",
                    f"请核对出生年月（按身份证号应为{born.isoformat()[:7]}）")

        if current is not None:
            check = {k: current[k] for k in MEMBER_FIELDS}
            check.update({k: v for k, v in values.items() if v not in (None, "")})
        else:
            check = values
        clean, problems = validate_member(check, today=self.today)
        if idn and "id_number" not in problems and current is None and idcard.region_warning(clean["id_number"]):
            st.unknown_regions.setdefault(clean["id_number"][:6], []).append(n)
        reported = {e.field for e in errors} if problems else ()
        for f, message in problems.items():
            if f in reported:
                continue  # its cell was already reported (not a date, ID damaged …)
            if f in ("sex", "birth_date") and "id_number" in reported and not check.get(f):
                continue  # would have come from the ID number reported above
            if f not in fields and f in REQUIRED_COLUMNS and current is None:
                st.missing_required[f] = st.missing_required.get(f, 0) + 1
                continue
            if f not in fields and current is not None and not self.opts.update:
                # A registered member's stored 转正日期 against the file's 入党日期: nothing of the
                # member is written without 按文件修改, so it does not stop the import (its
                # differences are listed as changes); it blocked every row, naming no column.
                continue
            err(f, message, suggestion(f, check, clean))

        name = values.get("name")
        if (current is not None and name and name != clean_name(current["name"])
                and not any(e.field == "name" for e in errors)):
            # Another person's row carrying a registered member's ID number (a mistyped ID) would
            # overwrite that member; a real change of name is made in the registry, never here.
            err("id_number", f"身份证号（{mask(idn)}）与已登记党员{current['name']}相同，"
                             f"但本行姓名是{name}",
                "请核对身份证号；如确是同一人改了名，请先在组织台账中修改其姓名，再导入")

        org, group = self._row_branch(st, raw, err, current)
        if errors:
            self._errors(errors)
            return
        if current is None:
            self._add(st, n, clean, org, group)
        else:
            self._compare(st, n, current, values, clean, org, group)

    def _row_values(self, st: SheetState, n: int, raw: dict, err) -> dict[str, Any]:
        """The row's member fields, cleaned; a cell that cannot be read is reported (and None).

        A column repeats the same few values thousands of times (性别, 民族, 党员类别, 支部, dates):
        each distinct cell of a column is cleaned once and its result, problems included, reused
        (up to MEMO_LIMIT values a column: a column of distinct values costs bounded memory).
        Text cells are remembered by their text; other cells by type, value and, for a date
        column, whether the cell's format shows no day (which only a date cell's reading uses)."""
        values: dict[str, Any] = {}
        month_cells = st.month_cells
        if st.plan is None:  # the sheet's member columns in order: (field, column index if a date
            # and the sheet has month-formatted cells, memo of other cells, memo of text cells)
            st.plan = [(f, i if f in DATE_FIELDS and month_cells else None, {}, None if f == "id_number" else {})
                       for f, i in st.fields.items() if f not in ROSTER_ONLY]
        for f, date_col, column, texts in st.plan:
            v = raw[f]
            if v is None:  # an empty cell of any field reads as nothing, without a problem
                values[f] = None
                continue
            if texts is None:  # the ID number: a different one in every row
                idn = values[f] = id_cell(v, err)
                if idn and len(idn) == 15 and idcard.upgrade(idn):
                    values[f] = idcard.upgrade(idn)
                    self._warn(st.sheet, n, f"身份证号{idn}是15位旧号码，按18位新号码{values[f]}导入",
                               "请与本人身份证核对")
                continue
            if v.__class__ is str:
                memo, key, month_only = texts, v, False
            else:  # bool, int and float values that compare equal read differently (TRUE, 1, 1.0)
                memo = column
                month_only = date_col is not None and (n, date_col) in month_cells
                key = (v.__class__, v, month_only)
            try:
                hit = memo.get(key)
            except TypeError:  # no reader gives an unhashable cell; should one, it is read as it is
                values[f] = _cell_value(f, v, month_only, err)
                continue
            if hit is None:
                if len(memo) >= MEMO_LIMIT:  # a column of mostly distinct values
                    values[f] = _cell_value(f, v, month_only, err)
                    continue
                problems: list[tuple] = []
                hit = memo[key] = (_cell_value(f, v, month_only, lambda *a: problems.append(a)), tuple(problems))
            values[f] = hit[0]
            for p in hit[1]:
                err(*p)
        return values

    def _row_branch(self, st: SheetState, raw: dict, err, current) -> tuple[Org | None, Any]:
        """The row's branch (its 所在党支部 cell, repeated down a merged cell, else the sheet's) and
        party group; a name that matches nothing is reported unless the import creates it."""
        if "branch" in st.fields:
            cell = raw.get("branch")
            key = (cell.__class__, cell)  # 1 and TRUE read differently
            try:
                name = st.branch_texts.get(key)
            except TypeError:  # as in _row_values: an unhashable cell is read as it is
                name = key = None
            if name is None:
                name = strip_spaces(cell_text(cell))
                if key is not None and len(st.branch_texts) < MEMO_LIMIT:
                    st.branch_texts[key] = name
            if name:
                st.last_branch_text = name
            else:
                name = st.last_branch_text
            if name:
                org, problem = self.branches.resolve(name)
                if org is None and not problem and self.opts.create_branches:
                    org, problem, hint = self.branches.plan(name, cell_text(raw.get("branch_kind")))
                    if org is None:
                        err("branch", problem, hint)
                        return None, None
                elif org is None:
                    err("branch", problem or f"党支部“{name}”不存在", self.branches.suggestion(name))
                    return None, None
            else:
                org = st.sheet_branch
                if org is None and current is None:
                    err("branch", "所在党支部为空", "请填写党员所在的党支部")
                    return None, None
        else:
            org = st.sheet_branch
        group = None
        gname = squeeze(cell_text(raw.get("group"))) if "group" in st.fields else ""
        if gname and org is not None:
            group = self.branches.group(org, gname)
            if group is None:
                err("group", f"“{org.name}”下没有名为“{gname}”的党小组",
                    "请先在组织台账中建立该党小组，或导入时选择“自动新建党支部”")
        return org, group
