"""党员积分: a meeting's topic, place and minutes and a branch's name show as typed, never as markup."""

from __future__ import annotations

import pytest

from dangjian_desktop.meetings.ledger import record_meeting
from tests.test_gui_plain_text import shown_label
from tests.test_gui_points import tab, town  # noqa: F401 - the fixtures

from points_util import YEAR

pytestmark = pytest.mark.gui


def test_a_meetings_texts_show_as_typed(qtbot, tab, town):  # noqa: F811
    db, b = town
    record_meeting(db, org_id=b.id, meeting_type="支委会", date=f"{YEAR}-01-10", topic="<b>学习</b>党章",
                   place="<i>村部</i>", content="<img src='x.png'> & <a href='x'>链接</a>",
                   attendance={b.members[0]: "出席", b.members[1]: "出席"})
    tab.tabs.setCurrentWidget(tab.meetings)
    tab.refresh_all()
    tab.meetings.view.selectRow(0)
    text = shown_label(tab.meetings.detail_label)
    assert "<b>学习</b>党章" in text and "地点：<i>村部</i>" in text
    assert "<img src='x.png'> & <a href='x'>链接</a>" in text
