namespace Velvet.Core.Engine;

/// <summary>Knobs of the rotation engine. Defaults suit a small team's Velvet.</summary>
public sealed record EngineOptions
{
    /// <summary>This instance's APP_ENV: only consumers of this env are ever touched.</summary>
    public required string Env { get; init; }
    /// <summary>Identity used for leases (one per process).</summary>
    public string InstanceId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    /// <summary>Concurrent calls per consumer kind during fan-out and validation.</summary>
    public int PerKindConcurrency { get; init; } = 64;
    /// <summary>Attempts for a transient vendor/consumer failure (1 = no retry).</summary>
    public int MaxAttempts { get; init; } = 3;
    /// <summary>First backoff delay; doubles each attempt, jittered; Retry-After wins when larger.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Longest Retry-After honoured before the row is failed instead.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>A job unchanged for longer than this is stuck (SPEC §2).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Key for HMAC fingerprints of what write-only consumers hold.</summary>
    public byte[] FingerprintKey { get; init; } = [];
}
