-- Credential lifecycle (docs/lifecycle.md): follow-ups left by a canonical-store fallback, and staged rotation plans.

CREATE SEQUENCE followups_id_seq AS bigint;

CREATE TABLE followups (
    id                    bigint      NOT NULL PRIMARY KEY DEFAULT nextval('followups_id_seq'),
    job_id                uuid        NOT NULL,
    credential_name       text        NOT NULL,
    env                   text        NOT NULL,
    canonical_consumer_id text        NOT NULL,
    fallback_consumer_id  text        NOT NULL,
    reason                text        NOT NULL,
    value_fingerprint     text,
    created_at            timestamptz NOT NULL,
    resolved_at           timestamptz,
    resolved_by           text,
    resolution            text,
    UNIQUE (job_id, canonical_consumer_id)
);

ALTER SEQUENCE followups_id_seq OWNED BY followups.id;

CREATE INDEX ix_followups_open ON followups (resolved_at, id);

CREATE TABLE rotation_plans (
    plan_id         uuid        NOT NULL PRIMARY KEY,
    credential_name text        NOT NULL,
    stages_json     text        NOT NULL,
    soak_seconds    bigint      NOT NULL,
    status          text        NOT NULL,
    current_stage   integer     NOT NULL,
    soak_started_at timestamptz,
    soak_until      timestamptz,
    last_check_at   timestamptz,
    checks_passed   integer     NOT NULL,
    blocked_reason  text,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         bigint      NOT NULL
);

-- The app opens, reads and resolves follow-ups (never deletes them), and creates and advances plans.
GRANT SELECT, INSERT, UPDATE ON followups TO $app_role$;
GRANT USAGE ON SEQUENCE followups_id_seq TO $app_role$;
GRANT SELECT, INSERT, UPDATE ON rotation_plans TO $app_role$;
