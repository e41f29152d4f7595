"""The `dangjian` command given what a careless or hostile user gives: each case once broke the
command's contract (JSON alone on stdout, Chinese errors, the documented exit codes)."""

from __future__ import annotations

import json

from dangjian_desktop.cli import main


def test_backups_rules_with_json_keep_stdout_json_only(db, capsys):
    path = db.path
    db.close()
    for option, value in (("--keep", "3,6,4,2"), ("--space", "5")):
        assert main(["--db", str(path), "backups", option, value, "--json"]) == 0
        out = capsys.readouterr()
        assert json.loads(out.out) == []
        assert "已保存" in out.err
