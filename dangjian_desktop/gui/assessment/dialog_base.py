"""What the 考核检查 dialogs share: the form-dialog base whose OK runs one core change as a kit
Operation (the page hears it on the bus), and date fields shown as 2026年3月1日."""

from __future__ import annotations

import datetime as dt
from typing import Callable, TypeVar

from PySide6.QtWidgets import QDateEdit, QWidget

from ...db import Database
from .. import common
from ..kit.form_dialog import FormDialog
from ..kit.operations import Operation

T = TypeVar("T")


def set_date(edit: QDateEdit, value: dt.date | str | None) -> None:
    """Show the date (None: today) in a date field styled as 2026年3月1日 with a calendar popup."""
    common.date_edit(edit)
    common.set_date(edit, value)


class ChangeDialog(FormDialog):
    """A Designer form (ui/assessment_*.ui) around one change of a round or a sheet on `db`; open
    with `.open()` (window-modal, non-blocking). The core's Chinese reason stays under the form
    until the input is valid."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db

    def change(self, label: str, op: Callable[[Database], T]) -> T:
        """Run `op(db)` as one Operation on the GUI thread (a sheet's change is quick), so every page
        hears what it changed; a failure comes back here for the form to show."""
        work = Operation(self.dialog, label, op, db=self.db).failure(lambda _e: None).run()
        if work.error is not None:
            raise work.error
        return work.result
