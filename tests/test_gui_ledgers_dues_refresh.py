"""The 党费 sub-page after a save reads again only the members the save changed (ledgers.dues_year
.refreshed): the other members' rows stay the objects it showed, what it shows equals a full read;
a scope shown before is kept; another database is read in full."""

from __future__ import annotations

import shutil

import pytest

from dangjian_desktop import dates
from dangjian_desktop.db import Database
from dangjian_desktop.ledgers import dues

from ledgers_gui_util import ledgers_page
from points_util import add_branch

pytestmark = pytest.mark.gui

TODAY = dates.today()


def _town(path, town_template):
    shutil.copyfile(town_template, path)
    db = Database.open(path)
    try:
        b = add_branch(db, n=6, secretary=False)
        for mid in b.members:
            dues.set_base(db, mid, TODAY.year, base=3000, rate_class="在职", fixed_on=f"{TODAY.year}-01-02")
        return b
    finally:
        db.close()


def test_a_payment_reads_again_that_member_only(qtbot, tmp_path, town_template):
    path = tmp_path / "town.sqlite"
    b = _town(path, town_template)
    with ledgers_page(qtbot, path) as page:
        panel = page.panels[0]
        shown = panel.data
        assert len(shown.members) == 6
        payer = b.members[2]
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            dues.record_payment(page.db, payer, TODAY.year, "1-12", amount="180", paid_on=TODAY.isoformat())
        after = panel.data
        assert after is not shown
        kept = {m.member_id: m for m in shown.members}
        for m in after.members:
            assert (m is kept[m.member_id]) == (m.member_id != payer)
        full = dues.status(page.db, TODAY.year, as_of=after.as_of)
        assert [m.to_dict() for m in after.members] == [m.to_dict() for m in full.members]
        assert [x.to_dict() for x in after.branches] == [x.to_dict() for x in full.branches]
        assert panel.model.rowCount() == 6
        assert next(m for m in after.members if m.member_id == payer).paid_fen == 18000
        # Another branch, then back: the year shown before is kept and nothing read again.
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            page.org_combo.setCurrentIndex(page.org_combo.findData(b.id))
        assert panel.data.scope == (None, b.id)
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            page.org_combo.setCurrentIndex(0)
        assert panel.data is after
        other = tmp_path / "other.sqlite"
        shutil.copyfile(town_template, other)
        db2 = Database.open(other)
        try:
            with qtbot.waitSignal(panel.loaded, timeout=20000):
                page.set_database(db2)
            assert panel.data.members == [] and panel.model.rowCount() == 0
        finally:
            page.set_database(None)
            db2.close()
