"""`dangjian-desktop` / `python -m dangjian_desktop`: start the GUI, or run the self-test."""

from __future__ import annotations

import sys
from pathlib import Path


def _ensure_streams() -> None:
    """A windowed Windows executable has no console: sys.stdout/stderr are None there, and
    argparse (bad arguments, --help) would crash writing to them. Send them to a log file."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    try:
        from .paths import log_file

        stream = open(log_file("console.log"), "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the app
    except OSError:
        import os

        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream


def main(argv: list[str] | None = None) -> int:
    _ensure_streams()
    from .cli import ChineseArgumentParser  # usage and errors in Chinese, as the command line's

    parser = ChineseArgumentParser(prog="dangjian-desktop", description="党建台账")
    parser.add_argument("--db", metavar="PATH", help="要打开的数据库文件")
    parser.add_argument("--selftest", action="store_true", help="自检：检查程序能否正常运行后退出")
    args = parser.parse_args(argv)
    if args.selftest:
        from .selftest import run_selftest

        return run_selftest()
    from .gui.app import run

    return run(Path(args.db) if args.db else None)


if __name__ == "__main__":
    sys.exit(main())
