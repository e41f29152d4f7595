"""Open, create, migrate and write the office's SQLite database through one unit of work."""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .. import APP_NAME, __version__
from ..dates import now_iso
from ..errors import LockedError, UserError, os_reason
from ..progress import Progress, stoppable
from . import audit, creating, owned_rows, seal
from . import sqlite_checks as checks
from .derived import derived_problems
from .sqlite_checks import VerifyCancelled
from .local_ids import Allocator, complete, gid_tables, is_local
from .keys import OfficeKey, create_key, load_key
from .lock import LockHolder, WriterLock, current_actor
from .migrations import all_migrations, latest_version
from .readonly import lock_refused_reason, readonly_uri, unwritable_reason
from .storage import storage_error

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"bad SQL identifier {name!r}")
    return f'"{name}"'


def _connect(path: Path, readonly: bool, ro_uri: str | None = None) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(ro_uri or f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


class Database:
    """One office's database file. Writable only while this process holds the writer lock."""

    readonly_reason: str | None = None  # why it was opened read-only when its place cannot be written
    ro_uri: str | None = None  # how a read-only connection to the file is opened (open() sets it)

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: WriterLock | None,
                 holder: LockHolder | None = None):
        self.path = path
        self.conn = conn
        self._lock = lock
        self.holder = holder  # who has the file when we opened read-only because of them
        self._tx: Tx | None = None
        self._tx_thread: int | None = None
        # Units of work from different threads (a background task and the GUI) wait for
        # each other instead of joining each other's transaction.
        self._tx_mutex = threading.RLock()
        self._listeners: list[Callable[[set[str]], None]] = []
        self._key: OfficeKey | None = None
        self._set_null_refs: dict[str, list[tuple[str, str]]] = {}

    # ---- opening -------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, *, schema_version: int | None = None,
               setup: Callable[["Database"], object] | None = None) -> "Database":
        """Create a new, empty, migrated database, and `setup(db)` (the office, recovered data) on
        it, under a hidden name renamed into place when done (creating.py). Refuses to overwrite
        an existing file. `schema_version` stops at an older schema (for testing migrations from it).
        """
        path = Path(path)
        if path.exists() and not empty_file(path):  # an empty file holds nothing to keep
            raise UserError(f"文件已存在，不会覆盖：{path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = WriterLock(path)
        if (holder := lock.acquire()) is not None:
            raise LockedError(f"数据库正被{holder.describe()}使用")
        staged = creating.staged_path(path)
        creating.discard(staged)  # what a creation cut short left (it held this lock)
        db = cls(staged, _connect(staged, readonly=False), lock)
        try:
            db._migrate(backup=False, upto=schema_version)
            with db.transaction("创建数据库", actor=current_actor()) as tx:
                tx.execute("INSERT INTO meta(key, value) VALUES ('app', ?), ('created_at', ?), ('created_by', ?)",
                           (APP_NAME, now_iso(), __version__))
            if setup is not None:
                setup(db)
            seal.forget_connection(db.conn)
            creating.publish(db.conn, staged, path, empty_file)
            db.path, db.conn = path, _connect(path, readonly=False)
            owned_rows.install(db.conn)  # a recovered town's rows from the county are read-only
        except BaseException:
            db.close()
            creating.discard(staged)
            Path(f"{path}.lock").unlink(missing_ok=True)  # released, of no file
            raise
        return db

    @classmethod
    def open(cls, path: str | Path, mode: str = "write", *,
             progress: Progress | None = None) -> "Database":
        """Open an existing database.

        mode 'write': take the writer lock or refuse, naming the holder.
        mode 'auto': take the writer lock, or open read-only when another process has it.
        mode 'read': read-only without the lock.
        An older schema is upgraded when opened for writing, after a checked backup; `progress`
        (done, total, text; total 0: unknown) follows that (see needs_upgrade).
        """
        path = Path(path)
        if path.is_dir():
            raise UserError(f"{path} 是一个文件夹，不是数据库文件。请指定文件夹中的数据库文件。")
        if not path.is_file():
            raise UserError(f"找不到数据库文件：{path}。请先用“新建数据库”或 dangjian init 创建。")
        why_readonly = unwritable_reason(path)  # read-only media: read-only with a notice
        ro_uri = readonly_uri(path, location_writable=why_readonly is None)
        _check_header(path, ro_uri)
        lock: WriterLock | None = None
        holder = None
        readonly = mode == "read" or why_readonly is not None
        if not readonly:
            lock = WriterLock(path)
            try:
                holder = lock.acquire()
            except OSError as e:  # no lock file can be made there
                if (why_readonly := lock_refused_reason(e)) is None:
                    raise
                lock, readonly = None, True
                ro_uri = readonly_uri(path, location_writable=False)
            if holder is not None:
                lock = None
                if mode == "write":
                    raise LockedError(f"数据库正被{holder.describe()}使用，不能同时修改。"
                                      f"请关闭那里的程序后再试。")
                readonly = True
        if why_readonly is not None and mode == "write":
            raise LockedError(f"{why_readonly}，不能修改：{path}。请把数据库复制到本机硬盘后再修改。")
        conn = _connect(path, readonly=readonly, ro_uri=ro_uri)
        db = cls(path, conn, lock, holder)
        db.readonly_reason = why_readonly
        db.ro_uri = ro_uri
        try:
            db._check_version(readonly, holder=holder, why_readonly=why_readonly)
            if not readonly:
                db._migrate(backup=True, progress=progress)
                owned_rows.install(db.conn)  # rows received from other offices are read-only
        except BaseException:
            db.close()
            raise
        return db

    @property
    def readonly(self) -> bool:
        return self._lock is None

    @property
    def stale_lock_cleared(self) -> LockHolder | None:
        return self._lock.stale_cleared if self._lock else None

    def close(self) -> None:
        try:
            seal.forget_connection(self.conn)
            self.conn.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- schema --------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_version(self, readonly: bool, *, holder: LockHolder | None = None,
                       why_readonly: str | None = None) -> None:
        have, know = self.schema_version, latest_version()
        # Another program's SQLite file (tables, no version) is told as such, also when only read:
        # it is no older database of ours, which an upgrade would turn into one.
        if have == 0 and self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]:
            raise UserError(f"{self.path} 不是党建台账的数据库。")
        if have > know:
            raise UserError(
                f"此数据库由更新版本的党建台账写入（数据库版本 {have}，本程序只支持到 {know}）。"
                f"为免损坏数据，本程序不会打开它，请安装新版本。")
        if have < know and readonly:
            # Said as it is: in use elsewhere, on read-only media, or only opened to be read here.
            if holder is not None:
                why = f"它正被{holder.describe()}使用，暂时无法升级。请关闭那里的程序后再打开"
            elif why_readonly is not None:
                why = f"{why_readonly}，无法升级。请把数据库复制到本机硬盘后再打开"
            else:
                why = ("查看它的命令不会升级它。请先在图形界面中打开一次（文件 → 打开数据库），"
                       "或运行一次修改数据的命令；升级前会自动备份")
            raise UserError(f"此数据库是旧版本（数据库版本 {have}，本程序为 {know}），需要升级后才能使用：{why}。")

    @staticmethod
    def needs_upgrade(path: str | Path) -> bool:
        """Whether opening the file for writing upgrades its schema: a checked backup of the whole
        file first (seconds for a county's, minutes for a prefecture's), so the window does it off
        its own thread with a progress bar. False for anything else (Database.open says what)."""
        path = Path(path)
        if not path.is_file():
            return False
        try:
            conn = sqlite3.connect(readonly_uri(path, location_writable=unwritable_reason(path) is None), uri=True)
            try:
                have = conn.execute("PRAGMA user_version").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return 0 < have < latest_version()

    def _migrate(self, *, backup: bool, upto: int | None = None,
                 progress: Progress | None = None) -> None:
        have = self.schema_version
        steps = [m for m in all_migrations() if m.version > have and (upto is None or m.version <= upto)]
        if not steps:
            return
        if backup and have > 0:
            from .backup import auto_backup  # checked copy in the backup folder, never a partial file

            try:
                auto_backup(self, f"upgrade-v{steps[-1].version}", progress=progress)  # named for where it goes
            except UserError as e:
                raise UserError(f"升级数据库前的自动备份没有成功，数据库没有升级，也没有被改动。\n{e.message}") from None
        text = f"正在把数据库升级到第 {steps[-1].version} 版"
        if progress is not None:
            progress(0, 0, text)
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            for step in steps:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    step.run(self.conn, None if progress is None else (
                        lambda done, total: progress(done, total, text)))
                    self.conn.execute(f"PRAGMA user_version = {int(step.version)}")
                    audit.rebuild_triggers(self.conn)
                    problems = self.conn.execute("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise RuntimeError(f"migration {step.name} broke foreign keys: {problems[:3]}")
                    self.conn.execute("COMMIT")
                except BaseException:
                    if self.conn.in_transaction:  # SQLite rolls back by itself on a full disk
                        self.conn.execute("ROLLBACK")
                    raise
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")
        if self.schema_version >= seal.SEAL_FROM_VERSION and self.scalar(
                "SELECT 1 FROM tx_log WHERE seal IS NULL LIMIT 1"):
            with self.transaction(f"升级数据库到第 {self.schema_version} 版：给变更日志签章"):
                pass  # sealing the earlier history happens at this unit of work's commit
            pages, free = self.scalar("PRAGMA page_count"), self.scalar("PRAGMA freelist_count")
            if free > pages // 4:
                self.conn.execute("VACUUM")  # the compacted log left much of the file empty

    def backup_to(self, target: Path) -> Path:
        """A consistent, integrity-checked copy of the committed database at `target`, made with
        SQLite's online backup API into a temporary file that is renamed into place (never a
        partial file; UserError when it fails)."""
        from .backup import copy_database

        return copy_database(self, Path(target))

    # ---- reading -------------------------------------------------------------------
    def query(self, sql: str, params: Iterable[Any] | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def tuples(self, sql: str, params: Iterable[Any] | dict = ()) -> list[tuple]:
        """`query` as plain tuples (no sqlite3.Row per row): for reads of thousands of rows."""
        cur = self.conn.cursor()
        cur.row_factory = None
        try:
            return cur.execute(sql, params).fetchall()
        finally:
            cur.close()

    def streamed(self, sql: str, params: Iterable[Any] | dict = ()) -> Iterator[tuple]:
        """`tuples` one row at a time, never all of them in a list: for a read of a prefecture's
        hundreds of thousands of rows that are turned into something else as they come (the
        list's rows, all alive at once, would fix the process's memory at their peak)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        try:
            yield from cur.execute(sql, params)
        finally:
            cur.close()

    def one(self, sql: str, params: Iterable[Any] | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Iterable[Any] | dict = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the database (a read transaction), so that figures and the
        change log's last entry read together belong together. Inside a unit of work already
        begun, that one is the state read."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")  # nothing was written: ends the read

    def get(self, table: str, row_id: str) -> sqlite3.Row | None:
        return self.one(f"SELECT * FROM {_ident(table)} WHERE id = ?", (row_id,))

    def set_null_references(self, table: str) -> list[tuple[str, str]]:
        """(table, column) of the audited rows whose reference to `table` is ON DELETE SET NULL."""
        if table not in self._set_null_refs:
            refs = []
            for t in audit.identity_tables(self.conn):
                for fk in self.conn.execute(f"PRAGMA foreign_key_list({_ident(t)})"):
                    if fk["table"] == table and fk["on_delete"] == "SET NULL":
                        refs.append((t, fk["from"]))
            self._set_null_refs[table] = refs
        return self._set_null_refs[table]

    def meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM meta WHERE key = ?", (key,))

    @property
    def local_office_id(self) -> str | None:
        return self.meta("local_office_id")

    # ---- writing -------------------------------------------------------------------
    def on_commit(self, callback: Callable[[set[str]], None]) -> None:
        """Call `callback(tables_changed)` after each committed unit of work."""
        self._listeners.append(callback)

    @contextmanager
    def transaction(self, reason: str, actor: str | None = None) -> Iterator["Tx"]:
        """One unit of work: one SQLite transaction, one tx_log row, change-log rows by trigger.

        Nested calls in the same thread join the outer unit of work; another thread waits.
        """
        if self._tx is not None and self._tx_thread == threading.get_ident():
            yield self._tx
            return
        if self.readonly:
            raise LockedError("数据库以只读方式打开，不能修改。" + (
                f"它正被{self.holder.describe()}使用。" if self.holder else "") + (
                f"{self.readonly_reason}。" if self.readonly_reason else ""))
        with self._tx_mutex:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                log_start = self.conn.execute("SELECT ifnull(max(seq), 0) FROM change_log").fetchone()[0]
                cur = self.conn.execute(
                    "INSERT INTO tx_log(at, actor, host, reason, app_version) VALUES (?, ?, ?, ?, ?)",
                    (now_iso(), actor or self.meta("operator") or current_actor(), socket.gethostname(),
                     reason, __version__))
                tx = Tx(self, cur.lastrowid, log_start)
                self._tx, self._tx_thread = tx, threading.get_ident()
                yield tx
                self._seal(tx)
                self.conn.execute("COMMIT")
            except BaseException as exc:
                # After a full disk or an I/O error SQLite has rolled back by itself already.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if (told := storage_error(exc, self.path)) is not None:
                    raise told from exc
                if (told := owned_rows.refused_edit(exc)) is not None:
                    raise told from exc
                raise
            finally:
                self._tx, self._tx_thread = None, None
        for cb in list(self._listeners):
            cb(set(tx.tables))

    def _office_key(self) -> OfficeKey:
        """The key that seals this database's transactions; made on first use (inside a unit of work).

        A database whose key is not on this computer (copied from another laptop) gets a new key
        from here on; `verify` then says that the older transactions cannot be confirmed here.
        """
        kid = self.meta("seal_key_id")
        if self._key is not None and self._key.key_id == kid:
            return self._key
        key = load_key(kid) if kid else None
        if key is None:
            try:
                key = create_key()
            except OSError as e:
                raise UserError(f"无法在用户数据目录保存单位密钥（{os_reason(e)}），数据未保存。") from None
            self.conn.execute("INSERT INTO meta(key, value) VALUES ('seal_key_id', ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key.key_id,))
        self._key = key
        return key

    def _seal(self, tx: "Tx") -> None:
        if self.schema_version < seal.SEAL_FROM_VERSION:
            return  # an older schema, kept only by tests of migrations: sealed when upgraded
        key, _ = self._office_key(), tx.ids.close()
        if self.conn.execute("SELECT 1 FROM tx_log WHERE seal IS NULL AND id < ? LIMIT 1", (tx.id,)).fetchone():
            seal.seal_backlog(self.conn, key, tx.id)
        seal.seal_transaction(self.conn, tx.id, key, tx.log_start)

    def verify(self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> list[str]:
        """Integrity check, foreign keys and change log. Empty list: sound. `progress(done, total,
        text)`, if given, follows the change-log checks (seal.Tally); SQLite's own run beside them.
        `cancelled()`, if given, is asked as often as the progress is told (and while SQLite's
        checks are waited for): once it is true, VerifyCancelled is raised, the checks beside
        interrupted (a prefecture's file takes minutes to check).

        SQLite's own checks (a third of the time, all in SQLite) run on a second read-only
        connection in a thread while this one checks the change log; where that connection
        cannot be had (uncommitted changes here, a file SQLite will not open twice), they run
        here afterwards. Either way every check runs in full and in the same order of report."""
        if cancelled is not None:
            progress = stoppable(progress, cancelled, VerifyCancelled)
        side = None
        if not self.conn.in_transaction:
            file = self.conn.execute("PRAGMA database_list").fetchone()[2]
            side = checks.SqliteChecks(file, self.ro_uri) if file else None
        try:
            try:
                log_problems = self._verify_log(progress)
            except sqlite3.DatabaseError as e:
                if "malformed" not in str(e):
                    raise
                # Pages that cannot be read: told as what it is (SQLite's own check, beside, says where).
                log_problems = ["数据库文件已损坏：有的数据页无法读取，不能逐行核对。请从备份恢复。"]
            if progress is not None:  # the bar at its end (the tally's total is an estimate, at least the rows)
                waiting = side is not None and side.is_alive()
                progress(1, 1, "等待数据库完整性检查完成" if waiting else "变更日志核对完成")
            sqlite_problems = side.result(cancelled) if side is not None else None
        except BaseException:  # no second connection outlives the call
            if side is not None:
                side.stop()
            raise
        if sqlite_problems is None:
            sqlite_problems = checks.sqlite_checks(self.conn)
        return sqlite_problems + log_problems

    def _verify_log(self, progress: Progress | None = None) -> list[str]:
        problems = []
        if self.schema_version < seal.SEAL_FROM_VERSION:
            return problems + audit.verify_log(self.conn)
        live = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables = [t for t in seal.reference(self.schema_version).columns if t in live]
        tally = seal.Tally(self.conn, tables, progress) if progress is not None else None
        orphan = self.scalar("SELECT count(*) FROM change_log c LEFT JOIN tx_log t ON t.id = c.tx_id "
                             "WHERE t.id IS NULL")
        if orphan:
            problems.append(f"变更日志中有 {orphan} 条记录没有对应的事务记录（事务记录在本程序之外被删除）")
        problems += seal.verify_schema(self.conn)
        problems += seal.verify_chain(self.conn, load_key, tally)
        problems += seal.verify_rows(self.conn, tables, tally)
        problems += derived_problems(self.conn)
        return problems


class Tx:
    """The handle of one unit of work: writes rows with identity, revision and time."""

    def __init__(self, db: Database, tx_id: int, log_start: int = 0):
        self.db = db
        self.id = tx_id
        self.log_start = log_start  # newest change-log seq before this unit of work
        self.tables: set[str] = set()
        self.now, self.ids = now_iso(), Allocator(db.conn)  # ids: local from v15 (db/local_ids.py)

    @property
    def owner(self) -> str:
        return self.db.local_office_id or ""

    def execute(self, sql: str, params: Iterable[Any] | dict = ()) -> sqlite3.Cursor:
        m = re.match(r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", sql, re.I)
        if m:
            self.tables.add(m.group(1))
        return self.db.conn.execute(sql, params)

    def insert(self, table: str, values: dict[str, Any]) -> str:
        row = dict(values)
        complete(self.db.conn, table, row, self.ids)
        row.setdefault("owner", self.owner)
        row["rev"] = 1
        row["updated_at"] = self.now
        cols = ", ".join(_ident(c) for c in row)
        marks = ", ".join("?" for _ in row)
        self.execute(f"INSERT INTO {_ident(table)} ({cols}) VALUES ({marks})", list(row.values()))
        return row["id"]

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> list[str]:
        if not rows:
            return []
        owner, now = self.owner, self.now  # one look-up, not one per row
        # The columns of the first row (a row without one of them inserts NULL there), each row's
        # values straight into its parameter list: no copy of the row (a demo year is 10^5 rows).
        keys = [c for c in rows[0] if c not in ("id", "owner", "rev", "updated_at", "gid")]
        gids = table in gid_tables(self.db.conn)
        cols = ["id", *keys, "owner", "rev", "updated_at", *(("gid",) if gids else ())]
        values = itemgetter(*keys) if len(keys) > 1 else (lambda r: tuple(r[c] for c in keys))  # C speed
        ids: list[str] = []
        params = []
        for r in rows:
            rid = r["id"] if "id" in r else self.ids(table)
            ids.append(rid)
            try:
                row = values(r)
            except KeyError:  # a row without some of the first row's columns: NULL there
                row = tuple(r.get(c) for c in keys)
            params.append((rid, *row, r["owner"] if "owner" in r else owner, 1, now,
                           *((r.get("gid") or (self.ids.gid_for(rid) if is_local(rid) else None),) if gids else ())))
        sql = (f"INSERT INTO {_ident(table)} ({', '.join(_ident(c) for c in cols)}) "
               f"VALUES ({', '.join('?' for _ in cols)})")
        self.tables.add(table)
        self.db.conn.executemany(sql, params)
        return ids

    def update(self, table: str, row_id: str, values: dict[str, Any], *,
               expected_rev: int | None = None) -> None:
        """Change columns of one row; raises UserError when it is gone or was changed meanwhile."""
        current = self.db.get(table, row_id)
        if current is None:
            raise UserError("要修改的记录已不存在，可能已被删除。")
        if expected_rev is not None and current["rev"] != expected_rev:
            raise UserError("这条记录在您编辑期间已被修改，请重新打开后再改。")
        changes = {k: v for k, v in values.items() if k not in ("id", "rev", "updated_at")}
        changes["rev"] = current["rev"] + 1
        changes["updated_at"] = self.now
        sets = ", ".join(f"{_ident(c)} = ?" for c in changes)
        self.execute(f"UPDATE {_ident(table)} SET {sets} WHERE id = ?", [*changes.values(), row_id])

    def delete(self, table: str, row_id: str) -> None:
        # A reference that SQLite would clear (ON DELETE SET NULL) is cleared here first, as an
        # update that raises the referring row's revision like every other change.
        for ref_table, column in self.db.set_null_references(table):
            for (ref_id,) in self.db.conn.execute(
                    f"SELECT id FROM {_ident(ref_table)} WHERE {_ident(column)} = ?", (row_id,)).fetchall():
                self.update(ref_table, ref_id, {column: None})
        self.execute(f"DELETE FROM {_ident(table)} WHERE id = ?", (row_id,))

    def set_meta(self, key: str, value: str | None) -> None:
        self.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def empty_file(path: Path) -> bool:
    """A file of 0 bytes with no journal beside it: what `touch` or a failed copy leaves."""
    try:
        return (path.is_file() and path.stat().st_size == 0
                and not any(Path(f"{path}{s}").exists() for s in ("-wal", "-journal")))
    except OSError:
        return False


def _check_header(path: Path, uri: str | None = None) -> None:
    """Refuse a file that is not an SQLite database, reading it through SQLite itself.

    Never a plain open()/close() of the database file: on POSIX systems closing any descriptor
    of a file drops every lock this process holds on it, so another process would believe it is
    the last user and delete -wal/-shm from under a connection that is still open here.
    SQLite's own VFS shares one descriptor per file across the process's connections and keeps
    it open while locks are held.
    """
    try:
        conn = sqlite3.connect(uri or f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise UserError(f"无法读取数据库文件 {path}：{e}") from None
    try:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        if "malformed" in str(e):  # an SQLite file whose structure cannot be read: damaged, not foreign
            raise UserError(f"数据库文件 {path} 已损坏，无法读取。请从备份恢复（文件 → 备份与恢复，"
                            f"或 dangjian restore）；恢复时会先把这个文件另存一份。") from None
        if "not a database" in str(e) or "encrypted" in str(e):
            raise UserError(f"{path} 不是党建台账的数据库（不是 SQLite 文件）。") from None
        raise UserError(f"无法读取数据库文件 {path}：{e}") from None
    finally:
        conn.close()
    if not tables and not version:  # an empty file (0 bytes): written to, it became a database of no office
        raise UserError(f"{path} 是一个空文件，不是党建台账的数据库。请用“新建数据库”或 dangjian init 在这里建立"
                        f"数据库，或从备份恢复。")
