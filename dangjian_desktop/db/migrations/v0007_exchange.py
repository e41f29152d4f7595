"""Data exchange between the towns and the county (USB packages).

- exchange_peer: the offices this one exchanges packages with (a county's towns, a town's
  county), with the open one-time invitation and, at a town, what the county acknowledged.
- exchange_key: every public key a peer has used, so that old packages stay verifiable after
  a re-enrolment (a laptop replaced).
- exchange_package: the ledger of packages made and applied (idempotent imports, the log).
- exchange_history: the sender's sealed transaction chain as received (tx id, time, seal), so
  a rewritten or forked history is caught across offices.
- exchange_conflict: rows changed on both sides, kept side by side until a person chooses.

A county holds the members of all its towns, and a member who moved from one town to another
is on both towns' rolls (已转出 in one, 正常 in the other): the ID number is therefore unique
per owning office, no longer across the whole database. SQLite cannot drop a column
constraint, so `member` is rebuilt (same columns in the same order, same indexes).
"""

VERSION = 7

ROW_IDENTITY = """
    owner TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL
"""

MEMBER = f"""
CREATE TABLE member_v7 (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    group_id TEXT REFERENCES org(id),
    name TEXT NOT NULL,
    name_pinyin TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('男', '女')),
    ethnicity TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    id_number TEXT NOT NULL,
    education TEXT,
    join_date TEXT NOT NULL,
    full_date TEXT,
    category TEXT NOT NULL CHECK (category IN ('正式党员', '预备党员')),
    person_class TEXT,
    job TEXT,
    status TEXT NOT NULL DEFAULT '正常',
    phone TEXT,
    address TEXT,
    workplace TEXT,
    is_mobile INTEGER NOT NULL DEFAULT 0 CHECK (is_mobile IN (0, 1)),
    mobile_whereabouts TEXT,
    is_hardship INTEGER NOT NULL DEFAULT 0 CHECK (is_hardship IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
INSERT INTO member_v7 SELECT * FROM member;
DROP TABLE member;
ALTER TABLE member_v7 RENAME TO member;
CREATE INDEX member_org ON member(org_id, name_pinyin);
CREATE INDEX member_pinyin ON member(name_pinyin);
CREATE INDEX member_initials ON member(name_initials);
CREATE INDEX member_group ON member(group_id);
CREATE UNIQUE INDEX member_id_number ON member(id_number, owner)
"""

EXCHANGE = f"""
CREATE TABLE exchange_peer (
    id TEXT PRIMARY KEY,
    office_id TEXT UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('county', 'town')),
    status TEXT NOT NULL CHECK (status IN ('invited', 'enrolled')),
    invite_id TEXT,
    invite_secret TEXT,
    invited_at TEXT,
    enrolled_at TEXT,
    epoch INTEGER NOT NULL DEFAULT 0,
    recovery_package TEXT,
    acked_tx INTEGER NOT NULL DEFAULT 0,
    acked_seal TEXT,
    {ROW_IDENTITY}
);

CREATE TABLE exchange_key (
    id TEXT PRIMARY KEY,
    peer_id TEXT NOT NULL REFERENCES exchange_peer(id) ON DELETE CASCADE,
    sign_pub TEXT NOT NULL,
    box_pub TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    retired_at TEXT,
    {ROW_IDENTITY}
);
CREATE INDEX exchange_key_peer ON exchange_key(peer_id);

CREATE TABLE exchange_package (
    id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    kind TEXT NOT NULL CHECK (kind IN ('town', 'county', 'recovery')),
    peer_office_id TEXT,
    peer_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    processed_by TEXT NOT NULL,
    sender_fingerprint TEXT NOT NULL,
    recipient_fingerprint TEXT,
    epoch INTEGER NOT NULL DEFAULT 0,
    base_tx INTEGER,
    tip_tx INTEGER,
    tip_seal TEXT,
    local_tx INTEGER,
    file_name TEXT,
    file_size INTEGER,
    file_sha256 TEXT,
    counts_json TEXT NOT NULL DEFAULT '{{}}',
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX exchange_package_peer ON exchange_package(peer_office_id, processed_at);

CREATE TABLE exchange_history (
    id TEXT PRIMARY KEY,
    peer_office_id TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    tx_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    seal TEXT NOT NULL,
    package_id TEXT NOT NULL,
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX exchange_history_tx ON exchange_history(peer_office_id, epoch, tx_id);

CREATE TABLE exchange_conflict (
    id TEXT PRIMARY KEY,
    package_id TEXT NOT NULL,
    peer_office_id TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fork', 'returned')),
    local_json TEXT,
    remote_json TEXT,
    found_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    choice TEXT CHECK (choice IS NULL OR choice IN ('local', 'remote')),
    resolved_at TEXT,
    resolved_by TEXT,
    returned_in TEXT,
    returned_acked TEXT,
    {ROW_IDENTITY}
);
CREATE INDEX exchange_conflict_row ON exchange_conflict(tbl, row_id, status);
"""


def up(conn):
    for stmt in (MEMBER + ";\n" + EXCHANGE).split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
