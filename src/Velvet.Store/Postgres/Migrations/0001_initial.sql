-- Velvet job store, PostgreSQL. Run by the OWNER role; objects land in the first schema of its search_path.

CREATE TABLE rotation_jobs (
    job_id                uuid        NOT NULL PRIMARY KEY,
    credential_name       text        NOT NULL,
    env                   text        NOT NULL,
    flow                  text        NOT NULL,
    status                text        NOT NULL,
    version               bigint      NOT NULL,
    idempotency_key       text        NULL,
    force_revoke          boolean     NOT NULL DEFAULT false,
    created_by            text        NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    status_changed_at     timestamptz NOT NULL,
    old_credential_id     text        NULL,
    new_credential_id     text        NULL,
    new_value_fingerprint text        NULL,
    last_error            text        NULL,
    details_json          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    lease_owner           text        NULL,
    lease_until           timestamptz NULL
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

CREATE INDEX ix_rotation_jobs_created ON rotation_jobs (created_at DESC, job_id DESC);
CREATE INDEX ix_rotation_jobs_credential ON rotation_jobs (credential_name, created_at DESC);

CREATE TABLE rotation_job_consumers (
    job_id              uuid        NOT NULL REFERENCES rotation_jobs (job_id) ON DELETE CASCADE,
    consumer_id         text        NOT NULL,
    kind                text        NOT NULL,
    is_canonical        boolean     NOT NULL DEFAULT false,
    ordinal             integer     NOT NULL DEFAULT 0,
    distribute_status   text        NOT NULL,
    validate_status     text        NOT NULL,
    attempts            integer     NOT NULL DEFAULT 0,
    last_error          text        NULL,
    written_fingerprint text        NULL,
    confirmed_by        text        NULL,
    confirm_reason      text        NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (job_id, consumer_id)
);

-- A named sequence (not an identity column) so the grant migration can name it for the app role.
CREATE SEQUENCE job_events_seq_seq AS bigint;

CREATE TABLE job_events (
    seq         bigint      NOT NULL PRIMARY KEY DEFAULT nextval('job_events_seq_seq'),
    job_id      uuid        NOT NULL REFERENCES rotation_jobs (job_id),
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    kind        text        NOT NULL,
    from_status text        NULL,
    to_status   text        NULL,
    consumer_id text        NULL,
    detail      text        NULL
);

ALTER SEQUENCE job_events_seq_seq OWNED BY job_events.seq;

CREATE INDEX ix_job_events_job_seq ON job_events (job_id, seq);

CREATE TABLE job_secrets (
    job_id     uuid  NOT NULL PRIMARY KEY REFERENCES rotation_jobs (job_id) ON DELETE CASCADE,
    key_id     text  NOT NULL,
    nonce      bytea NOT NULL,
    ciphertext bytea NOT NULL,
    tag        bytea NOT NULL
);
