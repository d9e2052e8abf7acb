-- Credential lifecycle (docs/lifecycle.md): follow-ups left by a canonical-store fallback, and staged rotation plans.

CREATE TABLE followups (
    id                    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    job_id                TEXT    NOT NULL,
    credential_name       TEXT    NOT NULL,
    env                   TEXT    NOT NULL,
    canonical_consumer_id TEXT    NOT NULL,
    fallback_consumer_id  TEXT    NOT NULL,
    reason                TEXT    NOT NULL,
    value_fingerprint     TEXT,
    created_at            TEXT    NOT NULL,
    resolved_at           TEXT,
    resolved_by           TEXT,
    resolution            TEXT,
    UNIQUE (job_id, canonical_consumer_id)
);

CREATE INDEX ix_followups_open ON followups (resolved_at, id);

CREATE TABLE rotation_plans (
    plan_id         TEXT    NOT NULL PRIMARY KEY,
    credential_name TEXT    NOT NULL,
    stages_json     TEXT    NOT NULL,
    soak_seconds    INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    current_stage   INTEGER NOT NULL,
    soak_started_at TEXT,
    soak_until      TEXT,
    last_check_at   TEXT,
    checks_passed   INTEGER NOT NULL,
    blocked_reason  TEXT,
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL
) WITHOUT ROWID;
