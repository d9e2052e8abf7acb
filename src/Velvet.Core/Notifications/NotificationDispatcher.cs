using Microsoft.Extensions.Logging;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using EngineLog = Velvet.Core.Engine.Log;

namespace Velvet.Core.Notifications;

/// <summary>
/// Sends what the outbox holds. Each pass: enqueue newly stuck jobs, fan new events out into one delivery per
/// channel whose filter wants them, then claim due deliveries under a lease and send them (in parallel, so a slow
/// channel never delays another). Failures are retried with backoff and jitter until the message is dead. Nothing
/// here runs inside a job's step: a broken channel never blocks a rotation.
/// </summary>
public sealed class NotificationDispatcher
{
    private readonly INotificationStore _outbox;
    private readonly IJobStore _jobs;
    private readonly Dictionary<string, INotificationChannel> _channels;
    private readonly SecretMasker _masker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _jitter;

    /// <param name="jitter">Source of numbers in [0, 1) for retry jitter; null = <see cref="Random.Shared"/>.</param>
    public NotificationDispatcher(INotificationStore outbox, IJobStore jobs, IEnumerable<INotificationChannel> channels, SecretMasker masker,
        DispatcherOptions options, TimeProvider time, ILogger logger, Func<double>? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        _jobs = jobs ?? throw new ArgumentNullException(nameof(jobs));
        _channels = (channels ?? throw new ArgumentNullException(nameof(channels))).ToDictionary(c => c.Name, StringComparer.Ordinal);
        _masker = masker ?? throw new ArgumentNullException(nameof(masker));
        Options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    public DispatcherOptions Options { get; }

    /// <summary>Polls every <see cref="DispatcherOptions.PollInterval"/> until cancelled; a failing pass is logged and retried next time.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await RunOnceAsync(ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                EngineLog.NotifyPassFailed(_logger, ex.GetType().Name, _masker.Scrub(ex.Message));
            }
            await Task.Delay(Options.PollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>One pass; returns how many deliveries it attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await EnqueueStuckAsync(ct).ConfigureAwait(false);
        await FanOutAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var claimed = await _outbox.ClaimDeliveriesAsync(Options.Owner, now, now + Options.LeaseDuration, Options.BatchSize, ct).ConfigureAwait(false);
        await Task.WhenAll(claimed.Select(d => DeliverAsync(d, ct))).ConfigureAwait(false);
        return claimed.Count;
    }

    private async Task EnqueueStuckAsync(CancellationToken ct)
    {
        var open = await _jobs.ListJobsAsync(new JobQuery { NonTerminalOnly = true, Limit = 500 }, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        foreach (var stuck in StuckDetector.Find(open, now, Options.StuckAfter))
        {
            // verify_failed and rev_leaked have their own event already; the key keeps the rest to once per job per status visit.
            if (NotificationKinds.ForStatus(stuck.Job.Status) is not null) continue;
            await _outbox.EnqueueNotificationAsync(NotificationEvent.Stuck(stuck.Job, stuck.Reason, now), ct).ConfigureAwait(false);
        }
    }

    private async Task FanOutAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        foreach (var e in await _outbox.PendingFanOutAsync(Options.BatchSize, ct).ConfigureAwait(false))
        {
            if (now - e.CreatedAt > Options.MaxEventAge)
            {
                EngineLog.NotifyExpired(_logger, e.EventKey);
                await _outbox.FanOutAsync(e.Id, [], now, ct).ConfigureAwait(false);
                continue;
            }
            var job = e.JobId is { } jobId ? await _jobs.GetJobAsync(jobId, ct).ConfigureAwait(false) : null;
            var json = NotificationMessage.For(e, job, _masker).ToJson();
            var deliveries = _channels.Values.Where(c => c.Spec.Wants(e.Kind)).Select(c => new NewDelivery(c.Name, json)).ToList();
            await _outbox.FanOutAsync(e.Id, deliveries, now, ct).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(NotificationDelivery d, CancellationToken ct)
    {
        var attempt = d.Attempts + 1;
        Outcome outcome;
        if (!_channels.TryGetValue(d.Channel, out var channel))
        {
            outcome = Outcome.Permanent($"channel '{d.Channel}' is no longer configured");
        }
        else
        {
            using var timeout = new CancellationTokenSource(Options.SendTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                outcome = await channel.SendAsync(NotificationMessage.FromJson(d.MessageJson), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                outcome = Outcome.Transient($"no answer within {Options.SendTimeout.TotalSeconds:0} s");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A channel bug must not stop the others; recorded like any failure, without the (unknown) message text.
                outcome = Outcome.Transient($"the channel threw {ex.GetType().Name}");
            }
        }
        var now = _time.GetUtcNow();
        var error = outcome.IsSuccess ? null : _masker.Scrub(outcome.Message ?? outcome.Kind.ToString());
        var dead = !outcome.IsSuccess && (outcome.Kind == OutcomeKind.Permanent || attempt >= Options.MaxAttempts);
        var result = new DeliveryAttempt
        {
            Id = d.Id, Owner = Options.Owner, At = now, Sent = outcome.IsSuccess, Dead = dead, Error = error,
            NextAttemptAt = outcome.IsSuccess || dead ? null
                : now + Backoff.After(attempt, Options.BaseBackoff, Options.MaxBackoff, _jitter(), outcome.RetryAfter),
        };
        if (outcome.IsSuccess) EngineLog.NotifySent(_logger, d.Channel, d.Id, attempt);
        else if (dead) EngineLog.NotifyDead(_logger, d.Channel, d.Id, attempt, error ?? "");
        else EngineLog.NotifyRetry(_logger, d.Channel, d.Id, attempt, error ?? "", result.NextAttemptAt!.Value);
        if (!await _outbox.CompleteDeliveryAsync(result, ct).ConfigureAwait(false))
            EngineLog.NotifyLeaseLost(_logger, d.Channel, d.Id);
    }
}
