-- Runtime subscriber registry (ADR-0041): seeded from the manifest on first boot, then the source of truth.
-- spec_json is the ConsumerSpec as SubscriberJson wrote it; the store treats it as opaque text.

CREATE TABLE subscribers (
    token_name  text        NOT NULL,
    consumer_id text        NOT NULL,
    env         text        NOT NULL,
    spec_json   text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text        NOT NULL,
    PRIMARY KEY (token_name, consumer_id, env)
);

-- One row: bumped in the same transaction as every change to subscribers, so replicas can poll it to reload.
-- Every writer bumps it first, so its row lock also serialises subscriber writers (and makes seeding atomic).
CREATE TABLE subscribers_version (
    id      integer NOT NULL PRIMARY KEY CHECK (id = 1),
    version bigint  NOT NULL
);

INSERT INTO subscribers_version (id, version) VALUES (1, 0);

-- Audit rows that belong to no job (subscriber changes, drift reports). A named sequence, as for job_events.
CREATE SEQUENCE system_events_seq_seq AS bigint;

CREATE TABLE system_events (
    seq    bigint      NOT NULL PRIMARY KEY DEFAULT nextval('system_events_seq_seq'),
    at     timestamptz NOT NULL,
    actor  text        NOT NULL,
    kind   text        NOT NULL,
    detail text        NOT NULL
);

ALTER SEQUENCE system_events_seq_seq OWNED BY system_events.seq;

-- The app manages subscribers, bumps (never inserts or deletes) the version row, and only appends to and reads the audit.
GRANT SELECT, INSERT, UPDATE, DELETE ON subscribers TO $app_role$;
GRANT SELECT, UPDATE ON subscribers_version TO $app_role$;
GRANT SELECT, INSERT ON system_events TO $app_role$;
GRANT USAGE ON SEQUENCE system_events_seq_seq TO $app_role$;
