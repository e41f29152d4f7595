"""Attachments (evidence photos, PDFs, documents) stored in the database with their SHA-256,
so they travel with the rows that use them."""

VERSION = 2


def up(conn):
    conn.execute(
        """
        CREATE TABLE attachment (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            file_name TEXT NOT NULL,
            mime TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL,
            owner TEXT NOT NULL,
            rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
            updated_at TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX attachment_sha ON attachment(sha256)")
