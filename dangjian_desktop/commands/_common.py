"""What several command modules share: the common options (--json, --year, --town, --round), checking a
year or a date argument, the town a command works on in a county database and a branch by name.

Not a command module: the CLI skips modules whose names start with "_".
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import functools
import os
import re
import sys
import tempfile
from typing import Callable

from .. import dates
from ..errors import UserError, file_error

#: The two wordings of the --json help (both kept: `--help` output is part of the interface).
JSON_HELP = "输出JSON"
JSON_HELP_SPACED = "以 JSON 输出"


def tty_progress(label: str) -> Callable[..., None] | None:
    """How far a long command got, on standard error, only when it is a terminal (a script that
    reads the output gets nothing): `show(done, total, text="")` prints the percentage, or the
    step's text when the total is not known (0), on one line rewritten in place."""
    if not sys.stderr.isatty():
        return None
    last = [None]

    def show(done: int, total: int, text: str = "") -> None:
        now = f"{label} {done * 100 // total}%" if total > 0 else f"{label} {text}".rstrip()
        if now == last[0]:
            return
        last[0] = now
        print(f"\r{now}\x1b[K", end="", file=sys.stderr, flush=True)
        if total > 0 and done >= total:
            print(file=sys.stderr)
    return show


def add_json(p, help_text: str = JSON_HELP) -> None:
    p.add_argument("--json", action="store_true", help=help_text)


#: No party record is older than the Party (1921); a report's year may be next year at the latest
#: (next year's catalogue and plan are made in December), a round's or a calendar's any later one.
FIRST_YEAR = 1921
LAST_YEAR = 2200


def _last_year(ahead: int | None) -> int:
    return LAST_YEAR if ahead is None else dates.today().year + ahead


def year_type(ahead: int | None = 1) -> Callable[[str], int]:
    """An argparse type for a year from FIRST_YEAR to this year + `ahead` (None: LAST_YEAR); a year
    outside is refused with the range, before anything is read (a report of 2100 gave everyone 一星)."""
    def year(text: str) -> int:
        try:
            return check_year(int(text), ahead)
        except ValueError:
            raise argparse.ArgumentTypeError(f"年度“{text}”无效，应为 {dates.today().year} 这样的四位数字。") from None
        except UserError as e:
            raise argparse.ArgumentTypeError(e.message) from None

    return year


def add_year(p, help_text: str = "年度", *, ahead: int | None = 1) -> None:
    p.add_argument("--year", type=year_type(ahead), required=True, help=help_text)


def add_town(p) -> None:
    p.add_argument("--town", metavar="NAME", help="县级数据库中的乡镇名称")


ROUND_HELP = "考核轮次编号（或其前几位、或年度）"


def add_round(p) -> None:
    """The round a command works on, as `--round ROUND` or (the older form) as the first argument;
    set the handler with with_round(), which reads it with round_arg()."""
    p.add_argument("round_positional", nargs="?", metavar="ROUND", help=ROUND_HELP + "，也可写作 --round ROUND")
    p.add_argument("--round", dest="round_option", metavar="ROUND", help=ROUND_HELP)


def round_arg(args) -> str:
    """The round named by add_round()'s two forms; a usage error when there is none, or two that differ."""
    given = [v for v in (args.round_option, args.round_positional) if v]
    if not given:
        raise UserError("请指定考核轮次：--round ROUND（轮次编号、其前几位或年度，见 dangjian rounds list）。",
                        exit_code=2)
    if len(set(given)) > 1:
        raise UserError(f"考核轮次写了两个（“{given[0]}”和“{given[1]}”），请只写一个。", exit_code=2)
    return given[0]


def with_round(func):
    """The handler of a command with add_round(): a missing or doubled round is refused before
    the handler opens the database."""
    @functools.wraps(func)
    def run(ctx):
        round_arg(ctx.args)
        return func(ctx)

    return run


def check_year(year: int, ahead: int | None = 1) -> int:
    """A year given otherwise than by --year (a default, a file's): refused as year_type refuses it."""
    last = _last_year(ahead)
    if not FIRST_YEAR <= year <= last:
        raise UserError(f"年度“{year}”无效，应在{FIRST_YEAR}年至{last}年之间。")
    return year


def parse_date(text: str | None, what: str) -> dt.date | None:
    """A date argument (None when not given); UserError naming `what` when it is not ISO."""
    if not text:
        return None
    try:
        return dates.parse_iso(text)
    except ValueError:
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
        if m and not 1 <= int(m[2]) <= 12:
            raise UserError(f"{what}“{text}”无效：月份应在 01 到 12 之间。") from None
        if m:  # written right, but no such day (2026-02-30)
            raise UserError(f"{what}“{text}”无效：{int(m[1])}年{int(m[2])}月没有{int(m[3])}日。") from None
        raise UserError(f"{what}“{text}”无效，应为 2026-03-01 这样的格式。") from None


def town_or_all(db, town: str | None) -> str | None:
    """The office a command works on; None means every town of the database (totals, compliance)."""
    from ..points.common import resolve_office, town_offices

    if town:
        return resolve_office(db, town)
    offices = town_offices(db)
    return offices[0]["id"] if len(offices) == 1 else None


def one_town(db, town: str | None) -> str:
    """The office a command works on: the town of a town database, or the named town of a county."""
    from ..points.common import resolve_office

    return resolve_office(db, town)


def find_branch(db, name: str, office_id: str | None = None):
    """A 党支部 (or 党总支) by name; refuses ambiguous names (registry.orgs.org_named)."""
    from ..registry.orgs import org_named

    return org_named(db, name, office_id)


def branch_id(db, name: str | None, office_id: str | None) -> str | None:
    """The id of the named branch, or None when no name was given (every branch)."""
    return find_branch(db, name, office_id)["id"] if name else None


def town_and_branch(db, args) -> tuple[str | None, str | None]:
    """(office, branch id) from --town and --branch (town_or_all; the branch is looked up in that town)."""
    office = town_or_all(db, args.town)
    return office, branch_id(db, args.branch, office)


def add_out(p) -> None:
    """`--out FILE.xlsx|FILE.pdf`: the table the command lists, saved by the shared table writer."""
    p.add_argument("--out", metavar="FILE.xlsx", help="把表格保存为 Excel（.xlsx）或 PDF（.pdf）文件")


def save_out(ctx, db, table) -> bool:
    """Save the command's table to --out (if given; the database is still open for the print's
    privacy guard). True when saved: the caller then prints nothing else unless --json."""
    if not getattr(ctx.args, "out", None):
        return False
    import sys

    from ..tables import save_tables

    path = save_tables([table], ctx.args.out, db=db)
    print(f"已保存 {path}：{table.title}，{len(table.rows)}行。",
          file=sys.stderr if getattr(ctx.args, "json", False) else sys.stdout)
    return True


def tell_import(ctx, report, errors_file: str | None) -> int:
    """After an all-or-nothing import (a ProblemReport with to_text / to_dict): the error workbook
    saved when asked, the report printed (or its JSON); exit code 2 when the file had errors."""
    from ..roster.report import save_error_report

    if report.errors and errors_file:
        save_error_report(report, errors_file)
    if ctx.args.json:
        ctx.print_json(report.to_dict())
    else:
        print(report.to_text())
        if report.errors and errors_file:
            print(f"错误清单已保存到：{errors_file}")
    return 2 if report.errors else 0


def input_file(text: str, what: str = "文件") -> str:
    """A file the command reads, refused when it is a folder (the readers said “找不到文件” of
    one); a file that is not there is left to the reader, which says so."""
    if text and os.path.isdir(text):
        raise UserError(f"{text} 是一个文件夹，不是文件。请指定要读取的{what}。")
    return text


def writable_target(path: str | os.PathLike) -> None:
    """A file can be saved as `path`: its folder exists, can be written (a file is made and removed
    there: a read-only stick), and it is not a folder itself (told as a failed save would be:
    errors.file_error)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise file_error(IsADirectoryError(errno.EISDIR, "Is a directory", path))
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise file_error(FileNotFoundError(errno.ENOENT, "No such file or directory", path))
    try:
        fd, probe = tempfile.mkstemp(prefix=".~", suffix=".part", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise file_error(e, path=path) from e


def errors_target(path: str | None) -> None:
    """The error workbook of an import (--errors, --report), checked before the import: it was
    only saved after it, so a folder or a missing folder lost the report the clerk had waited for,
    and a .pdf name got an Excel file."""
    if path is None:
        return
    from ..tables import check_suffix

    check_suffix(path, (".xlsx",))
    writable_target(path)
