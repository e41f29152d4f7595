"""The data layer: open, lock, migrate, one unit of work per change, change log."""

from .database import Database, Tx, VerifyCancelled
from .ids import new_id
from .lock import current_actor
from .migrations import latest_version

__all__ = ["Database", "Tx", "VerifyCancelled", "new_id", "current_actor", "latest_version"]
