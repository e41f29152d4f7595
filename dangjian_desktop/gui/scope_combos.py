"""The 乡镇 chooser that pages reading one town or (at the county) all of them share."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from ..db import Database
from ..registry.offices import local_office, towns


def fill_towns(db: Database | None, label: QLabel, combo: QComboBox) -> bool:
    """Fill `combo` with 全县 and the county's towns and show it (with its label) in a county
    database; empty and hidden otherwise. Returns whether the database is a county's. The caller
    blocks the combo's signals while it fills its choosers."""
    combo.clear()
    county = db is not None and bool(db.local_office_id) and local_office(db)["level"] == "county"
    if county:
        combo.addItem("全县", None)
        for town in towns(db):
            combo.addItem(town["name"], town["id"])
    label.setVisible(county)
    combo.setVisible(county)
    return county
