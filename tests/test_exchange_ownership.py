"""Ownership per kind of data: every table whose rows travel has an explicit decision, a table
added later travels by its rows' owner, and every table finds the office its rows are about.
Also the pieces of the file format: fingerprints, proofs, the routing header."""

from __future__ import annotations

import sqlite3

import pytest

from dangjian_desktop.db import Database, audit, seal
from dangjian_desktop.db.keys import create_key
from dangjian_desktop.db.migrations import latest_version
from dangjian_desktop.exchange import crypto, ownership
from dangjian_desktop.exchange.crypto import Identity, PackageRefused


@pytest.fixture
def schema():
    conn = sqlite3.connect(":memory:")
    for step in __import__("dangjian_desktop.db.migrations", fromlist=["all_migrations"]).all_migrations():
        step.up(conn)
        conn.execute(f"PRAGMA user_version = {step.version}")
    yield conn
    conn.close()


def test_every_identity_table_has_an_ownership_decision(schema):
    missing = ownership.unmapped_tables(schema)
    assert missing == [], (f"decide in exchange/ownership.py KINDS who owns {missing}: "
                           f"town, county, both (each row travels from its owner) or local (never travels)")
    assert set(ownership.KINDS.values()) <= {ownership.TOWN, ownership.COUNTY, ownership.BOTH, ownership.LOCAL}


def test_a_table_added_later_is_caught_and_travels_by_its_owner(schema):
    schema.execute("CREATE TABLE dues_ledger (id TEXT PRIMARY KEY, member_id TEXT REFERENCES member(id), "
                   "amount REAL, owner TEXT NOT NULL, rev INTEGER NOT NULL DEFAULT 1, updated_at TEXT NOT NULL)")
    assert ownership.unmapped_tables(schema) == ["dues_ledger"]
    assert ownership.kind_of("dues_ledger") == ownership.DEFAULT_KIND == ownership.BOTH
    assert "dues_ledger" in ownership.travelling_tables(schema)
    assert ownership.sent_by("town", "dues_ledger") and ownership.sent_by("county", "dues_ledger")
    # …and is about the member's town, through the member and the branch.
    assert "org" in ownership.scope_sql(schema, "dues_ledger")


def test_each_travelling_table_knows_the_office_its_rows_are_about(tmp_path):
    db = Database.create(tmp_path / "c.sqlite")
    try:
        for t in ownership.travelling_tables(db.conn):
            sql = ownership.scope_sql(db.conn, t)
            if sql is None:
                assert ownership.referenced_only(db.conn, t) or ownership.kind_of(t) == ownership.COUNTY, t
                continue
            db.conn.execute(f'SELECT {sql} FROM "{t}" t LIMIT 1', {"general": "x"}).fetchall()
    finally:
        db.close()


def test_settings_and_the_exchange_ledger_never_travel(schema):
    travelling = ownership.travelling_tables(schema)
    assert "setting" not in travelling
    assert not [t for t in travelling if t.startswith("exchange_")]
    assert set(audit.identity_tables(schema)) - set(travelling) == {
        t for t, k in ownership.KINDS.items() if k == ownership.LOCAL}


def test_the_schema_version_is_the_exchange_one():
    assert latest_version() >= 7
    assert "exchange_package" in seal.reference(7).columns


# ---- the file format ----------------------------------------------------------------------------
def test_fingerprints_are_short_readable_and_never_look_like_a_number():
    ident = Identity(create_key())
    fp = ident.fingerprint
    assert len(fp) == 19 and fp.count("-") == 3
    assert set(fp.replace("-", "")) <= set(crypto.ALPHABET) and not set("01OI") & set(fp)
    assert Identity(create_key()).fingerprint != fp


def test_the_enrolment_proof_binds_keys_office_and_package():
    a, b = Identity(create_key()), Identity(create_key())
    secret = b"s" * 32
    proof = crypto.enrolment_proof(secret, "PK-1", "office", a.public).hex()
    assert crypto.check_proof(secret, "PK-1", "office", a.public, proof)
    assert not crypto.check_proof(secret, "PK-1", "office", b.public, proof)
    assert not crypto.check_proof(secret, "PK-2", "office", a.public, proof)
    assert not crypto.check_proof(secret, "PK-1", "other", a.public, proof)
    assert not crypto.check_proof(b"t" * 32, "PK-1", "office", a.public, proof)


def test_only_the_recipients_open_a_package_and_the_header_holds_no_name():
    sender, recipient, stranger = Identity(create_key()), Identity(create_key()), Identity(create_key())
    secret_text = "张三 140826198001010038".encode("utf-8")
    data = crypto.build_encrypted({"type": "package", "id": "PK-X", "from": "a", "to": "b", "key": sender.fingerprint},
                                  secret_text, sender, [recipient.public, sender.public])
    assert secret_text not in data and "张三".encode() not in data
    c = crypto.parse(data)
    assert sender.public.verify(c.signature, c.signed)
    assert c.decrypt(recipient) == secret_text and c.decrypt(sender) == secret_text
    with pytest.raises(PackageRefused):
        c.decrypt(stranger)
    assert set(c.header) == {"type", "id", "from", "to", "key", "eph", "nonce", "wraps", "body"}


def test_a_header_moved_onto_another_body_does_not_decrypt():
    sender, recipient = Identity(create_key()), Identity(create_key())
    one = crypto.parse(crypto.build_encrypted({"type": "package", "id": "PK-1"}, b"one", sender, [recipient.public]))
    two = crypto.parse(crypto.build_encrypted({"type": "package", "id": "PK-2"}, b"two", sender, [recipient.public]))
    one.body = two.body
    with pytest.raises(PackageRefused):
        one.decrypt(recipient)
