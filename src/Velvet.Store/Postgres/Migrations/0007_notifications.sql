-- Notification outbox (docs/notifications.md). notification_events rows are written in the transaction of the job
-- transition that raises them (or by the dispatcher for stuck jobs); event_key makes that idempotent. A dispatcher
-- fans each event out into one delivery per channel and sends deliveries under a lease (claimed with
-- FOR UPDATE SKIP LOCKED), retrying with backoff. Metadata only: no value is ever stored here.

CREATE SEQUENCE notification_events_id_seq AS bigint;

CREATE TABLE notification_events (
    id              bigint      NOT NULL PRIMARY KEY DEFAULT nextval('notification_events_id_seq'),
    event_key       text        NOT NULL UNIQUE,
    kind            text        NOT NULL,
    job_id          uuid        NULL REFERENCES rotation_jobs (job_id) ON DELETE CASCADE, -- null: an event about no job (a manual_only reminder)
    credential_name text        NOT NULL,
    env             text        NOT NULL,
    status          text        NOT NULL,
    reason          text        NULL,
    created_at      timestamptz NOT NULL,
    fanned_out_at   timestamptz NULL
);

ALTER SEQUENCE notification_events_id_seq OWNED BY notification_events.id;

CREATE INDEX ix_notification_events_pending ON notification_events (id) WHERE fanned_out_at IS NULL;

CREATE SEQUENCE notification_deliveries_id_seq AS bigint;

CREATE TABLE notification_deliveries (
    id              bigint      NOT NULL PRIMARY KEY DEFAULT nextval('notification_deliveries_id_seq'),
    event_id        bigint      NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
    channel         text        NOT NULL,
    message_json    text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    priority        integer     NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_owner     text        NULL,
    lease_until     timestamptz NULL,
    created_at      timestamptz NOT NULL,
    last_attempt_at timestamptz NULL,
    last_failed_at  timestamptz NULL,
    last_error      text        NULL,
    sent_at         timestamptz NULL,
    UNIQUE (event_id, channel)
);

ALTER SEQUENCE notification_deliveries_id_seq OWNED BY notification_deliveries.id;

CREATE INDEX ix_notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE state = 'pending';

-- The app enqueues, fans out and records attempts; it never deletes (retention is the owner's job).
GRANT SELECT, INSERT, UPDATE ON notification_events TO $app_role$;
GRANT SELECT, INSERT, UPDATE ON notification_deliveries TO $app_role$;
GRANT USAGE ON SEQUENCE notification_events_id_seq TO $app_role$;
GRANT USAGE ON SEQUENCE notification_deliveries_id_seq TO $app_role$;
