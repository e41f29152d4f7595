"""星级党员公示: the opening's figures add up to the list below it, members without a star and
those not rated included."""

from __future__ import annotations

import re

from dangjian_desktop.db import Database
from dangjian_desktop.reports.member_stars import prepare


def test_the_openings_figures_count_every_member_listed(demo_town):
    with Database.open(demo_town, mode="read") as db:
        checked = 0
        for (org_id,) in db.tuples("SELECT id FROM org WHERE org_type = '党支部' ORDER BY name"):
            try:
                info = prepare(db, 2025, org_id)
            except Exception:  # noqa: BLE001 - a branch without members this year
                continue
            opening = info.sheet.opening
            figures = [int(n) for n in re.findall(r"(\d+)名", opening)]
            assert sum(figures) == len(info.sheet.rows), opening
            unstarred = sum(1 for r in info.sheet.rows if r[-1] == "无星")
            if unstarred:
                assert f"无星{unstarred}名" in opening
                checked += 1
        assert checked, "no branch of the demo has a member without a star"
