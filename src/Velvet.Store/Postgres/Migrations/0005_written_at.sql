-- When each consumer was last written (with written_fingerprint): which version a write-only consumer (GitHub
-- Actions secret) holds and since when. Kept through validation and confirmation, unlike updated_at.
-- The app role's table grants (0002) cover the new column.

ALTER TABLE rotation_job_consumers ADD COLUMN written_at timestamptz NULL;
