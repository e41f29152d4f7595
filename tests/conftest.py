"""Shared fixtures: every test gets its own data folder; nothing touches the user's real data."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    yield


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "office.sqlite"


@pytest.fixture
def db(db_path):
    """A fresh database with a town office."""
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office

    database = Database.create(db_path)
    init_office(database, name="测试镇", level="town")
    yield database
    database.close()
