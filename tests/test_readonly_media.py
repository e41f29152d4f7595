"""A database on read-only media (a CD, a write-protected stick, a folder without write rights)
opens read-only with a notice; reading commands work, writing ones say why they cannot."""

from __future__ import annotations

import errno
import functools
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.registry import init_office

BIN = Path(sys.executable).parent
NOBODY = 65534


def make_office(path: Path) -> None:
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    with db.transaction("写入一条设置") as tx:
        tx.set_meta("probe", "在光盘上")
    db.close()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---- the place really cannot be written (chmod, as an ordinary user) ------------------------

def _unprivileged() -> list[str]:
    """The prefix that runs a command as a user whom chmod binds (root is not bound by it)."""
    if sys.platform == "win32":
        pytest.skip("chmod does not make a folder read-only on Windows")
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: chmod cannot make a folder read-only here")
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if not _reachable(tuple(prefix)):
        pytest.skip("the unprivileged user cannot run this checkout's Python (a clone in a private "
                    "folder, such as one made by mktemp -d): chmod cannot be tested here")
    return prefix


@functools.lru_cache(maxsize=None)
def _reachable(prefix: tuple[str, ...]) -> bool:
    """Can the user of `prefix` start this checkout's program at all?"""
    probe = subprocess.run([*prefix, sys.executable, "-c", "import dangjian_desktop"], capture_output=True,
                           cwd="/", timeout=120)
    return probe.returncode == 0


@pytest.fixture
def media():
    """A folder made read-only after the database is put in it; reachable by the unprivileged user."""
    base = Path(tempfile.mkdtemp(prefix="dangjian-ro-"))
    base.chmod(0o755)
    folder = base / "media"
    folder.mkdir()
    home = base / "home"
    home.mkdir()
    home.chmod(0o777)
    yield folder, home
    for p in [folder, *folder.iterdir()]:
        p.chmod(stat.S_IRWXU)
    shutil.rmtree(base)


def _seal(folder: Path, files_too: bool = True) -> None:
    if files_too:
        for p in folder.iterdir():
            p.chmod(0o444)
    folder.chmod(0o555)


def _run(prefix: list[str], home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DANGJIAN_DATA_DIR=str(home / "data"), HOME=str(home),
               XDG_DATA_HOME=str(home / "xdg-data"), XDG_CONFIG_HOME=str(home / "xdg-config"))
    return subprocess.run([*prefix, *args], capture_output=True, text=True, env=env, cwd=home, timeout=120)


@pytest.mark.parametrize("files_too, words", [(True, "数据库文件是只读的"), (False, "文件夹不能写入")])
def test_a_database_in_a_read_only_folder_is_read_with_a_notice(media, files_too, words):
    prefix = _unprivileged()
    folder, home = media
    path = folder / "office.sqlite"
    make_office(path)
    assert not Path(f"{path}-wal").exists()  # closed cleanly: a WAL database with no -shm to use
    if not files_too:
        for p in folder.iterdir():
            p.chmod(0o666)  # writable files in a folder that is not (no -wal/-shm can be made)
    _seal(folder, files_too)
    before = listing(folder)
    dangjian = str(BIN / "dangjian")

    stats = _run(prefix, home, dangjian, "--db", str(path), "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["orgs"] == 1
    notice = stats.stderr.strip()
    assert len(notice.splitlines()) == 1 and "只读方式打开" in notice and words in notice

    write = _run(prefix, home, dangjian, "--db", str(path), "settings", "set", "operator", "张三")
    assert write.returncode == 3
    assert "不能修改" in write.stderr and "复制到本机硬盘" in write.stderr and "Traceback" not in write.stderr

    code = textwrap.dedent("""
        import json, sys
        from dangjian_desktop.db import Database
        db = Database.open(sys.argv[1], mode="auto")
        out = {"readonly": db.readonly, "reason": db.readonly_reason, "probe": db.meta("probe")}
        try:
            with db.transaction("改一条设置") as tx:
                tx.set_meta("probe", "changed")
        except Exception as e:
            out["write"] = [type(e).__name__, e.message]
        db.close()
        print(json.dumps(out, ensure_ascii=False))
    """)
    gui_like = _run(prefix, home, sys.executable, "-c", code, str(path))
    assert gui_like.returncode == 0, gui_like.stderr
    out = json.loads(gui_like.stdout)
    assert out["readonly"] is True and words in out["reason"] and out["probe"] == "在光盘上"
    assert out["write"][0] == "LockedError" and out["reason"] in out["write"][1]
    assert listing(folder) == before  # nothing was made beside it: no -wal, -shm or lock file


def test_a_copy_taken_while_open_is_read_with_its_wal(media):
    """Copied with its -wal and -shm (the office's program was running): the newest changes,
    still in the -wal, are read too."""
    prefix = _unprivileged()
    folder, home = media
    source = home / "live.sqlite"
    make_office(source)
    live = Database.open(source)
    live.conn.execute("PRAGMA wal_autocheckpoint = 0")
    with live.transaction("只在日志中的修改") as tx:
        tx.set_meta("probe", "在日志中")
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{source}{suffix}", folder / f"office.sqlite{suffix}")
    live.close()
    _seal(folder)
    out = _run(prefix, home, str(BIN / "dangjian"), "--db", str(folder / "office.sqlite"), "settings", "list")
    assert out.returncode == 0, out.stderr
    assert "只读方式打开" in out.stderr

    code = "import sys; from dangjian_desktop.db import Database; print(Database.open(sys.argv[1], 'read').meta('probe'))"
    read = _run(prefix, home, sys.executable, "-c", code, str(folder / "office.sqlite"))
    assert read.stdout.strip() == "在日志中", read.stderr


def test_a_wal_without_its_shm_on_read_only_media_is_refused_with_advice(media):
    prefix = _unprivileged()
    folder, home = media
    source = home / "live.sqlite"
    make_office(source)
    live = Database.open(source)
    live.conn.execute("PRAGMA wal_autocheckpoint = 0")
    with live.transaction("只在日志中的修改") as tx:
        tx.set_meta("probe", "在日志中")
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{source}{suffix}", folder / f"office.sqlite{suffix}")
    live.close()
    _seal(folder)
    out = _run(prefix, home, str(BIN / "dangjian"), "--db", str(folder / "office.sqlite"), "stats")
    assert out.returncode == 1
    assert "-wal" in out.stderr and "复制到本机硬盘" in out.stderr and "Traceback" not in out.stderr


# ---- the same code paths in this process, whoever runs the tests ------------------------------

class _LockFileRefused:
    """The lock module's `os`, except that making the lock file fails as on read-only media."""

    def __init__(self, err: int):
        self.err = err

    def open(self, path, flags, mode=0o777):
        if str(path).endswith(".lock"):
            raise OSError(self.err, os.strerror(self.err), str(path))
        return os.open(path, flags, mode)

    def __getattr__(self, name):
        return getattr(os, name)


@pytest.mark.parametrize("err, words", [(errno.EROFS, "磁盘是只读的"), (errno.EACCES, "不能在数据库所在的文件夹中建立锁文件")])
def test_no_lock_file_can_be_made_so_it_opens_read_only(db, db_path, monkeypatch, capsys, err, words):
    import dangjian_desktop.db.lock as lock_mod

    db.close()
    monkeypatch.setattr(lock_mod, "os", _LockFileRefused(err))
    opened = Database.open(db_path, mode="auto")
    try:
        assert opened.readonly and words in opened.readonly_reason and opened.holder is None
        assert opened.scalar("SELECT count(*) FROM office") == 1
        with pytest.raises(LockedError, match=words):
            with opened.transaction("改一条设置") as tx:
                tx.set_meta("probe", "x")
    finally:
        opened.close()
    with pytest.raises(LockedError, match="复制到本机硬盘"):
        Database.open(db_path, mode="write")
    assert main(["--db", str(db_path), "stats", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["orgs"] == 1
    assert main(["--db", str(db_path), "settings", "set", "operator", "张三"]) == 3
    assert words in capsys.readouterr().err


def test_a_folder_that_cannot_be_written_opens_the_real_file_immutable(db, db_path, monkeypatch, capsys):
    """As on a CD: os.access says no. The file is opened immutable (nothing is created beside it)
    and every reading command works."""
    db.close()
    before = listing(db_path.parent)
    real_access = os.access
    folder = str(db_path.parent.resolve())

    def cd_rom(path, mode, **kw):
        if mode & os.W_OK and str(Path(path).resolve()).startswith(folder):
            return False
        return real_access(path, mode, **kw)

    monkeypatch.setattr(os, "access", cd_rom)
    connects = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda target, *a, **kw: connects.append(str(target))
                        or real_connect(target, *a, **kw))
    for mode in ("auto", "read"):
        opened = Database.open(db_path, mode=mode)
        try:
            assert opened.readonly and "只读" in opened.readonly_reason
            assert opened.meta("app") and opened.verify() == []
        finally:
            opened.close()
    to_file = [c for c in connects if db_path.name in c]
    assert to_file and all("immutable=1" in c for c in to_file)
    assert main(["--db", str(db_path), "warnings", "--json"]) == 0
    assert "只读方式打开" in capsys.readouterr().err
    assert listing(db_path.parent) == before


def test_a_writable_place_opens_as_before(db, db_path, capsys):
    db.close()
    opened = Database.open(db_path, mode="auto")
    try:
        assert not opened.readonly and opened.readonly_reason is None
    finally:
        opened.close()
    assert main(["--db", str(db_path), "stats"]) == 0
    assert capsys.readouterr().err == ""


def test_user_error_for_unmerged_wal_names_the_file(tmp_path):
    from dangjian_desktop.db.readonly import readonly_uri

    path = tmp_path / "x.sqlite"
    path.write_bytes(b"")
    Path(f"{path}-wal").write_bytes(b"frames")
    with pytest.raises(UserError, match="x.sqlite-wal"):
        readonly_uri(path, location_writable=False)
    Path(f"{path}-shm").write_bytes(b"")
    assert readonly_uri(path, location_writable=False).endswith("?mode=ro")
