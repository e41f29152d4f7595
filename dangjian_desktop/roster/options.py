"""What a roster import is asked to do (the CLI's flags, the wizard's choices)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ImportOptions:
    dry_run: bool = False
    update: bool = False
    create_branches: bool = False
    branch: str | None = None            # a branch name chosen by the user (CLI --branch)
    branch_id: str | None = None         # or its id (GUI)
    mapping: dict[str, str | None] = field(default_factory=dict)  # header key -> field ('' = ignore)
    sheets: list[str] | None = None      # only these sheets (None: every visible sheet)
    reader: str = "calamine"
    today: dt.date | None = None
    actor: str | None = None
