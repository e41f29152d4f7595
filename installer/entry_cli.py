"""Frozen entry point of `dangjian` (the command-line tool; no Qt)."""

import sys

from dangjian_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
