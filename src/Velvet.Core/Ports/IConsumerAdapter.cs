using Velvet.Core.Secrets;

namespace Velvet.Core.Ports;

/// <summary>What a consumer call may know about the job.</summary>
public sealed record ConsumerContext
{
    public required Guid JobId { get; init; }
    public required string CredentialName { get; init; }
    public required string ConsumerId { get; init; }
    public required string Env { get; init; }
    /// <summary>SHA-256 fingerprint of the value the consumer should now hold (validation compares, never prints).</summary>
    public string? ExpectedFingerprint { get; init; }
    /// <summary>
    /// What this job's push to this consumer recorded (<see cref="Outcome.WrittenFingerprint"/>, else the engine's keyed
    /// fingerprint), for a consumer that writes part of the value; null outside a job's rows.
    /// </summary>
    public string? WrittenFingerprint { get; init; }
    public required ISecretSource Secrets { get; init; }
}

/// <summary>
/// One place that holds a copy of a credential (the team's push(credential_name, new_value, context) → result).
/// Push must be idempotent: writing the same value twice is harmless.
/// </summary>
public interface IConsumerAdapter
{
    string Kind { get; }

    /// <summary>Stage 2: write the new value.</summary>
    Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct);

    /// <summary>Stage 3: prove the consumer holds/uses the new value. <see cref="OutcomeKind.NeedsConfirm"/> when it cannot tell.</summary>
    Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct);

    /// <summary>Revocation: Succeeded when the consumer is now refused; <see cref="OutcomeKind.Leaked"/> when it still gets in.</summary>
    Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct);
}

/// <summary>A consumer's healthcheck (healthcheck_endpoint + healthcheck_success_status), overriding the adapter's own check.</summary>
public interface IHealthcheck
{
    /// <summary>Operational Stage 3: healthy with the new credential.</summary>
    Task<Outcome> CheckHealthyAsync(ConsumerContext ctx, CancellationToken ct);

    /// <summary>Revocation: expects 401/403.</summary>
    Task<Outcome> CheckRefusedAsync(ConsumerContext ctx, CancellationToken ct);
}

/// <summary>Builds adapters from manifest entries; each vendor package registers its kinds.</summary>
public interface IAdapterCatalog
{
    /// <summary>Kinds and the settings each accepts, for manifest validation and the JSON Schema.</summary>
    IReadOnlyList<AdapterKind> Kinds { get; }

    ICredentialVendor CreateVendor(Manifest.CredentialSpec credential);

    IConsumerAdapter CreateConsumer(Manifest.CredentialSpec credential, Manifest.ConsumerSpec consumer);

    /// <summary>Null when the consumer has no healthcheck_endpoint.</summary>
    IHealthcheck? CreateHealthcheck(Manifest.ConsumerSpec consumer);
}

/// <summary>A kind of vendor or consumer and the settings keys it accepts.</summary>
public sealed record AdapterKind(string Name, AdapterRole Role, IReadOnlyList<string> RequiredSettings, IReadOnlyList<string> OptionalSettings, bool IsLocal, string Description);

public enum AdapterRole
{
    Vendor = 0,
    Consumer = 1,
}
