"""Which backups stay (no Qt, no files): the keep rule over time and the ceiling on their space.

- `KeepPolicy` (the database's setting `backup_keep`): every backup of the last days, then one a
  day, a week, a month; `backups_to_keep` applies it.
- `SpaceRule` (setting `backup_space`, default 10 GB, 0 for none): the rule bounds how many
  backups stay, not how large they are. A county's database grows by about 0.8 GB a year and
  its compressed backup by about 0.16 GB, and the rule keeps about 60 (every one of the last two
  days, made every 30 minutes while the clerk works): about 8 GB after one year, 46 GB after five
  (benchmarks/backup_space.py), and a prefecture's would fill a laptop's disk. `over_ceiling`:
  while the backups the rule kept take more than the ceiling, the one whose removal leaves the
  shortest gap between its neighbours goes first (a backup made 30 minutes after another adds
  least), so what stays is spread over the whole period. The oldest goes only when nothing but
  it and the newest ones is left, and the `MIN_KEPT` newest are never deleted for room.

backup.py reads the settings and deletes the files; backup_space.py checks the disk's room.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import dates
from ..errors import UserError

SETTING_KEEP = "backup_keep"  # the thinning rule of a database, e.g. "2,12,10,9"
SETTING_SPACE = "backup_space"  # the ceiling of a database's backups in GB, e.g. "10"; "0": none
DEFAULT_GB = 10.0
MAX_GB = 100_000.0
MIN_KEPT = 2  # the newest backups, never deleted for room (the last one, and the one before it)
GB = 1 << 30


@dataclass(frozen=True)
class KeepPolicy:
    """Which backups thinning keeps: every one of the last `all_days` calendar days (today
    included), then one of each day for `daily` days, of each 7-day week for `weekly` weeks and
    of each month for `monthly` months. Each tier's periods are counted back from where the tier
    before it ends, so they move on with the date; the one kept in a period is its oldest, which
    keeps the survivors a period apart however often thinning runs (keeping the newest would let
    each day's arrival push the week's older backup out). Older backups are deleted; the newest
    backup is always kept."""

    all_days: int = 2
    daily: int = 12
    weekly: int = 10
    monthly: int = 9

    def text(self) -> str:
        return f"{self.all_days},{self.daily},{self.weekly},{self.monthly}"

    def describe(self) -> str:
        return (f"最近{self.all_days}天的备份全部保留；更早的，{self.daily}天内每天保留一份，"
                f"再往前{self.weekly}周内每周一份，再往前{self.monthly}个月内每月一份，其余自动删除。")

    @classmethod
    def parse(cls, text: str) -> "KeepPolicy":
        parts = [p.strip() for p in re.split(r"[,，\s]+", text.strip()) if p.strip()]
        try:
            values = [int(p) for p in parts]
        except ValueError:
            values = []
        # At least today's backups are kept whole (as the window's field allows): 0 deleted every
        # backup but the newest at once.
        if len(values) != 4 or not all(0 <= v <= 1000 for v in values) or values[0] < 1:
            raise UserError(f"备份保留规则“{text}”无效。应为四个整数，用逗号分隔："
                            f"全部保留的天数（至少1）,每天一份的天数,每周一份的周数,每月一份的月数，例如 2,12,10,9。")
        return cls(*values)


def backups_to_keep(stamps: list[dt.datetime], now: dt.datetime, policy: KeepPolicy | None = None) -> set[int]:
    """Indexes into `stamps` of the backups thinning keeps (see KeepPolicy)."""
    policy = policy or KeepPolicy()
    if not stamps:
        return set()
    today = now.date()
    recent_start = today - dt.timedelta(days=policy.all_days - 1)
    daily_start = recent_start - dt.timedelta(days=policy.daily)
    weekly_start = daily_start - dt.timedelta(weeks=policy.weekly)
    monthly_start = dates.add_months(weekly_start, -policy.monthly)
    keep: set[int] = set()
    oldest_in: dict[tuple, int] = {}
    for i, when in enumerate(stamps):
        day = when.date()
        if day >= recent_start:
            keep.add(i)
            continue
        if day >= daily_start:
            bucket: tuple = ("day", day)
        elif day >= weekly_start:
            bucket = ("week", ((daily_start - day).days - 1) // 7)
        elif day >= monthly_start:
            k = 0
            while day < dates.add_months(weekly_start, -(k + 1)):
                k += 1
            bucket = ("month", k)
        else:
            continue
        j = oldest_in.get(bucket)
        if j is None or stamps[i] < stamps[j]:
            oldest_in[bucket] = i
    keep |= set(oldest_in.values())
    keep.add(max(range(len(stamps)), key=lambda i: stamps[i]))
    return keep


@dataclass(frozen=True)
class SpaceRule:
    """The most the backups of one database may take together, in GB (0: no ceiling)."""

    gb: float = DEFAULT_GB

    @property
    def limit(self) -> int | None:
        return int(self.gb * GB) if self.gb > 0 else None

    def text(self) -> str:
        return f"{self.gb:g}"

    def describe(self) -> str:
        if self.limit is None:
            return "备份占用的空间不设上限（磁盘剩余空间不够做下一份备份时，仍会先删去较早的备份）。"
        return (f"所有备份最多共占 {self.gb:g} GB，超出时先删去与前后备份相隔最近的（最新的 {MIN_KEPT} 份"
                f"始终保留）。")

    @classmethod
    def parse(cls, text: str) -> "SpaceRule":
        value = text.strip().upper().removesuffix("GB").strip()
        # At least a hundredth of a GB (the window's field): 0.0000001 was taken and shown as 1e-07 GB.
        if (not re.fullmatch(r"\d{1,6}(?:\.\d+)?", value) or float(value) > MAX_GB
                or 0 < float(value) < 0.01):
            raise UserError(f"备份占用空间的上限“{text}”无效。应为以 GB 为单位的数（至少 0.01），"
                            f"例如 10 或 2.5；0 表示不设上限。")
        return cls(float(value))


def over_ceiling(stamps: list[dt.datetime], sizes: list[int], keep: set[int], limit: int | None,
                 at_least: int = MIN_KEPT) -> set[int]:
    """Of the backups `keep` (indexes into `stamps` and `sizes`), those to delete so that the rest
    take at most `limit` bytes, in the order the module describes; empty when they fit."""
    if limit is None:
        return set()
    kept = sorted(keep, key=lambda i: stamps[i])
    total = sum(sizes[i] for i in kept)
    out: set[int] = set()
    while total > limit and len(kept) > at_least:
        k = _least_missed(kept, stamps, at_least)
        i = kept.pop(k)
        out.add(i)
        total -= sizes[i]
    return out


def _least_missed(kept: list[int], stamps: list[dt.datetime], at_least: int) -> int:
    """The position in `kept` (oldest first) of the backup whose removal leaves the shortest gap
    between its neighbours; the oldest only when it is the only one left to choose."""
    candidates = range(1, len(kept) - at_least)
    if not candidates:
        return 0
    return min(candidates, key=lambda k: (stamps[kept[k + 1]] - stamps[kept[k - 1]], k))
