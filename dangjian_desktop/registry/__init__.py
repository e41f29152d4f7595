"""The registry: offices, the organisation tree, committees and terms, members and their history."""

from .offices import add_town, get_setting, init_office, local_office, set_setting, towns
from .orgs import (add_committee_member, add_org, committee, current_term, delete_org, end_committee_member,
                   extend_term, set_group_leader, start_term, subtree_ids, update_org)
from .members import (add_member, change_status, history, remove_member, transfer_member, update_member)
from .summary import summary
from .tree import org_tree, tree_counts
from .warnings import compute_warnings

__all__ = [
    "add_town", "get_setting", "init_office", "local_office", "set_setting", "towns",
    "add_committee_member", "add_org", "committee", "current_term", "delete_org", "end_committee_member",
    "extend_term", "set_group_leader", "start_term", "subtree_ids", "update_org",
    "add_member", "change_status", "history", "remove_member", "transfer_member", "update_member",
    "summary", "org_tree", "tree_counts", "compute_warnings",
]
