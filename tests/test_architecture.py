"""The shape of the code (README: 代码结构): the import contracts hold (lint-imports, contracts in
pyproject.toml), no file outgrows 600 lines, and no SQL is written in gui/ or commands/.

The two allow-lists below name today's offenders only. Each page moved into its own package takes
its files off them; a NEW offender fails at once, and so does an entry that is no longer needed
(so the lists only shrink, to empty)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "dangjian_desktop"
MAX_LINES = 600

#: Files over MAX_LINES today (paths under dangjian_desktop/).
BIG_FILES_ALLOWED: set[str] = set()

#: Files under gui/ and commands/ that write SQL today (their queries move into core functions).
SQL_ALLOWED: set[str] = set()

SQL = re.compile(r"\b(?:SELECT|INSERT\s+(?:OR\s+\w+\s+)?INTO|DELETE\s+FROM)\b|\bUPDATE\s+\"?\w+\"?\s+SET\b")

CONTRACTS = {"layers", "reports-above-assessment", "meetings-above-points", "lots-no-reports", "kit-below-pages",
             "no-cycles"}


# ---- import contracts ------------------------------------------------------------------------------

def lint_imports(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the `lint-imports` command of this interpreter's environment (never writing a cache)."""
    script = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    cmd = [script] if script else [sys.executable, "-c",
                                   "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"]
    return subprocess.run([*cmd, "--no-cache", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def test_the_import_contracts_hold():
    declared = {c["id"] for c in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                ["tool"]["importlinter"]["contracts"]}
    assert CONTRACTS <= declared, f"contracts missing from pyproject.toml: {sorted(CONTRACTS - declared)}"
    run = lint_imports()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "BROKEN" not in run.stdout and f"{len(declared)} kept, 0 broken" in run.stdout


def test_a_broken_contract_fails_the_check(tmp_path):
    """The same command on a package whose lower layer imports its upper one reports it and fails."""
    import os

    pkg = tmp_path / "shapecheck"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "gui.py").write_text("from . import core\n")
    (pkg / "core.py").write_text("from . import db\n")
    (pkg / "db.py").write_text("from . import gui  # the wrong way up\n")
    (tmp_path / ".importlinter").write_text(textwrap.dedent("""\
        [importlinter]
        root_package = shapecheck

        [importlinter:contract:layers]
        name = Layers
        type = layers
        layers =
            shapecheck.gui
            shapecheck.core
            shapecheck.db
        """))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = lint_imports("--config", str(tmp_path / ".importlinter"), cwd=tmp_path, env=env)
    assert run.returncode != 0 and "BROKEN" in run.stdout
    assert "shapecheck.db -> shapecheck.gui" in run.stdout


# ---- file size ---------------------------------------------------------------------------------------

def _python_files(under: Path):
    return sorted(p for p in under.rglob("*.py") if "__pycache__" not in p.parts)


def _rel(p: Path) -> str:
    return p.relative_to(PKG).as_posix()


def test_no_file_outgrows_600_lines():
    big = {_rel(p): n for p in _python_files(PKG)
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    new = {f: n for f, n in big.items() if f not in BIG_FILES_ALLOWED}
    assert not new, (f"over {MAX_LINES} lines: {new} — split it: new classes go into new modules "
                     f"(README: 代码结构)")
    done = BIG_FILES_ALLOWED - set(big)
    assert not done, f"now within {MAX_LINES} lines, take them off BIG_FILES_ALLOWED: {sorted(done)}"


# ---- no SQL in the faces -------------------------------------------------------------------------------

def sql_strings(source: str) -> list[str]:
    """The string literals (f-strings included) of a module that hold SQL."""
    found = []
    nodes = list(ast.walk(ast.parse(source)))
    parts = {id(v) for n in nodes if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in nodes:
        if id(node) in parts:
            continue  # a piece of an f-string, read with it
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if SQL.search(text):
            found.append(text)
    return found


def test_sql_strings_are_recognised():
    source = textwrap.dedent('''\
        a = "SELECT id FROM org"
        b = f"UPDATE member SET name = ? WHERE id = {x}"
        c = "DELETE FROM tx_log"
        d = "INSERT OR REPLACE INTO setting(id) VALUES (?)"
        e = "please select a branch, then update it"
        f = "更新设置"
        ''')
    assert len(sql_strings(source)) == 4


def test_no_sql_in_gui_or_commands():
    found = {_rel(p): len(s) for sub in ("gui", "commands") for p in _python_files(PKG / sub)
             if (s := sql_strings(p.read_text(encoding="utf-8")))}
    new = {f: n for f, n in found.items() if f not in SQL_ALLOWED}
    assert not new, (f"SQL in the faces: {new} — put the query in a named core function and call it "
                     f"(README: 代码结构)")
    done = SQL_ALLOWED - set(found)
    assert not done, f"no SQL left in these, take them off SQL_ALLOWED: {sorted(done)}"
