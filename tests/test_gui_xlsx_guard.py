"""The roster import wizard shows a clear error for a hostile or broken file and stays alive."""

from __future__ import annotations

import pytest

from dangjian_desktop.gui.roster.wizard import RosterImportWizard

import xlsx_util as X
from roster_util import add_branches, member_count

pytestmark = pytest.mark.gui

CASES = ["empty", "not a zip", "web page saved as .xls", "truncated", "missing sheet part", ".xls renamed .xlsx",
         "password to open", ".xlsx renamed .xls", "damaged part", "cells far apart", "ods repeated cells",
         "shared strings count"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("files")
    out = X.broken_files(tmp / "broken")
    out["cells far apart"] = (X.far_cells(tmp), "数据区域有 1048576 行 × 16384 列")
    out["ods repeated cells"] = (X.ods_repeated(tmp), "数据区域有 90000 行 × 1000 列")
    out["shared strings count"] = (X.sst_bomb(tmp, "count.xlsx", X.MiB, count=100_000_000), "个共享字符串")
    return out


@pytest.mark.parametrize("case", CASES)
def test_the_wizard_shows_why_a_file_cannot_be_read(qtbot, db, files, case):
    add_branches(db, "红星村党支部")
    wizard = RosterImportWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    path, phrase = files[case]
    wizard.set_file(path)
    assert wizard.file_page.isComplete()
    wizard.next()
    page = wizard.mapping_page
    assert wizard.currentPage() is page
    assert phrase in page.error.text() and path.name in page.error.text()
    assert page.error.isVisible() and not page.isComplete()
    # The clerk picks another, good file: the wizard carries on.
    wizard.back()
    wizard.set_file(X.roster(path.parent / "good.xlsx"))
    wizard.next()
    assert page.error.text() == "" and page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    assert wizard.check_page.report.ok and member_count(db) == 0
