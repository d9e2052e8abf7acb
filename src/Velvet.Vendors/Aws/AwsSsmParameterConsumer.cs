using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors.Aws;

/// <summary>
/// An SSM Parameter Store SecureString. Push reads the parameter first (a missing one is fine: the first write creates
/// it) and writes only when it holds something else, sparing the 100-version history on retries; then PutParameter
/// with Overwrite. Validation reads it back with decryption and compares SHA-256 fingerprints, never printing the value.
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
        var (read, held) = await client.GetAsync(ctx.Secrets, ct).ConfigureAwait(false);
        if (!read.IsSuccess) return read;
        if (held is not null && held.Equals(value))
            return Outcome.Ok($"{options.ParameterName} already holds {value.Fingerprint}; not written again");
        var (put, _) = await client.PutAsync(ctx.Secrets, value, ct).ConfigureAwait(false);
        return put.IsSuccess
            ? put with { Message = $"{put.Message}{(held is null ? " (created)" : "")}; {options.ParameterName} set to {value.Fingerprint}" }
            : put;
    }

    public async Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct)
    {
        if (ctx.ExpectedFingerprint is null)
            return Outcome.Confirm($"{options.ParameterName}: no expected fingerprint to compare with; confirm manually");
        var (read, held) = await client.GetAsync(ctx.Secrets, ct).ConfigureAwait(false);
        if (!read.IsSuccess) return read;
        if (held is null)
            return Outcome.Permanent($"{options.ParameterName} does not exist in SSM ({options.Aws.Region}); push again with retry_failed (it was deleted after the write, or the region is wrong)", 400);
        return string.Equals(held.Fingerprint, ctx.ExpectedFingerprint, StringComparison.Ordinal)
            ? Outcome.Ok($"{options.ParameterName} holds {held.Fingerprint}")
            : Outcome.Permanent($"{options.ParameterName} holds a different value (fingerprint {held.Fingerprint}, expected {ctx.ExpectedFingerprint}); " +
                "something else wrote it after Velvet: push again with retry_failed, and find the other writer");
    }

    public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) =>
        Task.FromResult(Outcome.Confirm(
            $"{options.ParameterName} is a parameter store entry: it cannot refuse a revoked credential. Confirm that what reads it is refused with the old value, or add a healthcheck_endpoint"));
}
