"""组织台账, the registry page: page.py composes the panels (tree_panel, details_panel,
members_panel, warnings_panel) over the models (models.py, member_model.py); editing.py says what
each action does, actions.py what the actions are; the dialogs are split by subject (org_dialogs,
member_dialogs, term_dialogs, status_dialogs, history_dialog) over dialog_base. Static layouts are
the Designer forms ui/registry_*.ui. Queries and rules are the core's (dangjian_desktop.registry).
"""
