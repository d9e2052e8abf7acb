-- The console's ASP.NET Core Data Protection key ring (docs/console.md, ADR 0009): sign-in cookies and anti-forgery
-- tokens stay valid across restarts and on every replica. sealed_element is the key's XML sealed by the server with
-- the master key (AES-256-GCM); the key material is never stored in the clear. Append-only: Data Protection adds keys
-- and revocations and never changes one. A named sequence, as for job_events.

CREATE SEQUENCE key_ring_id_seq AS bigint;

CREATE TABLE key_ring (
    id             bigint      NOT NULL PRIMARY KEY DEFAULT nextval('key_ring_id_seq'),
    friendly_name  text        NOT NULL,
    sealed_element text        NOT NULL,
    created_at     timestamptz NOT NULL
);

ALTER SEQUENCE key_ring_id_seq OWNED BY key_ring.id;

-- The app reads the ring and appends to it; it can never change or delete an element.
GRANT SELECT, INSERT ON key_ring TO $app_role$;
GRANT USAGE ON SEQUENCE key_ring_id_seq TO $app_role$;
