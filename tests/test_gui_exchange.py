"""The 数据交换 window over real packages made by the core between small databases: the import
preview shows the core's counts and writes nothing until 确认导入; then the data are there and the
receipt shows; a tampered package is refused with the Chinese reason and nothing written; export
(after joining with an invitation through the window) writes a package and its receipt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from dangjian_desktop.db import Database
from dangjian_desktop.exchange.ownership import label
from dangjian_desktop.gui.exchange import ExchangeWindow
from tests.exchange_util import county_with_towns, dj, dj_json, dump, flip, pdf_text, small_town
from tests.test_exchange_conflicts import forked, local, note  # noqa: F401 - the fixture of a town gone back to a backup

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def county_and_package(tmp_path):
    county, towns = county_with_towns(tmp_path, ["文城镇"])
    pkg = tmp_path / "文城镇.djx"
    dj("--db", towns["文城镇"], "exchange", "export", "--out", pkg)
    return county, pkg


def _window(qtbot, path):
    db = Database.open(path)
    win = ExchangeWindow(db)
    qtbot.addWidget(win)
    win.show()
    return db, win


def _wait(qtbot, op):
    qtbot.waitUntil(lambda: not op.running, timeout=60000)
    return op


def _close(win, db):
    for box in (win.current_message, win.receipt and win.receipt.current_message):
        if box is not None:
            box.close()
    if win.receipt is not None:
        win.receipt.close()
    win.close()
    db.close()


def test_preview_shows_the_core_counts_and_writes_nothing_until_confirmed(qtbot, county_and_package, tmp_path):
    county, pkg = county_and_package
    expected = dj_json("--db", county, "exchange", "import", pkg, "--dry-run", "--json")
    assert expected["total"]["new"] > 0
    db, win = _window(qtbot, county)
    try:
        assert [s.name for s in win.status_model.rows] == ["文城镇"]
        assert "尚未报送：文城镇" in win.peers_hint.text()
        before = dump(county)
        _wait(qtbot, win.transfer.preview_file(pkg))
        rows = {r["table"]: r for r in win.transfer.model.rows}
        for t, c in expected["tables"].items():
            for k in ("new", "updated", "unchanged", "conflicts", "refused"):
                assert rows[label(t)][k] == c[k], (t, k)
        assert rows["合计"]["new"] == expected["total"]["new"]
        assert win.transfer.sender_label.text().startswith("文城镇")
        assert win.transfer.fingerprint_label.text() == expected["sender_fingerprint"]
        assert win.transfer.confirm_button.isEnabled()
        assert dump(county) == before  # the preview wrote nothing
        assert db.scalar("SELECT count(*) FROM member") == 0

        qtbot.mouseClick(win.transfer.confirm_button, Qt.MouseButton.LeftButton)
        assert not win.transfer.choose_button.isEnabled()  # nothing else starts while it is written
        _wait(qtbot, win.transfer.operation)
        qtbot.waitUntil(lambda: win.transfer.choose_button.isEnabled())
        assert db.scalar("SELECT count(*) FROM member") == 8
        assert win.receipt is not None and win.receipt.isVisible()
        assert "数据交换回执（导入）" in win.receipt.text and expected["package"] in win.receipt.text
        assert [e.package_id for e in win.log_model.rows] == [expected["package"]]
        assert "最近" not in win.peers_hint.text() and "尚未报送" not in win.peers_hint.text()
        pdf = win.receipt.save_pdf(tmp_path / "回执.pdf")
        assert expected["package"] in pdf_text(pdf)
        assert not win.transfer.confirm_button.isEnabled()
    finally:
        _close(win, db)


def test_a_package_replaced_after_its_preview_is_refused_not_imported_unseen(qtbot, tmp_path):
    """The clerk previews a file, then it is replaced on the stick by another town's package of the
    same name: 确认导入 refuses it (the preview no longer describes it) and writes nothing."""
    county, towns = county_with_towns(tmp_path, ["文城镇", "东阁镇"])
    pkg, other = tmp_path / "包.djx", tmp_path / "东阁镇.djx"
    dj("--db", towns["文城镇"], "exchange", "export", "--out", pkg)
    dj("--db", towns["东阁镇"], "exchange", "export", "--out", other)
    db, win = _window(qtbot, county)
    try:
        _wait(qtbot, win.transfer.preview_file(pkg))
        assert win.transfer.sender_label.text().startswith("文城镇")
        before = dump(county)
        pkg.write_bytes(other.read_bytes())
        qtbot.mouseClick(win.transfer.confirm_button, Qt.MouseButton.LeftButton)
        _wait(qtbot, win.transfer.operation)
        text = win.transfer.status_label.text()
        assert "拒收" in text and "已被换成另一个数据包" in text, text
        assert win.transfer.model.rowCount() == 0 and win.transfer.sender_label.text() == "—"
        assert not win.transfer.confirm_button.isEnabled()
        assert dump(county) == before and win.log_model.rows == []
    finally:
        _close(win, db)


def test_tampered_package_is_refused_in_chinese_and_nothing_is_written(qtbot, county_and_package, tmp_path):
    county, pkg = county_and_package
    bad = flip(pkg, tmp_path / "坏.djx", pkg.stat().st_size // 2)
    db, win = _window(qtbot, county)
    try:
        before = dump(county)
        _wait(qtbot, win.transfer.preview_file(bad))
        text = win.transfer.status_label.text()
        assert "拒收" in text and win.transfer.refusal and win.transfer.refusal in text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in win.transfer.refusal)
        assert not win.transfer.confirm_button.isEnabled()
        assert win.transfer.model.rowCount() == 0
        assert win.current_message is None  # told on the page, not in a box
        assert dump(county) == before
    finally:
        _close(win, db)


def test_join_with_an_invitation_then_export_writes_a_package(qtbot, tmp_path):
    county = tmp_path / "county.sqlite"
    dj("--db", county, "init", "--name", "测试县", "--level", "county")
    dj("--db", county, "exchange", "invite", "--town", "文城镇", "--out", tmp_path / "inv.djx")
    town = small_town(tmp_path / "town.sqlite", "文城镇")
    db, win = _window(qtbot, town)
    try:
        assert not win.join_button.isHidden() and win.invite_button.isHidden()
        _wait(qtbot, win.join_with(tmp_path / "inv.djx"))
        assert "县里的密钥指纹" in win.current_message.text()
        win.current_message.close()
        assert "测试县" in win.peers_hint.text()
        out = tmp_path / "U盘" / "文城镇.djx"
        out.parent.mkdir()
        op = _wait(qtbot, win.transfer.export_to(out))
        assert op.error is None
        assert out.exists() and out.stat().st_size > 0
        assert "文城镇.djx" in win.transfer.export_note.text()
        assert [e.direction for e in win.log_model.rows] == ["out"]
        assert "数据交换回执（导出）" in win.receipt.text
        win.receipt.close()
        # The stick pulled out: the failure is told, and the page no longer says 已导出 of the last one.
        op = _wait(qtbot, win.transfer.export_to(tmp_path / "拔掉的U盘" / "文城镇.djx"))
        assert op.error is not None and win.current_message is not None
        assert "已导出" not in win.transfer.export_note.text()
        win.current_message.close()
    finally:
        _close(win, db)
    shown = dj_json("--db", county, "exchange", "show", out, "--json")
    assert shown["from"] == "文城镇" and sum(shown["tables"].values()) > 0


def test_conflicts_are_listed_side_by_side_and_each_choice_goes_through_resolve(qtbot, forked):
    tmp, county, town, (ga, _gb, gc), _new = forked
    a, c = local(county, ga), local(county, gc)  # the conflicts name the county's rows by its own ids
    dj("--db", town, "exchange", "export", "--full", "--out", tmp / "p4")
    db, win = _window(qtbot, county)
    try:
        _wait(qtbot, win.transfer.preview_file(tmp / "p4"))
        assert win.transfer.preview.total.conflicts == 2
        assert "2 个冲突" in win.transfer.status_label.text()
        qtbot.mouseClick(win.transfer.confirm_button, Qt.MouseButton.LeftButton)
        _wait(qtbot, win.transfer.operation)
        panel = win.conflicts
        assert {x.row_id for x in panel.model.rows} == {a, c}
        assert win.tabs.tabText(1) == "冲突（2）"
        row = next(n for n, x in enumerate(panel.model.rows) if x.row_id == a)
        here = panel.model.data(panel.model.index(row, 3))
        there = panel.model.data(panel.model.index(row, 4))
        assert "县里收到的修改A" in here and "乡镇后来的修改A" in there
        ids = {x.row_id: x.id for x in panel.model.rows}
        _keep_c, take_c = panel.buttons[ids[c]]
        win.tabs.setCurrentWidget(panel)
        win.activateWindow()
        take_c.setFocus()
        qtbot.keyClick(take_c, Qt.Key.Key_Space)  # from the keyboard
        assert note(county, gc) == "乡镇后来的修改C"
        assert [x.row_id for x in panel.model.rows] == [a]  # reloaded from the bus
        # The pressed button went with the reload: the keyboard goes on with the conflict now in its place.
        qtbot.waitUntil(lambda: panel.buttons[ids[a]][1].hasFocus(), timeout=5000)
        qtbot.mouseClick(panel.buttons[ids[a]][0], Qt.MouseButton.LeftButton)
        assert note(county, ga) == "县里收到的修改A"
        assert panel.model.rowCount() == 0 and win.tabs.tabText(1) == "冲突"
        done = {x["row"]: x["choice"] for x in dj_json("--db", county, "exchange", "conflicts", "--all", "--json")}
        assert (done[a], done[c]) == ("local", "remote")
    finally:
        _close(win, db)


def test_file_menu_opens_the_window_and_closing_the_database_closes_it(qtbot, county_and_package, tmp_path):
    from PySide6.QtCore import QSettings

    from dangjian_desktop.gui.main_window import MainWindow

    county, _pkg = county_and_package
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert w.open_database(county)
    assert w.action_exchange.text() == "数据交换(&E)…"
    w.action_exchange.trigger()
    win = w.exchange_window
    assert win.isVisible() and win.windowTitle() == "数据交换" and win.db is w.db
    w.action_exchange.trigger()
    assert w.exchange_window is win  # one window per database
    w.close_database()
    assert not win.isVisible()
    w.close()


def test_a_town_that_went_back_to_a_backup_exports_the_complete_package_the_county_asks_for(qtbot, forked):
    """The county refuses the town's usual package and asks for a complete one, in words the
    clerk can follow in the window; the town's window exports it, and the county's preview lists
    the conflicts instead of refusing."""
    tmp, county, town, (ga, _gb, gc), _new = forked
    a, c = local(county, ga), local(county, gc)  # the preview names the county's rows by its own ids
    db, win = _window(qtbot, town)
    try:
        assert not win.transfer.full_check.isHidden() and not win.transfer.full_check.isChecked()
        _wait(qtbot, win.transfer.export_to(tmp / "usual.djx"))
        win.transfer.full_check.setChecked(True)
        _wait(qtbot, win.transfer.export_to(tmp / "full.djx"))
        assert not win.transfer.full_check.isChecked()  # once: the next package is the usual one
    finally:
        _close(win, db)
    db, win = _window(qtbot, county)
    try:
        assert win.transfer.full_check.isHidden()  # the county's replies are never partial
        _wait(qtbot, win.transfer.preview_file(tmp / "usual.djx"))
        refusal = win.transfer.refusal
        assert "勾选“完整数据包”" in refusal and "dangjian" not in refusal, refusal
        _wait(qtbot, win.transfer.preview_file(tmp / "full.djx"))
        assert win.transfer.preview.status == "dry-run" and win.transfer.preview.total.conflicts == 2
        assert {x["row"] for x in win.transfer.preview.conflicts} == {a, c}
    finally:
        _close(win, db)


def test_what_the_window_tells_names_its_own_buttons_not_only_commands(qtbot, county_and_package, tmp_path):
    """A town not yet joined that exports, a package picked as the invitation, and the county's
    to-do after a town's package: each says where to click in the window."""
    county, pkg = county_and_package
    db, win = _window(qtbot, small_town(tmp_path / "新镇.sqlite", "新镇", seed=7))
    try:
        op = _wait(qtbot, win.transfer.export_to(tmp_path / "x.djx"))
        text = win.current_message.text()
        assert op.error is not None and "加入县里的交换" in text and "dangjian" not in text, text
        win.current_message.close()
        _wait(qtbot, win.join_with(pkg))
        text = win.current_message.text()
        assert "邀请乡镇" in text and "exchange invite 生成" not in text, text
    finally:
        _close(win, db)
    db, win = _window(qtbot, county)
    try:
        _wait(qtbot, win.transfer.preview_file(pkg))
        qtbot.mouseClick(win.transfer.confirm_button, Qt.MouseButton.LeftButton)
        _wait(qtbot, win.transfer.operation)
        todo = win.status_model.rows[0].pending
        assert any("发回执" in t and "导出与导入" in t for t in todo), todo
    finally:
        _close(win, db)


def test_the_county_makes_a_recovery_file_for_a_town_whose_laptop_died(qtbot, county_and_package, tmp_path):
    """乡镇换了电脑…: the towns whose data the county holds, the file and its code (shown once); the
    town's new laptop recovers from them, and its old key is no longer taken."""
    county, pkg = county_and_package
    db, win = _window(qtbot, county)
    try:
        assert not win.recovery_button.isHidden()
        win.recovery_button.click()
        assert win.current_message is not None and "没有可以恢复" in win.current_message.text()
        win.current_message.close()
        _wait(qtbot, win.transfer.preview_file(pkg))
        qtbot.mouseClick(win.transfer.confirm_button, Qt.MouseButton.LeftButton)
        _wait(qtbot, win.transfer.operation)
        win.receipt.close()
        win.recovery_button.click()
        dlg = win.current_dialog
        assert [dlg.combo.itemText(i) for i in range(dlg.combo.count())] == ["文城镇"] and not dlg.combo.isEditable()
        dlg.reject()
        op = _wait(qtbot, win.recover_town("文城镇", tmp_path / "恢复.djx"))
        assert op.error is None
        code = op.result.recovery_code
        assert code in win.current_message.text() and "原来的密钥已停用" in win.current_message.text()
        win.current_message.close()
        assert win.status_model.rows[0].state == "invited"
    finally:
        _close(win, db)
    dj("--db", tmp_path / "新电脑.sqlite", "exchange", "recover", tmp_path / "恢复.djx", "--code", code)
    assert dj_json("--db", tmp_path / "新电脑.sqlite", "stats", "--json")["members"] == 8


def test_a_county_that_invited_no_town_is_not_told_every_town_reported(qtbot, tmp_path):
    county = tmp_path / "county.sqlite"
    dj("--db", county, "init", "--name", "测试县", "--level", "county")
    db, win = _window(qtbot, county)
    try:
        assert win.status_model.rows == []
        assert "都报送过" not in win.peers_hint.text() and "邀请乡镇" in win.peers_hint.text()
    finally:
        _close(win, db)


def test_re_inviting_a_joined_town_says_its_packages_are_no_longer_taken(qtbot, county_and_package, tmp_path):
    county, pkg = county_and_package
    dj("--db", county, "exchange", "import", pkg)
    db, win = _window(qtbot, county)
    try:
        _wait(qtbot, win.invite_town("文城镇", tmp_path / "again.djx"))
        text = win.current_message.text()
        assert "重新加入的邀请文件" in text and "原来的加入已作废" in text and "不再接收" in text, text
    finally:
        _close(win, db)
