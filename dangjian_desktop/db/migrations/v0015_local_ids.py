"""Short local row ids, the global id kept once per row (db/local_ids.py).

From this version a database numbers the rows it makes itself: 1, 2, 3 … written as base32hex
text (`id` stays a TEXT primary key, 1 to 4 characters for a million rows). A row that travels
also has its global id, 16 random characters, in the new `gid` column; the exchange translates
between the two at the package's edge (exchange/idmap.py), so a package carries global ids
only, as before, and the county keeps each town's row under a number of its own.

Why: an id is stored in its row, its key index, every row and index that refers to it, and the
change log; at 16 characters these copies were 40 % of a town's file. A local id is 3 to 5.

- `gid TEXT` on every table whose rows travel, except `office` (an office's id is used outside
  the database: its keys, its backups, the package headers; offices keep global ids as ids),
  with a unique index on the rows that have one.
- `local_id_counter` holds the next number (one row).

Existing rows keep their ids, which are global already: their `gid` stays NULL (a row's global
id is `coalesce(gid, id)`). No row is rewritten, no change-log entry touched: digests and seals
stay valid (a transaction's digests use the columns of its own schema version).
"""

VERSION = 15

#: Tables whose rows never travel (exchange.ownership's "local" kind) or whose ids are global
#: by rule (office): no gid column.
NO_GID = frozenset({"office", "setting", "exchange_peer", "exchange_key", "exchange_package",
                    "exchange_history", "exchange_conflict"})
_IDENTITY = {"id", "owner", "rev", "updated_at"}


def up(conn):
    conn.execute("CREATE TABLE local_id_counter (one INTEGER PRIMARY KEY CHECK (one = 1), next INTEGER NOT NULL)")
    conn.execute("INSERT INTO local_id_counter VALUES (1, 1)")
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for t in names:
        cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')}
        if t in NO_GID or not _IDENTITY <= cols:
            continue
        conn.execute(f'ALTER TABLE "{t}" ADD COLUMN gid TEXT')
        conn.execute(f'CREATE UNIQUE INDEX "{t}_gid" ON "{t}"(gid) WHERE gid IS NOT NULL')
