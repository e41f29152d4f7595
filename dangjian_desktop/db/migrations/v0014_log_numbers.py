"""The change log stored with numbers for the table and the operation (db/log_store.py).

- log_table numbers the tables the log has entries for (every audited table gets its number
  when the triggers are made, db/audit.py).
- log_entry holds the entries: the same sequence numbers, transactions, rows, old and new values
  and digests; `tbl_no` instead of the table's name, `op_no` (0 insert, 1 update, 2 delete)
  instead of the word. Its row index is (tbl_no, row_id), as change_log's was (tbl, row_id).
- change_log becomes a view over them with the columns and values the table had, so every
  entry reads as it was written: the seals and digests made before stay valid, and `verify`
  checks them as before.

AUTOINCREMENT's high-water mark moves with the entries: a sequence number is never used twice.
The entries move a slice at a time, each slice removed from the old table once copied, so the
conversion reuses the pages it frees and the file does not grow. What the log no longer needs
stays in the file as free pages, used by new data before the file grows again (the file does
not shrink by itself).
"""

VERSION = 14

_TABLES = """
CREATE TABLE log_table (
    no INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE log_entry (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tx_id INTEGER NOT NULL REFERENCES tx_log(id),
    tbl_no INTEGER NOT NULL REFERENCES log_table(no),
    row_id TEXT NOT NULL,
    op_no INTEGER NOT NULL CHECK (op_no IN (0, 1, 2)),
    old TEXT,
    new TEXT,
    digest BLOB
)"""

_VIEW = """
CREATE VIEW change_log AS
SELECT e.seq AS seq, e.tx_id AS tx_id, t.name AS tbl, e.row_id AS row_id,
       CASE e.op_no WHEN 0 THEN 'insert' WHEN 1 THEN 'update' WHEN 2 THEN 'delete' END AS op,
       e.old AS old, e.new AS new, e.digest AS digest
FROM log_entry e JOIN log_table t ON t.no = e.tbl_no"""

# The table names the log holds, one index look-up each (not a walk over every entry).
_LOGGED_NAMES = """
WITH RECURSIVE n(name) AS (
    SELECT min(tbl) FROM change_log
    UNION ALL
    SELECT (SELECT min(tbl) FROM change_log WHERE tbl > n.name) FROM n WHERE n.name IS NOT NULL)
SELECT name FROM n WHERE name IS NOT NULL"""


_SLICE = 50_000  # entries moved at a time
_INDEX_PART = 2  # making the row index takes about half the time moving the entries does (a county: 0.9 s, 2.2 s)
_OP_NO = "CASE c.op WHEN 'insert' THEN 0 WHEN 'update' THEN 1 WHEN 'delete' THEN 2 END"


def up(conn, progress=None):
    for stmt in _TABLES.split(";\n"):
        conn.execute(stmt)
    conn.executemany("INSERT INTO log_table(name) VALUES (?)",
                     [(n,) for n in sorted(r[0] for r in conn.execute(_LOGGED_NAMES))])
    # The old row index goes first and the entries move a slice at a time, each slice deleted
    # from the old table as soon as it is copied: the pages they free take the next slices, so
    # the file does not grow by a second copy of the log while it is converted.
    conn.execute("DROP INDEX IF EXISTS change_log_row")  # (a file that lost it upgrades all the same)
    low, high_seq = conn.execute("SELECT min(seq), max(seq) FROM change_log").fetchone()
    span = high_seq - low + 1 if low is not None else 0
    first, total = low, span + span // _INDEX_PART  # making the new index: the bar's last part
    tell = progress if progress is not None and span else (lambda done, total: None)
    while low is not None and low <= high_seq:
        tell(low - first, total)
        top = low + _SLICE
        conn.execute(f"""INSERT INTO log_entry(seq, tx_id, tbl_no, row_id, op_no, old, new, digest)
            SELECT c.seq, c.tx_id, t.no, c.row_id, {_OP_NO}, c.old, c.new, c.digest
            FROM change_log c JOIN log_table t ON t.name = c.tbl WHERE c.seq >= ? AND c.seq < ? ORDER BY c.seq""",
                     (low, top))
        conn.execute("DELETE FROM change_log WHERE seq < ?", (top,))
        low = top
    high = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'").fetchone()
    if high is not None:
        conn.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'log_entry'", (high[0],))
        if conn.execute("SELECT changes()").fetchone()[0] == 0:
            conn.execute("INSERT INTO sqlite_sequence(name, seq) VALUES ('log_entry', ?)", (high[0],))
    conn.execute("DROP TABLE change_log")
    tell(span, total)
    conn.execute("CREATE INDEX log_entry_row ON log_entry(tbl_no, row_id)")
    tell(total, total)
    conn.execute(_VIEW)
