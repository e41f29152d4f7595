"""USB data exchange between the towns and the county: signed, encrypted packages, a preview
before anything is written, an idempotent merge, conflicts shown side by side. No Qt.

Public API (the CLI and, later, the GUI call these):

peers      identity(db) -> Identity (keys and fingerprint); invite(db, town, out) -> Invitation;
           join(db, invitation_file) -> Joined; peers(db); county_peer(db)
export     export_town(db, out, full=False) -> Exported; export_county(db, town, out) -> Exported
recovery   recovery_package(db, town, out) -> Exported (with .recovery_code); recover(db_path, file, code)
apply      import_package(db, file, dry_run=False) -> ImportResult (PackageRefused when the file is refused)
opening    open_package(db, file) -> Opened (checks only: sender, recipient, signature)
conflicts  list_conflicts(db), find_conflict(db, id), resolve(db, id, keep='local'|'remote')
ledger     exchange_log(db) -> [LogEntry]; exchange_status(db) -> [TownStatus]
receipt    receipt_text(db, entry); receipt_pdf(db, package_id, out)
ownership  KINDS (table -> town/county/both/local), kind_of, scope_sql
"""

from .apply import ImportResult, import_package
from .conflicts import Conflict, find_conflict, list_conflicts, resolve
from .crypto import PackageRefused
from .export import Exported, export_county, export_town
from .ledger import LogEntry, TownStatus, exchange_log, exchange_status, log_entry
from .peers import Invitation, Joined, county_peer, identity, invite, join, peers
from .receipt import find_entry, receipt_pdf, receipt_text
from .recovery import Recovered, recover, recovery_package

__all__ = [
    "ImportResult", "import_package", "Conflict", "find_conflict", "list_conflicts", "resolve", "PackageRefused",
    "Exported", "export_county", "export_town", "LogEntry", "TownStatus", "exchange_log", "exchange_status",
    "log_entry", "Invitation", "Joined", "county_peer", "identity", "invite", "join", "peers", "find_entry",
    "receipt_pdf", "receipt_text", "Recovered", "recover", "recovery_package",
]
