-- Runtime subscriber registry (ADR-0041): seeded from the manifest on first boot, then the source of truth.
-- spec_json is the ConsumerSpec as SubscriberJson wrote it; the store treats it as opaque text.

CREATE TABLE subscribers (
    token_name  TEXT NOT NULL,
    consumer_id TEXT NOT NULL,
    env         TEXT NOT NULL,
    spec_json   TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    PRIMARY KEY (token_name, consumer_id, env)
) WITHOUT ROWID;

-- One row: bumped in the same transaction as every change to subscribers, so replicas can poll it to reload.
CREATE TABLE subscribers_version (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO subscribers_version (id, version) VALUES (1, 0);

-- Audit rows that belong to no job (subscriber changes, drift reports). AUTOINCREMENT: a seq is never reused.
CREATE TABLE system_events (
    seq    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at     TEXT    NOT NULL,
    actor  TEXT    NOT NULL,
    kind   TEXT    NOT NULL,
    detail TEXT    NOT NULL
);

-- Append-only like job_events: SQLite has no roles, so triggers refuse changes instead.
CREATE TRIGGER tr_system_events_no_update BEFORE UPDATE ON system_events
BEGIN
    SELECT RAISE(ABORT, 'system_events is append-only');
END;

CREATE TRIGGER tr_system_events_no_delete BEFORE DELETE ON system_events
BEGIN
    SELECT RAISE(ABORT, 'system_events is append-only');
END;
