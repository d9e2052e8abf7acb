using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Infisical;

/// <summary>
/// One secret in Infisical, typically a credential's canonical store. Push updates it (PATCH), creates it (POST) when it
/// does not exist yet, and first creates the folders of secret_path when Infisical says "Folder not found". Validation
/// reads it back and compares SHA-256 fingerprints; the value read is masked and dropped after the comparison.
/// </summary>
public sealed class InfisicalSecretConsumer(InfisicalOptions options, InfisicalClient client) : IConsumerAdapter, ICurrentValueReader
{
    public const string KindName = "infisical-secret";

    public string Kind => KindName;

    /// <summary>Builds the consumer from its manifest entry (settings checked, <see cref="AdapterSettingsException"/> when bad).</summary>
    public static InfisicalSecretConsumer Create(Core.Manifest.ConsumerSpec consumer, InfisicalSessions sessions, SecretMasker masker)
    {
        var options = InfisicalOptions.FromSpec(consumer);
        return new InfisicalSecretConsumer(options, new InfisicalClient(options, sessions, masker));
    }

    public bool IsCurrentValueSource => options.CurrentValueSource;

    public async Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct)
    {
        var create = false;
        var foldersTried = false;
        string? folders = null;
        // At most: PATCH (missing) → POST (folder missing) → folders → POST, or a POST/PATCH race once each way.
        for (var step = 0; step < 5; step++)
        {
            var answer = create
                ? await client.CreateAsync(ctx.Secrets, value, ct).ConfigureAwait(false)
                : await client.UpdateAsync(ctx.Secrets, value, ct).ConfigureAwait(false);
            if (answer.Outcome.IsSuccess)
                return answer.Outcome with { Message = $"{answer.Outcome.Message}{(folders is null ? "" : $" after {folders}")}; {options.Location} set to {value.Fingerprint}" };
            switch (answer.Problem)
            {
                case InfisicalProblem.SecretMissing when !create:
                    create = true;
                    break;
                case InfisicalProblem.SecretExists when create:
                    create = false;
                    break;
                case InfisicalProblem.FolderMissing when !foldersTried:
                    foldersTried = true;
                    var made = await client.CreateFoldersAsync(ctx.Secrets, ct).ConfigureAwait(false);
                    if (!made.IsSuccess) return made;
                    folders = made.Message;
                    create = true;
                    break;
                case InfisicalProblem.FolderMissing:
                    return Outcome.Permanent($"{options.ConsumerId}: Infisical still answers \"Folder not found\" for {options.SecretPath} after creating it: " +
                        $"the environment slug '{options.Environment}' is probably wrong (Infisical reports a wrong slug the same way); use the slug (e.g. prod), not the display name",
                        answer.Outcome.HttpStatus);
                default:
                    return answer.Outcome;
            }
        }
        return Outcome.Transient($"{options.ConsumerId}: the secret at {options.Location} kept changing between create and update; retry");
    }

    public async Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct)
    {
        if (ctx.ExpectedFingerprint is null)
            return Outcome.Confirm($"{options.Location}: no expected fingerprint to compare with; confirm manually");
        var (outcome, held) = await client.ReadAsync(ctx.Secrets, ct).ConfigureAwait(false);
        if (!outcome.IsSuccess) return outcome;
        if (held is null) return Outcome.Permanent($"{options.Location} has no value in Infisical; push again with retry_failed");
        var fingerprint = held.Fingerprint;
        return string.Equals(fingerprint, ctx.ExpectedFingerprint, StringComparison.Ordinal)
            ? Outcome.Ok($"{options.Location} holds {fingerprint}")
            : Outcome.Permanent($"{options.Location} holds a different value (fingerprint {fingerprint}, expected {ctx.ExpectedFingerprint}); " +
                "someone or something else wrote it after Velvet: push again with retry_failed, and find the other writer");
    }

    public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) =>
        Task.FromResult(Outcome.Confirm(
            $"{options.Location} is a vault entry: it cannot refuse a revoked credential. Confirm that what reads {options.SecretName} from it is refused with the old value, or add a healthcheck_endpoint"));

    public Task<(Outcome Outcome, SecretValue? Value)> ReadCurrentAsync(ISecretSource auth, CancellationToken ct) => client.ReadAsync(auth, ct);
}
