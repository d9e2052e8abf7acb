using System.Globalization;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.GitHub;

/// <summary>
/// A GitHub Actions secret (repository or environment). Push fetches the public key fresh, seals the value with it
/// (libsodium sealed box) and PUTs it with the key's id. GitHub never gives a value back, so validation can only
/// show that the secret exists and when GitHub last updated it: the row waits for a person's confirmation unless
/// the consumer has a healthcheck. The engine records an HMAC fingerprint of what was written (written_fingerprint).
/// </summary>
public sealed class GitHubSecretConsumer(GitHubSecretOptions options, GitHubActionsClient client) : IConsumerAdapter
{
    public const string KindName = "github-actions-secret";

    public string Kind => KindName;

    /// <summary>Builds the consumer from its manifest entry (settings checked, <see cref="AdapterSettingsException"/> when bad).</summary>
    public static GitHubSecretConsumer Create(Core.Manifest.ConsumerSpec consumer, Http.HttpCaller http)
    {
        var options = GitHubSecretOptions.FromSpec(consumer);
        return new GitHubSecretConsumer(options, new GitHubActionsClient(options, http));
    }

    public async Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct)
    {
        if (Token(ctx) is not { } token) return NoToken(ctx);
        // Fresh for every write: a stale key_id makes the PUT fail.
        var (keyOutcome, key) = await client.GetPublicKeyAsync(token, ct).ConfigureAwait(false);
        if (key is null) return keyOutcome;
        var sealedValue = GitHubSealedBox.Seal(value, key.Key);
        var put = await client.PutSecretAsync(token, sealedValue, key.KeyId, ct).ConfigureAwait(false);
        return put.IsSuccess ? put with { Message = $"{put.Message}; sealed {value.Fingerprint} for key_id {key.KeyId}" } : put;
    }

    public async Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct)
    {
        if (Token(ctx) is not { } token) return NoToken(ctx);
        var (outcome, metadata) = await client.GetSecretAsync(token, ct).ConfigureAwait(false);
        if (metadata is null) return outcome;
        var updated = metadata.UpdatedAt is { } at ? at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "unknown";
        return Outcome.Confirm(
            $"GitHub cannot read a secret back: {options.SecretName} exists in {options.Target} (GitHub updated_at {updated}); " +
            $"compare with this row's written_fingerprint and written time, check that the workflows using it work, then manual_confirm; " +
            "or give the consumer a healthcheck_endpoint");
    }

    public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) =>
        Task.FromResult(Outcome.Confirm(
            $"{options.SecretName} in {options.Target} is a GitHub Actions secret: it cannot refuse a revoked credential. " +
            "Confirm that the workflows using it are refused with the old value, or add a healthcheck_endpoint"));

    private SecretValue? Token(ConsumerContext ctx) => ctx.Secrets.Get(options.TokenName);

    private Outcome NoToken(ConsumerContext ctx) => Outcome.Permanent(
        $"{ctx.ConsumerId}: the GitHub token {options.TokenName} (token_name) has no current value; give it to Velvet, " +
        $"e.g. as the environment variable {EnvSecretSource.VariableFor(options.TokenName)}");
}
