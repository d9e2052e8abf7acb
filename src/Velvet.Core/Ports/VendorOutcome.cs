namespace Velvet.Core.Ports;

/// <summary>How a vendor or consumer call ended. Classified at the adapter (CONVENTIONS: transient vs permanent).</summary>
public enum OutcomeKind
{
    Succeeded = 0,
    /// <summary>Worth retrying: 429, 5xx, timeouts, connection errors.</summary>
    Transient = 1,
    /// <summary>Retrying will not help: 401, 403, 404, 422, bad configuration.</summary>
    Permanent = 2,
    /// <summary>Nothing to do for this consumer, with a reason (e.g. app deleted).</summary>
    Skipped = 3,
    /// <summary>No automatic check exists; a person must confirm.</summary>
    NeedsConfirm = 4,
    /// <summary>Revocation probe: the consumer still accepts the revoked credential.</summary>
    Leaked = 5,
}

/// <summary>Result of a vendor/consumer call. <see cref="Message"/> must never contain a value; the engine scrubs it again anyway.</summary>
public sealed record Outcome
{
    public required OutcomeKind Kind { get; init; }
    public string? Message { get; init; }
    public int? HttpStatus { get; init; }
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>Fingerprint of what the consumer now holds when it is not the value itself (a part of it); else the engine records a keyed fingerprint.</summary>
    public string? WrittenFingerprint { get; init; }

    public bool IsSuccess => Kind == OutcomeKind.Succeeded;

    public static Outcome Ok(string? message = null) => new() { Kind = OutcomeKind.Succeeded, Message = message };
    public static Outcome Transient(string message, int? status = null, TimeSpan? retryAfter = null) =>
        new() { Kind = OutcomeKind.Transient, Message = message, HttpStatus = status, RetryAfter = retryAfter };
    public static Outcome Permanent(string message, int? status = null) =>
        new() { Kind = OutcomeKind.Permanent, Message = message, HttpStatus = status };
    public static Outcome Skip(string reason) => new() { Kind = OutcomeKind.Skipped, Message = reason };
    public static Outcome Confirm(string reason) => new() { Kind = OutcomeKind.NeedsConfirm, Message = reason };
    public static Outcome Leak(string message, int? status = null) => new() { Kind = OutcomeKind.Leaked, Message = message, HttpStatus = status };
}

/// <summary>Result of Stage 1. <paramref name="ExpiresAt"/>: when the current credential expires, when the vendor says (health reports "expiring soon").</summary>
public sealed record VerifyResult(Outcome Outcome, string? CurrentCredentialId = null, DateTimeOffset? ExpiresAt = null);

/// <summary>Result of a mint: the vendor's id for the new credential and, for vendor-generated values, the value.</summary>
public sealed record MintResult(Outcome Outcome, string? CredentialId = null, Secrets.SecretValue? Value = null);
