"""The publicity sheet (公示) of an assessment round: gathers the round's results and hands them
to the shared publicity-sheet builder (reports.pdf), which embeds the font and guards privacy.

Settings (registry get_setting/set_setting):
    publicity_issuer            发布单位 (落款), default 中共<town>委员会 / 中共<county>委员会组织部
    publicity_contact_office    受理单位   (reports.pdf.SETTING_CONTACT_OFFICE)
    publicity_contact_phone     受理电话   (reports.pdf.SETTING_CONTACT_PHONE)
    publicity_contact_address   来信来访地址 (reports.pdf.SETTING_CONTACT_ADDRESS)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..db import Database

SETTING_ISSUER = "publicity_issuer"


@dataclass
class PublicityOptions:
    paper: str = "A4"  # A4 | A3
    landscape: bool = False
    start: dt.date | str | None = None  # first day of publicity (default: the round's, else today)
    title: str | None = None  # default: 关于<office><round title>结果的公示
    opening: str | None = None
    issue_date: dt.date | str | None = None  # default: the first day of publicity
    issuer: str | None = None  # default: the setting, else derived from the office


def default_issuer(db: Database) -> str:
    """The setting publicity_issuer, else 中共<town>委员会 (town) / 中共<county>委员会组织部 (county)."""
    raise NotImplementedError


def publicity_sheet(db: Database, round_id: str, options: PublicityOptions | None = None):
    """The reports.pdf.PublicitySheet for the round (title, opening, rows, period, contact)."""
    raise NotImplementedError


def build_round_publicity(db: Database, round_id: str, out: str | Path | None = None,
                          options: PublicityOptions | None = None) -> bytes | Path:
    """Build the PDF; returns bytes, or the path when `out` is given (written atomically)."""
    raise NotImplementedError
