-- Velvet job store, SQLite. Timestamps are UTC ISO-8601 text with 7 fractional digits and a 'Z'
-- ('yyyy-MM-ddTHH:mm:ss.fffffffZ'): fixed width, so text order is time order and lease checks can compare text.
-- Guids are lower-case 'D' text.

CREATE TABLE rotation_jobs (
    job_id                TEXT    NOT NULL PRIMARY KEY,
    credential_name       TEXT    NOT NULL,
    env                   TEXT    NOT NULL,
    flow                  TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    version               INTEGER NOT NULL,
    idempotency_key       TEXT    NULL,
    force_revoke          INTEGER NOT NULL DEFAULT 0,
    created_by            TEXT    NOT NULL,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    status_changed_at     TEXT    NOT NULL,
    old_credential_id     TEXT    NULL,
    new_credential_id     TEXT    NULL,
    new_value_fingerprint TEXT    NULL,
    last_error            TEXT    NULL,
    details_json          TEXT    NOT NULL DEFAULT '{}',
    lease_owner           TEXT    NULL,
    lease_until           TEXT    NULL
);

-- Invariant: at most one non-terminal job per credential and env. The terminal list must match
-- JobStatusNames.TerminalNames (a test checks every terminal status frees the slot).
CREATE UNIQUE INDEX ux_rotation_jobs_active
    ON rotation_jobs (credential_name, env)
    WHERE status NOT IN ('done', 'aborted', 'rev_done');

-- Invariant: an idempotency key names exactly one job of a credential, forever (replays of finished jobs too).
CREATE UNIQUE INDEX ux_rotation_jobs_idempotency
    ON rotation_jobs (credential_name, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE INDEX ix_rotation_jobs_created ON rotation_jobs (created_at DESC);
CREATE INDEX ix_rotation_jobs_credential ON rotation_jobs (credential_name, created_at DESC);

CREATE TABLE rotation_job_consumers (
    job_id              TEXT    NOT NULL REFERENCES rotation_jobs (job_id) ON DELETE CASCADE,
    consumer_id         TEXT    NOT NULL,
    kind                TEXT    NOT NULL,
    is_canonical        INTEGER NOT NULL DEFAULT 0,
    ordinal             INTEGER NOT NULL DEFAULT 0,
    distribute_status   TEXT    NOT NULL,
    validate_status     TEXT    NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    last_error          TEXT    NULL,
    written_fingerprint TEXT    NULL,
    confirmed_by        TEXT    NULL,
    confirm_reason      TEXT    NULL,
    updated_at          TEXT    NOT NULL,
    PRIMARY KEY (job_id, consumer_id)
) WITHOUT ROWID;

-- AUTOINCREMENT: a seq is never reused, even after the highest row is gone, so SSE resume ids stay valid.
CREATE TABLE job_events (
    seq         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    job_id      TEXT    NOT NULL REFERENCES rotation_jobs (job_id),
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    from_status TEXT    NULL,
    to_status   TEXT    NULL,
    consumer_id TEXT    NULL,
    detail      TEXT    NULL
);

CREATE INDEX ix_job_events_job_seq ON job_events (job_id, seq);

-- The audit trail is append-only: SQLite has no roles, so triggers refuse changes instead.
CREATE TRIGGER tr_job_events_no_update BEFORE UPDATE ON job_events
BEGIN
    SELECT RAISE(ABORT, 'job_events is append-only');
END;

CREATE TRIGGER tr_job_events_no_delete BEFORE DELETE ON job_events
BEGIN
    SELECT RAISE(ABORT, 'job_events is append-only');
END;

CREATE TABLE job_secrets (
    job_id     TEXT NOT NULL PRIMARY KEY REFERENCES rotation_jobs (job_id) ON DELETE CASCADE,
    key_id     TEXT NOT NULL,
    nonce      BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    tag        BLOB NOT NULL
);
