-- Notification outbox (docs/notifications.md). notification_events rows are written in the transaction of the job
-- transition that raises them (or by the dispatcher for stuck jobs); event_key makes that idempotent. A dispatcher
-- fans each event out into one delivery per channel and sends deliveries under a lease, retrying with backoff.
-- Metadata only: no value is ever stored here.

CREATE TABLE notification_events (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    event_key       TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    job_id          TEXT    NULL REFERENCES rotation_jobs (job_id) ON DELETE CASCADE, -- null: an event about no job (a manual_only reminder)
    credential_name TEXT    NOT NULL,
    env             TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    reason          TEXT    NULL,
    created_at      TEXT    NOT NULL,
    fanned_out_at   TEXT    NULL
);

CREATE INDEX ix_notification_events_pending ON notification_events (id) WHERE fanned_out_at IS NULL;

CREATE TABLE notification_deliveries (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL,
    message_json    TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    priority        INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    lease_owner     TEXT    NULL,
    lease_until     TEXT    NULL,
    created_at      TEXT    NOT NULL,
    last_attempt_at TEXT    NULL,
    last_failed_at  TEXT    NULL,
    last_error      TEXT    NULL,
    sent_at         TEXT    NULL,
    UNIQUE (event_id, channel)
);

CREATE INDEX ix_notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE state = 'pending';
