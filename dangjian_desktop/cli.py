"""The `dangjian` command: the same core operations as the GUI, with no Qt.

Sub-commands live in `dangjian_desktop/commands/*.py`; each module has
`register(sub, group)` and its handlers take a `Context` and return an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import pkgutil
import re
import sqlite3
import sys
import traceback
from pathlib import Path
from typing import Any

from . import __version__
from .db.storage import storage_error
from .errors import UserError
from .paths import default_db_path, log_file

# argparse looks its messages up through its module-level `_` at call time, so a
# translation table here makes every usage error Chinese.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


def _zh(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _zh  # type: ignore[attr-defined]


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")

    def add_argument(self, *args, **kwargs):
        """A positional argument is named in usage and errors by its Chinese label (the start of its
        help, or its choices), not by the code's name for it (“缺少必需的参数：file”)."""
        if args and not str(args[0]).startswith("-") and kwargs.get("metavar") is None:
            if kwargs.get("choices"):
                kwargs["metavar"] = "{" + ",".join(map(str, kwargs["choices"])) + "}"
            elif kwargs.get("help"):
                label = re.split(r"[：:（(，,；;]", kwargs["help"], maxsplit=1)[0].strip()
                if label:
                    kwargs["metavar"] = label
        return super().add_argument(*args, **kwargs)


class Context:
    """What a command handler needs: the parsed arguments and access to the database."""

    def __init__(self, args: argparse.Namespace):
        self.args = args

    @property
    def db_path(self) -> Path:
        return Path(self.args.db) if self.args.db else default_db_path()

    def open_db(self, mode: str = "write"):
        from .db import Database
        from .db.readonly import readonly_notice

        db = Database.open(self.db_path, mode=mode)
        if db.readonly_reason:  # read-only media: said once, then the command reads on
            print(readonly_notice(db.readonly_reason), file=sys.stderr)
        return db

    @staticmethod
    def print_json(obj: Any) -> None:
        print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def command_modules() -> list[str]:
    from . import commands

    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="dangjian", description="党建台账 命令行工具")
    parser.add_argument("--db", metavar="PATH", help="数据库文件（默认：用户数据目录中的 dangjian.sqlite）")
    parser.add_argument("--version", action="version", version=f"dangjian {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    groups: dict[str, Any] = {}

    def group(name: str, help_text: str):
        """Sub-commands of a named group (`schemes list`, `report publicity`), shared by modules."""
        if name not in groups:
            p = sub.add_parser(name, help=help_text)
            groups[name] = p.add_subparsers(dest=f"{name}_command", metavar="子命令",
                                            parser_class=ChineseArgumentParser)
            p.set_defaults(func=lambda ctx, p=p: (p.print_help(), 2)[1])
        return groups[name]

    # The registry's commands (init, demo, stats …) first: that is where a new user starts.
    for name in sorted(command_modules(), key=lambda n: (n != "registry", n)):
        importlib.import_module(f".commands.{name}", __package__).register(sub, group)
    return parser


def _internal_error_log() -> Path | None:
    try:
        path = log_file("cli-error.log")
        with path.open("a", encoding="utf-8") as f:
            f.write(traceback.format_exc() + "\n")
        return path
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:  # Ctrl-C while the commands are being loaded (a tenth of a second) is a cancel too
        parser = build_parser()
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(Context(args)) or 0)
    except UserError as e:
        print(e.message, file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        # Output piped into `head` and the like: the reader left; not an error.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except sqlite3.DatabaseError as e:
        if (told := storage_error(e, Context(args).db_path)) is not None:
            print(told.message, file=sys.stderr)
            return told.exit_code
        log = _internal_error_log()
        print(f"数据库错误：{e}。" + (f"详情见 {log}" if log else ""), file=sys.stderr)
        return 1
    except Exception as e:  # a bug: no traceback for the clerk, but keep it for us
        if (told := storage_error(e, Context(args).db_path)) is not None:  # a full disk is no bug
            print(told.message, file=sys.stderr)
            return told.exit_code
        log = _internal_error_log()
        print(f"程序内部错误（{type(e).__name__}）。" + (f"详情已写入 {log}" if log else ""), file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
