-- Outbox retention (docs/notifications.md): the hourly purge looks for events fanned out before a cut-off.
CREATE INDEX ix_notification_events_fanned_out ON notification_events (fanned_out_at) WHERE fanned_out_at IS NOT NULL;
