"""Core schema: meta, transaction and change logs, offices, the organisation tree, members,
status history, committees and terms, settings."""

VERSION = 1

# Columns every row that may travel to another office carries.
ROW_IDENTITY = """
    owner TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL
"""

SQL = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE tx_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    host TEXT NOT NULL,
    reason TEXT NOT NULL,
    app_version TEXT NOT NULL
);

CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tx_id INTEGER NOT NULL REFERENCES tx_log(id),
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    old TEXT,
    new TEXT
);
CREATE INDEX change_log_row ON change_log(tbl, row_id, seq);
CREATE INDEX change_log_tx ON change_log(tx_id);

CREATE TABLE office (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('county', 'town')),
    parent_id TEXT REFERENCES office(id),
    code TEXT,
    {ROW_IDENTITY}
);

CREATE TABLE org (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    parent_id TEXT REFERENCES org(id),
    name TEXT NOT NULL,
    org_type TEXT NOT NULL CHECK (org_type IN ('党委', '党总支', '党支部', '党小组')),
    kind TEXT CHECK (kind IS NULL OR kind IN ('村', '社区', '机关', '事业单位', '企业', '社会组织', '网格')),
    sort_order INTEGER NOT NULL DEFAULT 0,
    founded_on TEXT,
    phone TEXT,
    address TEXT,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX org_parent ON org(parent_id, sort_order);
CREATE INDEX org_office ON org(office_id);
CREATE UNIQUE INDEX org_unique_name ON org(office_id, ifnull(parent_id, ''), name);

CREATE TABLE member (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    group_id TEXT REFERENCES org(id),
    name TEXT NOT NULL,
    name_pinyin TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('男', '女')),
    ethnicity TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    id_number TEXT NOT NULL UNIQUE,
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
CREATE INDEX member_org ON member(org_id, name_pinyin);
CREATE INDEX member_pinyin ON member(name_pinyin);
CREATE INDEX member_initials ON member(name_initials);
CREATE INDEX member_group ON member(group_id);

CREATE TABLE member_event (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    event_date TEXT NOT NULL,
    from_org_id TEXT,
    to_org_id TEXT,
    from_status TEXT,
    to_status TEXT,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX member_event_member ON member_event(member_id, event_date);

CREATE TABLE committee_term (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    years INTEGER NOT NULL CHECK (years IN (2, 3)),
    extension_months INTEGER NOT NULL DEFAULT 0 CHECK (extension_months BETWEEN 0 AND 12),
    extension_approval TEXT NOT NULL DEFAULT '',
    ended_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX committee_term_org ON committee_term(org_id, start_date);

CREATE TABLE committee_member (
    id TEXT PRIMARY KEY,
    term_id TEXT NOT NULL REFERENCES committee_term(id) ON DELETE CASCADE,
    member_id TEXT REFERENCES member(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('书记', '副书记', '组织委员', '宣传委员', '纪检委员', '委员')),
    start_date TEXT NOT NULL,
    end_date TEXT,
    {ROW_IDENTITY}
);
CREATE INDEX committee_member_term ON committee_member(term_id);
CREATE INDEX committee_member_member ON committee_member(member_id);

CREATE TABLE setting (
    id TEXT PRIMARY KEY,
    value TEXT,
    {ROW_IDENTITY}
);
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
