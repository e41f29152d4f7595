"""Excel import of the development pipeline (发展党员台账), through the record ledgers' reader
(record_import.read_sheet): one person a row, with their branch, personal data and the dates of
the steps an office keeps in its sheet.

    党支部* | 姓名* | 身份证号 | 性别 | 民族 | 出生日期 | 学历 | 申请* | 确定积极分子 | 确定发展对象 |
    接收预备党员 | 转正 | 入党介绍人 (two names)

A person already in the ledger (by ID number, else by name in the branch) gets the steps the row
has and the ledger has not; a new person is entered as an applicant first. Acceptance (接收预备党员)
and conversion (转正) put the person on the roster and change their status history, so a file
never makes them: a row that would is an error naming the 登记环节 button (dates already
recorded are read as agreeing). A date that differs from the one recorded, dates out of the
procedure's order, two rows for one person and introducers who are not full members are errors.

All or nothing: the rows are applied by the ledger's own functions (pipeline.add_person,
record_step, set_introducers) inside one unit of work, each row's refusals told against its
cells; when any row is refused, or on a dry run, the whole unit of work is rolled back.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import dates
from ..db import Database
from ..errors import UserError
from ..registry import idcard
from . import pipeline
from .common import find_member
from .record_import import BRANCH, ID_NUMBER, Field, Kind, RecordImportReport, _branches, read_sheet
from .records import field_of

#: The steps a row may carry, in the procedure's order, with their columns' labels.
STEP_COLUMNS = (("申请", "申请"), ("积极分子", "确定积极分子"), ("发展对象", "确定发展对象"), ("接收", "接收预备党员"),
                ("转正", "转正"))
IMPORTED_STEPS = ("积极分子", "发展对象")  # the steps an import records; 申请 comes with a new person
PERSON_KEYS = ("name", "id_number", "sex", "ethnicity", "birth_date", "education")

PIPELINE = Kind(
    "pipeline", "发展党员", "dev_person", (
        Field("branch", "党支部", BRANCH.aliases, True),
        Field("name", "姓名", ("申请人姓名", "发展对象姓名"), True),
        ID_NUMBER,
        Field("sex", "性别"),
        Field("ethnicity", "民族"),
        Field("birth_date", "出生日期", ("出生年月日",)),
        Field("education", "学历", ("文化程度",)),
        Field("申请", "申请", ("申请日期", "递交入党申请书", "递交入党申请书日期", "申请入党日期", "入党申请日期"), True),
        Field("积极分子", "确定积极分子", ("积极分子", "确定为入党积极分子", "确定积极分子日期", "确定入党积极分子日期")),
        Field("发展对象", "确定发展对象", ("发展对象", "确定为发展对象", "确定发展对象日期")),
        Field("接收", "接收预备党员", ("接收为预备党员", "接收日期", "入党日期")),
        Field("转正", "转正", ("转为正式党员", "转正日期")),
        Field("introducers", "入党介绍人", ("介绍人",)),
    ), (), None, by_member=False, dates=("birth_date", *(s for s, _ in STEP_COLUMNS)),
    ignored=("序号", "阶段", "培训学时"),  # of the printed list and the page's table
    hint="每行一人，须有党支部、姓名、申请（递交入党申请书的日期）等列，可填确定积极分子、确定发展对象的日期和两名入党介绍人；"
         "日期写作 2026-03-01 或 2026年3月1日。已登记的人员按身份证号（或同一党支部中的姓名）补登新的环节；"
         "接收预备党员和转正须在本页逐人登记。有任何错误时不导入任何一行，并列出每一行的错误。")


class _Rollback(Exception):
    """Raised inside the unit of work to undo it (refused rows, or a dry run)."""


def introducer_names(text: str) -> list[str]:
    """The introducers written in one cell: names parted by 、 , ； / or spaces, or two names joined
    by 和 ("张三和李四"). 和 is also a common character inside a name (贺和富, 王和平), so it parts
    the cell only where it leaves two names of at least two characters, and at one place only."""
    names = [x for x in re.split(r"[、,，;；/\s]+", text or "") if x]
    if len(names) == 1 and "和" in names[0]:
        one = names[0]
        cuts = [(one[:k], one[k + 1:]) for k, ch in enumerate(one) if ch == "和" and k >= 2 and len(one) - k - 1 >= 2]
        if len(cuts) == 1:
            return list(cuts[0])
    return names


def import_pipeline(db: Database, path: str | Path, *, office_id: str | None = None, dry_run: bool = False,
                    actor: str | None = None) -> RecordImportReport:
    """Read a 发展党员台账 sheet and apply it all or nothing (see the module's docstring)."""
    path = Path(path)
    report = RecordImportReport(path=path, kind=PIPELINE.kind, title=PIPELINE.title, dry_run=dry_run)
    sheet = read_sheet(PIPELINE, path, report)
    if sheet is None:
        return report
    cols, err = sheet.cols, sheet.err
    branches = _branches(db, office_id)
    known = pipeline.people(db, office_id=office_id)
    numbers = {r["id"]: r["id_number"] for r in db.query("SELECT id, id_number FROM dev_person WHERE id_number IS NOT NULL")}
    by_idn = {numbers[p.id]: p for p in known if p.id in numbers and not p.closed}
    by_name: dict[tuple[str, str], list] = {}
    for p in known:
        by_name.setdefault((p.org_id, p.name), []).append(p)
    plan = []  # (row number, row, org, person or None, person values, new steps {step: day}, introducer names)
    seen: dict[object, int] = {}
    for n, row in sheet.data():
        before = len(report.errors)
        org = sheet.branch(n, row, branches)
        name = sheet.text(row, "name")
        if not name:
            err(n, "name", "", "没有填写姓名。", "每行填写一名人员。")
        idn = idcard.normalise(sheet.text(row, "id_number"))
        days = {s: d for s, _ in STEP_COLUMNS if s in cols and (d := sheet.date(n, row, s, required=False))}
        birth = sheet.date(n, row, "birth_date", required=False) if "birth_date" in cols else None
        intro = introducer_names(sheet.text(row, "introducers"))
        if intro and len(intro) != 2:
            err(n, "introducers", "、".join(intro), f"入党介绍人应为两名，表中为{len(intro)}名。", "用顿号隔开两人的姓名，如：张三、李四。")
        if len(report.errors) > before or org is None:
            continue
        person = by_idn.get(idn) if idn else None
        if person is None:
            hits = [p for p in by_name.get((org["id"], name), []) if not idn or numbers.get(p.id, idn) == idn]
            if len(hits) > 1:
                err(n, "name", name, f"{org['name']}的发展党员台账中有{len(hits)}人叫“{name}”。", "请填写身份证号以区分。")
                continue
            person = hits[0] if hits else None
        who = person.id if person else (idn or (org["id"], name))
        if who in seen:
            err(n, "name", name, f"{name}在第{seen[who]}行已经出现过。", "每人只填一行，删去重复的行。")
            continue
        seen[who] = n
        if not _check_steps(sheet, n, person, days):
            continue
        new = {s: d for s, d in days.items() if (s in IMPORTED_STEPS or s == "申请") and not (person and person.first(s))}
        values = {k: (birth if k == "birth_date" else sheet.text(row, k)) for k in PERSON_KEYS if k in cols}
        if person is not None and intro and any(x for _, x in person.introducers):
            have = [x for _, x in person.introducers]
            if sorted(have) != sorted(intro):
                err(n, "introducers", "、".join(intro), f"已登记的入党介绍人是{'、'.join(have)}。",
                    "已登记的入党介绍人请在程序中修改（“入党介绍人”按钮）。")
                continue
            intro = []
        if person is None or new or intro:
            plan.append((n, row, org, person, values, new, intro))
        else:
            report.unchanged += 1
    if not plan:
        return report
    # The rows that read well are applied (and rolled back) even when others did not: every
    # problem of the file is told at once.
    try:
        with db.transaction(f"导入发展党员台账（{path.name}，{len(plan)}人）", actor=actor):
            for n, row, org, person, values, new, intro in plan:
                _apply(db, sheet, n, row, org, person, values, new, intro, office_id, actor)
            report.added = len(plan)
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if report.errors:
            report.added = 0
        return report
    report.written = True
    return report


def _check_steps(sheet, n: int, person, days: dict[str, str]) -> bool:
    """The row's dates against the procedure and the ledger; False (errors told) when refused."""
    ok = True
    if person is None and "申请" not in days:
        sheet.err(n, "申请", "", "新登记的人员须填写递交入党申请书的日期。", "填写申请日期，如 2025-03-01。")
        ok = False
    for step, label in STEP_COLUMNS:
        day, have = days.get(step), person.first(step) if person else None
        if day and have and day != have:
            sheet.err(n, step, dates.format_cn(day), f"已登记的{label}日期是{dates.format_cn(have)}。",
                      "已登记的日期不能通过导入修改；如有错误，请在程序中更正。")
            ok = False
        elif day and not have and step in pipeline.ROSTER_STEPS:
            sheet.err(n, step, dates.format_cn(day), f"{label}会记入花名册和党员变动记录，不能从 Excel 导入。",
                      "请在“发展党员”页选中此人，点“登记环节”逐人登记。")
            ok = False
    if not ok:
        return False
    merged = {s: days.get(s) or (person.first(s) if person else None) for s, _ in STEP_COLUMNS}
    last = None
    for step, label in STEP_COLUMNS:
        day = merged[step]
        if day and last and day < last[1]:
            sheet.err(n, step, dates.format_cn(day), f"{label}的日期早于{last[0]}（{dates.format_cn(last[1])}）。",
                      "按发展党员的程序核对各环节的日期。")
            return False
        if day:
            last = (label, day)
    return True


def _apply(db: Database, sheet, n: int, row: list, org, person, values: dict, new: dict[str, str],
           intro: list[str], office_id: str | None, actor: str | None) -> None:
    """One row written by the ledger's own functions (inside the import's unit of work); a refusal
    is told against the row's cell."""
    at = "申请"
    try:
        pid = person.id if person else pipeline.add_person(db, org["id"], values, applied_on=new["申请"], actor=actor)
        for step in IMPORTED_STEPS:
            if step in new:
                at = step
                pipeline.record_step(db, pid, step, new[step], actor=actor)
        if intro:
            at = "introducers"
            ids = []
            for name in intro:
                try:
                    ids.append(find_member(db, name, office_id=office_id or org["office_id"])["id"])
                except UserError as e:
                    raise UserError(f"入党介绍人{e.message}") from None
            pipeline.set_introducers(db, pid, ids[0], ids[1], actor=actor)
    except UserError as e:
        key = field_of(e)
        key = key if key in PERSON_KEYS and key in sheet.cols else at
        sheet.err(n, key, sheet.cell(row, key) if key in sheet.cols else "", e.message,
                  "入党介绍人须是花名册中的正式党员。" if key == "introducers" else "")

