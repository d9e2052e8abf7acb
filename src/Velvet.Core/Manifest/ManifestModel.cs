namespace Velvet.Core.Manifest;

/// <summary>A loaded, validated subscription manifest (SPEC §1). Built only by <c>ManifestLoader</c>.</summary>
public sealed record VelvetManifest
{
    public int Version { get; init; } = 1;
    public required string SourcePath { get; init; }
    public required IReadOnlyList<CredentialSpec> Credentials { get; init; }
    public required IReadOnlyList<ConsumerSpec> Consumers { get; init; }
    /// <summary>Where notifications go (the <c>notifications:</c> section); no channels when absent.</summary>
    public Notifications.NotificationSettings Notifications { get; init; } = Velvet.Core.Notifications.NotificationSettings.None;

    public CredentialSpec? FindCredential(string tokenName) =>
        Credentials.FirstOrDefault(c => string.Equals(c.TokenName, tokenName, StringComparison.Ordinal));

    /// <summary>Consumers of a credential in one env, manifest order.</summary>
    public IReadOnlyList<ConsumerSpec> ConsumersOf(string tokenName, string env) =>
        Consumers.Where(c => c.TokenName == tokenName && c.Env == env).ToList();

    /// <summary>Consumers of a credential in one env that get a row in a job: all but the standby stores named by a fallback.</summary>
    public IReadOnlyList<ConsumerSpec> FanOutConsumersOf(string tokenName, string env)
    {
        var all = ConsumersOf(tokenName, env);
        var standby = all.Where(c => c.Fallback is not null).Select(c => c.Fallback!.ConsumerId).ToHashSet(StringComparer.Ordinal);
        return all.Where(c => !standby.Contains(c.ConsumerId)).ToList();
    }
}

/// <summary>How a credential is minted (SPEC §1).</summary>
public enum RotationMode
{
    /// <summary>The vendor API mints.</summary>
    Automatic = 0,
    /// <summary>A person pastes the new value (stdin or form); Velvet does the rest.</summary>
    OperatorManual = 1,
    /// <summary>Velvet refuses and points to the runbook.</summary>
    ManualOnly = 2,
}

/// <summary>A credential: one vendor that can verify, mint and revoke it.</summary>
public sealed record CredentialSpec
{
    public required string TokenName { get; init; }
    public required AdapterSpec Vendor { get; init; }
    public RotationMode Mode { get; init; } = RotationMode.Automatic;
    public required string Env { get; init; }
    public bool Active { get; init; } = true;
    /// <summary>consumer_id of the canonical store (vault): written first, failure stops the fan-out.</summary>
    public string? CanonicalConsumer { get; init; }
    public ScheduleSpec? Schedule { get; init; }
    /// <summary>Gates that auto-advance for this credential's jobs: verify, mint, revoke.</summary>
    public IReadOnlyList<string> AutoAdvance { get; init; } = [];
    public string? RunbookUrl { get; init; }
    public string? Description { get; init; }
    /// <summary>Other credentials this one must never rotate together with (alternating roles).</summary>
    public IReadOnlyList<string> RelatedTo { get; init; } = [];
    /// <summary>A command run as validation for each consumer that declares no check of its own.</summary>
    public CommandCheckSpec? Check { get; init; }
    /// <summary>Source position (for messages about this credential).</summary>
    public int Line { get; init; }
}

/// <summary>A vendor or consumer kind plus its kind-specific settings.</summary>
public sealed record AdapterSpec
{
    public required string Kind { get; init; }
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public string? Setting(string key) => Settings.TryGetValue(key, out var v) ? v : null;
}

/// <summary>When a credential rotates by itself.</summary>
public sealed record ScheduleSpec
{
    /// <summary>Five-field cron expression (UTC).</summary>
    public string? Cron { get; init; }
    /// <summary>A period such as <c>30d</c>, <c>12h</c>.</summary>
    public string? Every { get; init; }
}

/// <summary>One place holding a copy of a credential (the team's manifest row).</summary>
public sealed record ConsumerSpec
{
    public required string ConsumerId { get; init; }
    public required string TokenName { get; init; }
    public required string Kind { get; init; }
    public required string Env { get; init; }
    public bool Active { get; init; } = true;
    /// <summary>update, healthcheck, update_no_verify.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = ["update"];
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    public string? UpdateEndpoint { get; init; }
    public string? UpdateMethod { get; init; }
    /// <summary>Credential whose current value authenticates the update call.</summary>
    public string? UpdateAuthTokenName { get; init; }
    public string? HealthcheckEndpoint { get; init; }
    public int? HealthcheckSuccessStatus { get; init; }
    /// <summary>A command run as validation after the adapter's own check.</summary>
    public CommandCheckSpec? Check { get; init; }
    /// <summary>Canonical store only: the standby written when this one cannot be.</summary>
    public FallbackSpec? Fallback { get; init; }
    /// <summary>Source position (for messages about this consumer).</summary>
    public int Line { get; init; }

    public string? Setting(string key) => Settings.TryGetValue(key, out var v) ? v : null;

    public bool Has(string capability) => Capabilities.Contains(capability, StringComparer.Ordinal);
}

/// <summary>One validation error: where, what, and how to fix it.</summary>
public sealed record ManifestError(string File, int Line, int Column, string Message, string Fix)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message} — fix: {Fix}";
}

/// <summary>All errors at once, or a manifest.</summary>
public sealed record ManifestLoadResult(VelvetManifest? Manifest, IReadOnlyList<ManifestError> Errors)
{
    public bool IsValid => Manifest is not null && Errors.Count == 0;
}
