"""Member points (党员积分制) and meetings (三会一课): catalogue, yearly settings, ledger entries,
entry batches (for undo), exemptions, meetings with attendance and photos, 民主评议 reviews, and
the results frozen when a year is locked."""

VERSION = 4

IDENTITY = """
    owner TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL
"""

MEETING_TYPES = "('支部党员大会', '支委会', '党小组会', '党课', '组织生活会', '主题党日', '党建联席会', '其他')"

SQL = f"""
CREATE TABLE points_year (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 1950 AND 2200),
    base_score REAL NOT NULL CHECK (base_score >= 0),
    publicity_start TEXT,
    publicity_end TEXT,
    locked_on TEXT,
    locked_by TEXT,
    note TEXT NOT NULL DEFAULT '',
    {IDENTITY}
);
CREATE UNIQUE INDEX points_year_office ON points_year(office_id, year);

CREATE TABLE points_item (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('加分', '扣分')),
    points REAL NOT NULL CHECK (points > 0),
    unit TEXT NOT NULL CHECK (unit IN ('次', '月', '年')),
    yearly_cap REAL CHECK (yearly_cap IS NULL OR yearly_cap > 0),
    exempt_classes TEXT NOT NULL DEFAULT '[]',
    meeting_types TEXT NOT NULL DEFAULT '[]',
    on_status TEXT CHECK (on_status IS NULL OR on_status IN ('出席', '请假', '缺席')),
    sort_order INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    {IDENTITY}
);
CREATE UNIQUE INDEX points_item_code ON points_item(office_id, year, code);

CREATE TABLE points_batch (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    org_id TEXT REFERENCES org(id) ON DELETE SET NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('会议', '录入', '导入')),
    title TEXT NOT NULL,
    tx_id INTEGER NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    row_count INTEGER NOT NULL DEFAULT 0,
    undone_at TEXT,
    undone_by TEXT,
    {IDENTITY}
);
CREATE INDEX points_batch_office ON points_batch(office_id, tx_id);

CREATE TABLE meeting (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    group_id TEXT REFERENCES org(id),
    meeting_type TEXT NOT NULL CHECK (meeting_type IN {MEETING_TYPES}),
    date TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    host_member_id TEXT REFERENCES member(id) ON DELETE SET NULL,
    host_name TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '',
    batch_id TEXT REFERENCES points_batch(id),
    {IDENTITY}
);
CREATE INDEX meeting_org ON meeting(org_id, date);
CREATE INDEX meeting_batch ON meeting(batch_id);

CREATE TABLE meeting_attendance (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('出席', '请假', '缺席')),
    {IDENTITY}
);
CREATE UNIQUE INDEX meeting_attendance_unique ON meeting_attendance(meeting_id, member_id);
CREATE INDEX meeting_attendance_member ON meeting_attendance(member_id);

CREATE TABLE meeting_photo (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    attachment_id TEXT NOT NULL REFERENCES attachment(id),
    caption TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    {IDENTITY}
);
CREATE INDEX meeting_photo_meeting ON meeting_photo(meeting_id, sort_order);
CREATE INDEX meeting_photo_attachment ON meeting_photo(attachment_id);

CREATE TABLE points_entry (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES points_item(id),
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    points REAL NOT NULL CHECK (points != 0),
    note TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    batch_id TEXT REFERENCES points_batch(id),
    meeting_id TEXT REFERENCES meeting(id) ON DELETE CASCADE,
    attachment_id TEXT REFERENCES attachment(id),
    {IDENTITY}
);
-- The yearly totals read only this index (a covering index: the aggregate never touches the table).
CREATE INDEX points_entry_totals ON points_entry(year, member_id, item_id, points);
CREATE INDEX points_entry_batch ON points_entry(batch_id);
CREATE INDEX points_entry_meeting ON points_entry(meeting_id);
CREATE INDEX points_entry_item ON points_entry(item_id);

CREATE TABLE points_exemption (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('不参评', '年老体弱')),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    approved_on TEXT,
    {IDENTITY}
);
CREATE UNIQUE INDEX points_exemption_unique ON points_exemption(member_id, year, kind);
CREATE INDEX points_exemption_year ON points_exemption(year);

CREATE TABLE member_review (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    good INTEGER NOT NULL DEFAULT 0 CHECK (good >= 0),
    fair INTEGER NOT NULL DEFAULT 0 CHECK (fair >= 0),
    poor INTEGER NOT NULL DEFAULT 0 CHECK (poor >= 0),
    grade TEXT CHECK (grade IS NULL OR grade IN ('优秀', '合格', '基本合格', '不合格')),
    note TEXT NOT NULL DEFAULT '',
    {IDENTITY}
);
CREATE UNIQUE INDEX member_review_unique ON member_review(member_id, year);
CREATE INDEX member_review_year ON member_review(year);

CREATE TABLE points_result (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    year INTEGER NOT NULL,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    org_id TEXT REFERENCES org(id) ON DELETE SET NULL,
    base_score REAL NOT NULL,
    items_total REAL NOT NULL,
    total REAL NOT NULL,
    stars INTEGER,
    rating TEXT,
    exempt_reason TEXT,
    {IDENTITY}
);
CREATE UNIQUE INDEX points_result_unique ON points_result(year, member_id);
CREATE INDEX points_result_office ON points_result(office_id, year)
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
