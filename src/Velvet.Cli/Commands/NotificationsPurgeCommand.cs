using System.CommandLine;
using Velvet.Cli.Output;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Store.Postgres;

namespace Velvet.Cli.Commands;

/// <summary>
/// `velvet notifications purge [--older-than 30d] [--dry-run]`: removes finished notifications now, as the server's
/// hourly retention does (docs/notifications.md). Delivered ones older than --older-than (default: the manifest's
/// notifications.retention, 30d), failed ones older than notifications.failed_retention (90d); pending never.
/// </summary>
internal static class NotificationsPurgeCommand
{
    public static Command Build(CliIO io)
    {
        var olderThan = new Option<string?>("--older-than")
        {
            Description = "Remove delivered notifications finished longer ago than this, e.g. 30d or 12h (default: notifications.retention, 30d). Failed ones keep notifications.failed_retention (90d)",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be removed; remove nothing" };
        var ownerUrl = new Option<string?>("--owner-url")
        {
            Description = $"PostgreSQL: the schema owner's connection, which may delete outbox rows (default: ${MigrateCommand.MigrationUrlEnv}); the runtime role may not",
        };
        var purge = new Command("purge", "Remove finished notifications past their retention (delivered: --older-than, failed: failed_retention); pending ones are kept")
        {
            olderThan, dryRun, ownerUrl,
        };
        purge.SetAction((parse, ct) =>
        {
            // Checked before anything is opened: a typo is a usage error, not a half-run purge.
            TimeSpan? delivered = null;
            if (parse.GetValue(olderThan) is { } text)
            {
                if (!DurationText.TryParse(text, out var span))
                {
                    io.Error(SecretMasker.Shared, $"--older-than '{text}' is not a duration: write {DurationText.Expected}");
                    return Task.FromResult(ExitCodes.Usage);
                }
                delivered = span;
            }
            return CommandRunner.RunAsync(io, parse, ct, async (rt, _) =>
            {
                var settings = rt.Manifest.Notifications;
                var retention = delivered ?? settings.Retention;
                var cutoffs = NotificationRetention.Cutoffs(TimeProvider.System.GetUtcNow(), retention, settings.FailedRetention);
                var dry = parse.GetValue(dryRun);
                NotificationPurgeCount count;
                try
                {
                    count = dry
                        ? await JobStoreFactory.NotificationRetention(rt.Store).CountPurgeableNotificationsAsync(cutoffs, ct).ConfigureAwait(false)
                        : await PurgeAllAsync(io, parse, rt, parse.GetValue(ownerUrl), cutoffs, ct).ConfigureAwait(false);
                }
                catch (NotificationPurgeRefusedException ex)
                {
                    io.Error(rt.Masker, ex.Message);
                    return ExitCodes.Refused;
                }
                var limits = $"delivered older than {DurationText.Format(retention)}, failed older than {DurationText.Format(settings.FailedRetention)}";
                if (parse.GetValue(GlobalOptions.JsonOutput))
                {
                    io.Out.WriteLine(Json.Serialize(new
                    {
                        dry_run = dry, delivered = count.Delivered, failed = count.Failed, deliveries = count.Deliveries,
                        older_than = DurationText.Format(retention), failed_older_than = DurationText.Format(settings.FailedRetention),
                    }));
                }
                else
                {
                    io.Out.WriteLine($"{(dry ? "would remove" : "removed")} {count.Events} notification(s): {count.Delivered} delivered, {count.Failed} failed " +
                        $"({count.Deliveries} delivery row(s)); {limits}; pending notifications are kept" + (dry ? "; nothing removed (--dry-run)" : ""));
                }
                return ExitCodes.Ok;
            });
        });
        return purge;
    }

    /// <summary>Every batch until one comes back short; on PostgreSQL through the owner's connection when one is given.</summary>
    private static async Task<NotificationPurgeCount> PurgeAllAsync(CliIO io, ParseResult parse, VelvetRuntime rt, string? ownerUrl, RetentionCutoffs cutoffs, CancellationToken ct)
    {
        ownerUrl ??= io.Environment(MigrateCommand.MigrationUrlEnv);
        IJobStore? owner = null;
        if (rt.Store is PostgresJobStore && !string.IsNullOrWhiteSpace(ownerUrl))
        {
            try { owner = JobStoreFactory.Open(VelvetRuntime.StoreLocation(parse, io.Environment), ownerUrl); }
            catch (ArgumentException ex) { throw new CliException(ExitCodes.Config, "--owner-url: " + ex.Message); }
        }
        try
        {
            var store = JobStoreFactory.NotificationRetention(owner ?? rt.Store);
            var total = NotificationPurgeCount.Zero;
            while (true)
            {
                var batch = await store.PurgeNotificationsAsync(cutoffs, NotificationRetention.BatchSize, ct).ConfigureAwait(false);
                total = total.Plus(batch);
                if (batch.Events < NotificationRetention.BatchSize) return total;
            }
        }
        finally
        {
            if (owner is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
        }
    }
}
