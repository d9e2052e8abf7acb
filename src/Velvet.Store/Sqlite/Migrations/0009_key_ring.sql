-- The console's ASP.NET Core Data Protection key ring (docs/console.md, ADR 0009): sign-in cookies and anti-forgery
-- tokens stay valid across restarts and on every replica. sealed_element is the key's XML sealed by the server with
-- the master key (AES-256-GCM); the key material is never stored in the clear. Append-only: Data Protection adds keys
-- and revocations and never changes one.

CREATE TABLE key_ring (
    id             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    friendly_name  TEXT    NOT NULL,
    sealed_element TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);

CREATE TRIGGER tr_key_ring_no_update BEFORE UPDATE ON key_ring
BEGIN
    SELECT RAISE(ABORT, 'key_ring is append-only');
END;

CREATE TRIGGER tr_key_ring_no_delete BEFORE DELETE ON key_ring
BEGIN
    SELECT RAISE(ABORT, 'key_ring is append-only');
END;
