"""Each member's yearly sum per points item, kept up to date with the entries.

- points_entry_sum: one row per year, member and item that has entries: how many (`entries`)
  and their sum (`points`). The yearly totals cap every item's sum at the item's limit, so they
  need the sums per member and item; summing them from the ledger (1.5 million entries for a
  county) costs more than the whole total is allowed to (benchmarks/points_totals.py): the
  totals read these rows instead, a few per member.
- Three triggers on points_entry keep it exact in the same transaction as the entry's own
  change, whoever writes (the ledger, meetings, undo, the exchange import, a member deleted
  with his entries): an insert adds, a delete subtracts, an update that moves an entry to
  another year, member or item or changes its points does both. A row whose last entry is gone
  is deleted, so no rounding drift is left behind. A later step that rebuilds points_entry
  (dropping a table drops its triggers) must create the triggers again and refill the sums.

The table is derived data, not a record: it has no row identity, is neither logged nor sealed
and does not travel (every office keeps its own from its entries). Nothing else changes: no
table is rebuilt and no row or change-log entry is touched, so every digest and seal stays valid.
"""

VERSION = 11

STATEMENTS = [
    """CREATE TABLE points_entry_sum (
    year INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    entries INTEGER NOT NULL CHECK (entries > 0),
    points REAL NOT NULL,
    PRIMARY KEY (year, member_id, item_id)
) WITHOUT ROWID""",
    """INSERT INTO points_entry_sum(year, member_id, item_id, entries, points)
    SELECT year, member_id, item_id, count(*), sum(points) FROM points_entry GROUP BY year, member_id, item_id""",
    """CREATE TRIGGER points_entry_sum_ins AFTER INSERT ON points_entry BEGIN
    INSERT INTO points_entry_sum(year, member_id, item_id, entries, points)
    VALUES (NEW.year, NEW.member_id, NEW.item_id, 1, NEW.points)
    ON CONFLICT(year, member_id, item_id) DO UPDATE SET entries = entries + 1, points = points + excluded.points;
END""",
    """CREATE TRIGGER points_entry_sum_del AFTER DELETE ON points_entry BEGIN
    DELETE FROM points_entry_sum
    WHERE year = OLD.year AND member_id = OLD.member_id AND item_id = OLD.item_id AND entries = 1;
    UPDATE points_entry_sum SET entries = entries - 1, points = points - OLD.points
    WHERE year = OLD.year AND member_id = OLD.member_id AND item_id = OLD.item_id;
END""",
    """CREATE TRIGGER points_entry_sum_upd AFTER UPDATE OF year, member_id, item_id, points ON points_entry
    WHEN NEW.year IS NOT OLD.year OR NEW.member_id IS NOT OLD.member_id OR NEW.item_id IS NOT OLD.item_id
         OR NEW.points IS NOT OLD.points BEGIN
    DELETE FROM points_entry_sum
    WHERE year = OLD.year AND member_id = OLD.member_id AND item_id = OLD.item_id AND entries = 1;
    UPDATE points_entry_sum SET entries = entries - 1, points = points - OLD.points
    WHERE year = OLD.year AND member_id = OLD.member_id AND item_id = OLD.item_id;
    INSERT INTO points_entry_sum(year, member_id, item_id, entries, points)
    VALUES (NEW.year, NEW.member_id, NEW.item_id, 1, NEW.points)
    ON CONFLICT(year, member_id, item_id) DO UPDATE SET entries = entries + 1, points = points + excluded.points;
END""",
]


def up(conn):
    for stmt in STATEMENTS:
        conn.execute(stmt)
