namespace Velvet.Core.Manifest;

/// <summary>
/// A command run as validation (<c>check:</c> on a consumer or a credential): argv without a shell, a timeout, and the
/// new value only through <see cref="ValueEnv"/> or standard input, never the command line. Exit 0 means healthy.
/// </summary>
public sealed record CommandCheckSpec
{
    public const int MaxTimeoutMinutes = 60;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The program and its arguments, passed as they are (no shell, no expansion).</summary>
    public required IReadOnlyList<string> Argv { get; init; }
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
    /// <summary>Name of the environment variable that carries the new value to the command.</summary>
    public string? ValueEnv { get; init; }
    /// <summary>The new value is written to the command's standard input (then closed).</summary>
    public bool ValueStdin { get; init; }
    public int Line { get; init; }
}

/// <summary>
/// Where the canonical store's copy goes when the canonical write fails (<c>fallback:</c> on the canonical consumer):
/// another consumer of the same credential that is written only then, leaving a follow-up until the vault is updated.
/// </summary>
public sealed record FallbackSpec
{
    /// <summary>The failures that may fall back.</summary>
    public static readonly IReadOnlyList<string> Triggers = ["transient", "access_denied"];

    /// <summary>consumer_id of the standby store (e.g. an aws-ssm-parameter).</summary>
    public required string ConsumerId { get; init; }
    /// <summary>Which canonical failures allow the fallback: transient (retries exhausted), access_denied (HTTP 401/403).</summary>
    public IReadOnlyList<string> On { get; init; } = Triggers;
    public int Line { get; init; }
    public int Column { get; init; }
}
