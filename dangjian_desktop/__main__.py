"""`dangjian-desktop` / `python -m dangjian_desktop`: start the GUI, or run the self-test."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dangjian-desktop", description="党建台账")
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
