namespace Velvet.Core.Notifications;

/// <summary>How the notification dispatcher polls, retries and gives up.</summary>
public sealed record DispatcherOptions
{
    /// <summary>
    /// Upper bound on <see cref="PollInterval"/>: a rev_leaked transition must reach every channel within 30 s
    /// (SPEC §3), so one poll plus a first retry (<see cref="BaseBackoff"/> at most doubled) must fit in it.
    /// </summary>
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(10);

    /// <summary>Identifies this replica in delivery leases.</summary>
    public required string Owner { get; init; }
    /// <summary>How often the outbox is read (enqueued events, due retries, stuck jobs).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Attempts per message before it is dead (the manifest's notifications.max_attempts).</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>Wait before the 2nd attempt; doubles each time up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>How long a claimed delivery belongs to this replica; longer than <see cref="SendTimeout"/>.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>One send's limit (HTTP request or SMTP session).</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>A job is stuck after this long in one status (SPEC §2: 5 minutes).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Events older than this when first fanned out (e.g. written while no server ran) are dropped, not sent late.</summary>
    public TimeSpan MaxEventAge { get; init; } = TimeSpan.FromHours(24);
    public int BatchSize { get; init; } = 50;

    /// <summary>Throws with the setting's name when the options cannot keep the 30 s promise or make no sense.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Owner);
        if (PollInterval <= TimeSpan.Zero || PollInterval > MaxPollInterval)
            throw new ArgumentException($"notification poll interval must be between 0 and {MaxPollInterval.TotalSeconds:0} s (rev_leaked must reach every channel within 30 s); got {PollInterval.TotalSeconds} s");
        if (MaxAttempts is < 1 or > 100) throw new ArgumentException($"notifications.max_attempts must be 1 to 100; got {MaxAttempts}");
        if (BaseBackoff <= TimeSpan.Zero || MaxBackoff < BaseBackoff) throw new ArgumentException("notification backoff: BaseBackoff must be positive and not above MaxBackoff");
        if (LeaseDuration <= SendTimeout) throw new ArgumentException("notification LeaseDuration must be longer than SendTimeout, or a slow send could be claimed twice");
        if (BatchSize < 1) throw new ArgumentException("notification BatchSize must be positive");
    }
}
