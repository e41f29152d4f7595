"""The 组织台账 page's actions: what each is called, what it says, its key, and the toolbar.

Each action becomes the page's attribute `action_<name>` and calls the page's method of the same
name; `update_actions` enables them for what is selected and whether the database can be written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

# (name, text, tooltip, shortcut); the method called is the page's `name`, or METHODS[name].
ORG_ACTIONS = (
    ("add_org", "新增组织", "在所选组织下新增党委、党总支、党支部或党小组", None),
    ("edit_org", "编辑组织", "修改所选组织的名称、类别、联系方式等", None),
    ("delete_org", "删除组织", "删除没有下级组织、党员和考核、会议、台账记录的组织", None),
)
MEMBER_ACTIONS = (
    ("add_member", "新增党员", "在所选党支部登记党员（Ctrl+Ins）", "Ctrl+Ins"),
    ("edit_member", "编辑党员", "修改所选党员的信息（F2）", "F2"),
    ("transfer", "转接", "把所选党员的组织关系转到本单位的其他党支部", None),
    ("status", "党籍变动", "转出、预备转正、失联、死亡、出党等，按日期记入变动历史", None),
    ("remove_member", "删除党员", "删除录入错误的党员记录（须说明原因）", None),
    ("history", "变动历史", "查看所选党员的党籍变动历史", None),
)
ROSTER_ACTIONS = (
    ("import", "导入花名册…", "从Excel花名册批量导入党员", None),
    ("export", "导出花名册…", "把所选组织的党员导出为Excel花名册", None),
    ("template", "下载导入模板…", "保存空白的Excel花名册导入模板", None),
)
METHODS = {"transfer": "transfer_member", "status": "change_status", "history": "show_history",
           "import": "import_roster", "export": "export_roster", "template": "save_template"}
#: What a read-only database turns off.
EDITING = ("add_org", "edit_org", "delete_org", "add_member", "edit_member", "transfer", "status",
           "remove_member", "import")
#: The member table's context menu and the organisation tree's.
MEMBER_MENU = ("edit_member", "transfer", "status", "history", "remove_member")
TREE_MENU = ("add_org", "edit_org", "delete_org", "add_member")


def _action(page: Any, name: str, text: str, tip: str, shortcut: str | None) -> QAction:
    a = QAction(text, page)
    a.setToolTip(tip)
    a.setStatusTip(tip)
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
        a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    method = METHODS.get(name, name)
    a.triggered.connect(lambda _checked=False: getattr(page, method)())
    page.addAction(a)
    setattr(page, f"action_{name}", a)
    return a


def build_actions(page: Any) -> QToolBar:
    """Create the page's actions (page.action_<name>, page.editing_actions) and its toolbar."""
    toolbar = QToolBar("组织台账", page)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for group in (ORG_ACTIONS, MEMBER_ACTIONS, ROSTER_ACTIONS):
        if toolbar.actions():
            toolbar.addSeparator()
        for spec in group:
            toolbar.addAction(_action(page, *spec))
    page.editing_actions = tuple(getattr(page, f"action_{n}") for n in EDITING)
    return toolbar


def actions_named(page: Any, names: tuple[str, ...]) -> list[QAction]:
    return [getattr(page, f"action_{n}") for n in names]


def update_actions(page: Any, *, writable: bool, has_db: bool, node: bool, org: Any, members: int) -> None:
    """Enable what applies: `node` a tree node is current, `org` its organisation row (None for an
    office), `members` how many members are selected."""
    one = members == 1
    page.action_add_org.setEnabled(writable and node and (org is None or org["org_type"] != "党小组"))
    page.action_edit_org.setEnabled(writable and org is not None)
    page.action_delete_org.setEnabled(writable and org is not None and org["parent_id"] is not None)
    page.action_add_member.setEnabled(writable and node)
    for a in actions_named(page, ("edit_member", "transfer", "status", "remove_member")):
        a.setEnabled(writable and one)
    page.action_history.setEnabled(has_db and one)
    page.action_import.setEnabled(writable)
    page.action_export.setEnabled(has_db)
    page.action_template.setEnabled(True)
