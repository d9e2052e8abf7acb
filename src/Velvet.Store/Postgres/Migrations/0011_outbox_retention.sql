-- Outbox retention (docs/notifications.md): the server purges finished notifications itself, every hour, under the
-- runtime role. 0007 gave that role no DELETE ("retention is the owner's job"), which left a separate-roles
-- deployment with an outbox that only a cron job with the owner's URL could trim. DELETE on these two tables only:
-- they hold Velvet's own delivery bookkeeping, never a credential, and the purge removes only finished rows.
GRANT DELETE ON notification_events TO $app_role$;
GRANT DELETE ON notification_deliveries TO $app_role$;

-- The purge looks for events fanned out before a cut-off; without this it scans the table once an hour.
CREATE INDEX ix_notification_events_fanned_out ON notification_events (fanned_out_at) WHERE fanned_out_at IS NOT NULL;
