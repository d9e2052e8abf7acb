using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Aws;

/// <summary>
/// An SSM Parameter Store SecureString. Push reads the parameter first (a missing one is fine: the first write creates
/// it) and writes only when it holds something else, sparing the 100-version history on retries; then PutParameter
/// with Overwrite. Validation reads it back with decryption and compares SHA-256 fingerprints, never printing the value.
/// With json_field the parameter holds one top-level field of the credential's JSON value: push records that field's
/// fingerprint (<see cref="Outcome.WrittenFingerprint"/>) and validation compares the read-back with it.
/// </summary>
public sealed class AwsSsmParameterConsumer(AwsSsmParameterOptions options, AwsSsmClient client) : IConsumerAdapter
{
    public const string KindName = "aws-ssm-parameter";

    public string Kind => KindName;

    public static AwsSsmParameterConsumer Create(Core.Manifest.ConsumerSpec consumer, SecretMasker masker, TimeSpan timeout)
    {
        var options = AwsSsmParameterOptions.FromSpec(consumer);
        return new AwsSsmParameterConsumer(options, new AwsSsmClient(options, masker, timeout));
    }

    public async Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct)
    {
        var (written, problem) = Written(ctx, value);
        if (written is null) return Outcome.Permanent(problem!);
        var recorded = options.JsonField is null ? null : written.Fingerprint;
        var (read, held) = await client.GetAsync(ctx.Secrets, ct).ConfigureAwait(false);
        if (!read.IsSuccess) return read;
        if (held is not null && held.Equals(written))
            return Outcome.Ok($"{options.Target} already holds {written.Fingerprint}; not written again") with { WrittenFingerprint = recorded };
        var (put, _) = await client.PutAsync(ctx.Secrets, written, ct).ConfigureAwait(false);
        return put.IsSuccess
            ? put with { Message = $"{put.Message}{(held is null ? " (created)" : "")}; {options.Target} set to {written.Fingerprint}", WrittenFingerprint = recorded }
            : put;
    }

    public async Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct)
    {
        if (Expected(ctx) is not { } expected)
            return Outcome.Confirm(options.JsonField is null
                ? $"{options.ParameterName}: no expected fingerprint to compare with; confirm manually"
                : $"{options.Target}: no fingerprint of field {options.JsonField} of the expected value to compare with (no push of this job recorded one); confirm manually");
        var (read, held) = await client.GetAsync(ctx.Secrets, ct).ConfigureAwait(false);
        if (!read.IsSuccess) return read;
        if (held is null)
            return Outcome.Permanent($"{options.ParameterName} does not exist in SSM ({options.Aws.Region}); push again with retry_failed (it was deleted after the write, or the region is wrong)", 400);
        return string.Equals(held.Fingerprint, expected, StringComparison.Ordinal)
            ? Outcome.Ok($"{options.Target} holds {held.Fingerprint}")
            : Outcome.Permanent($"{options.Target} holds a different value (fingerprint {held.Fingerprint}, expected {expected}); " +
                "something else wrote it after Velvet: push again with retry_failed, and find the other writer");
    }

    public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) =>
        Task.FromResult(Outcome.Confirm(
            $"{options.ParameterName} is a parameter store entry: it cannot refuse a revoked credential. Confirm that what reads it is refused with the old value, or add a healthcheck_endpoint"));

    /// <summary>What the parameter gets: the value, or its json_field.</summary>
    private (SecretValue? Value, string? Problem) Written(ConsumerContext ctx, SecretValue value) =>
        options.JsonField is { } field ? AwsSsmJsonField.Select(value, field, options.ConsumerId, ctx.CredentialName) : (value, null);

    /// <summary>
    /// The fingerprint the parameter should hold. With json_field: what this job's push recorded, else (a health
    /// probe) the field of the credential's current value from the secret source when that is the expected value.
    /// </summary>
    private string? Expected(ConsumerContext ctx)
    {
        if (options.JsonField is null || ctx.ExpectedFingerprint is null) return ctx.ExpectedFingerprint;
        if (ctx.WrittenFingerprint is { } recorded && recorded.StartsWith("sha256:", StringComparison.Ordinal)) return recorded;
        return ctx.Secrets.Get(ctx.CredentialName) is { } current && current.Fingerprint == ctx.ExpectedFingerprint
            ? Written(ctx, current).Value?.Fingerprint
            : null;
    }
}
