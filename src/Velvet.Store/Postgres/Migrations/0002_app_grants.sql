-- The runtime (APP) role gets data access only; the OWNER keeps DDL. $app_role$ is a DbUp variable holding the
-- already-quoted role identifier. The audit trail is append-only: the app may add and read events, never change them.

GRANT SELECT, INSERT, UPDATE, DELETE ON rotation_jobs TO $app_role$;
GRANT SELECT, INSERT, UPDATE, DELETE ON rotation_job_consumers TO $app_role$;
GRANT SELECT, INSERT, UPDATE, DELETE ON job_secrets TO $app_role$;
GRANT SELECT, INSERT ON job_events TO $app_role$;
GRANT USAGE ON SEQUENCE job_events_seq_seq TO $app_role$;
