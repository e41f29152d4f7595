"""党小组长: a party group's leader, one of the group's own members."""

VERSION = 5


def up(conn):
    conn.execute("ALTER TABLE org ADD COLUMN leader_member_id TEXT REFERENCES member(id)")
    conn.execute("CREATE INDEX org_leader ON org(leader_member_id)")
