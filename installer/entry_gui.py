"""Frozen entry point of `dangjian-desktop` (the window; `--selftest` checks the installation)."""

import sys

from dangjian_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
