"""A sealed, compact change log.

- tx_log gains the schema version, the sealing key's id, the schema fingerprint and the seal
  (HMAC chained to the previous transaction's seal; see db/seal.py).
- change_log gains each row's content digest, and shrinks: its row index no longer repeats the
  sequence number (every index entry carries it already), the index by transaction goes (a
  transaction's entries are the newest ones while it is sealed; verify reads them in order), and an insert no longer keeps a second
  full copy of the row (the sealed digest stands for it), an update keeps only the columns it
  changed, old and new. Deletes keep the whole old row.

The existing history is compacted here; it is sealed right after the schema steps, by the
database with the office key (Database._migrate), because the key is not in the file.
"""

VERSION = 6


def _changed(side: str, other: str) -> str:
    # The keys of `side` whose value differs in `other`, without the entry's own bookkeeping.
    return (f"(SELECT json_group_object(j.key, j.value) FROM json_each({side}) j "
            f"WHERE j.key NOT IN ('id', 'rev', 'updated_at') "
            f"AND j.value IS NOT json_extract({other}, '$.\"' || j.key || '\"'))")


def up(conn):
    conn.execute("ALTER TABLE tx_log ADD COLUMN schema_version INTEGER")
    conn.execute("ALTER TABLE tx_log ADD COLUMN key TEXT")
    conn.execute("ALTER TABLE tx_log ADD COLUMN fp BLOB")
    conn.execute("ALTER TABLE tx_log ADD COLUMN seal BLOB")
    conn.execute("ALTER TABLE change_log ADD COLUMN digest BLOB")
    conn.execute("DROP INDEX change_log_tx")
    conn.execute("DROP INDEX change_log_row")
    conn.execute("CREATE INDEX change_log_row ON change_log(tbl, row_id)")
    conn.execute("UPDATE change_log SET new = NULL WHERE op = 'insert'")
    # Both expressions see the values before this UPDATE.
    conn.execute(f"UPDATE change_log SET old = {_changed('old', 'new')}, new = {_changed('new', 'old')} "
                 "WHERE op = 'update'")
