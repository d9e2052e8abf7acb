using Microsoft.Extensions.Logging;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using EngineLog = Velvet.Core.Engine.Log;

namespace Velvet.Core.Notifications;

/// <summary>
/// Keeps the outbox from growing forever (docs/notifications.md): once an hour, remove notifications whose deliveries
/// all finished longer ago than <see cref="NotificationSettings.Retention"/> (sent) or
/// <see cref="NotificationSettings.FailedRetention"/> (one is dead), in small batches so no transaction holds the
/// outbox for long. Pending and retrying notifications are never removed.
/// </summary>
public sealed class NotificationRetention(INotificationRetentionStore store, NotificationSettings settings, SecretMasker masker, TimeProvider time, ILogger logger)
{
    /// <summary>Between two purges.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    /// <summary>Events removed per transaction.</summary>
    public const int BatchSize = 200;
    /// <summary>Batches per hourly purge; a backlog larger than this is worked off over the next hours.</summary>
    public const int MaxBatches = 50;

    private bool _refusedLogged;

    /// <summary>The cutoffs at <paramref name="now"/>: delivered rows older than <paramref name="retention"/>, failed rows older than <paramref name="failedRetention"/>.</summary>
    public static RetentionCutoffs Cutoffs(DateTimeOffset now, TimeSpan retention, TimeSpan failedRetention) => new(now - retention, now - failedRetention);

    /// <summary>Purges now, then every <see cref="Interval"/> until cancelled; a failing purge is logged and tried next hour.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await PurgeOnceAsync(ct).ConfigureAwait(false); }
            catch (NotificationPurgeRefusedException ex)
            {
                // Said once per process: it will not change until an operator grants DELETE or purges as the owner.
                if (!_refusedLogged) EngineLog.RetentionRefused(logger, masker.Scrub(ex.Message));
                _refusedLogged = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                EngineLog.RetentionFailed(logger, ex.GetType().Name, masker.Scrub(ex.Message));
            }
            await Task.Delay(Interval, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>One purge: batches of <see cref="BatchSize"/> until one comes back short or <see cref="MaxBatches"/> ran.</summary>
    public async Task<NotificationPurgeCount> PurgeOnceAsync(CancellationToken ct)
    {
        var cutoffs = Cutoffs(time.GetUtcNow(), settings.Retention, settings.FailedRetention);
        var total = NotificationPurgeCount.Zero;
        for (var i = 0; i < MaxBatches; i++)
        {
            var batch = await store.PurgeNotificationsAsync(cutoffs, BatchSize, ct).ConfigureAwait(false);
            total = total.Plus(batch);
            if (batch.Events < BatchSize) break;
        }
        if (total.Events > 0) EngineLog.RetentionPurged(logger, total.Delivered, total.Failed, total.Deliveries);
        return total;
    }
}
