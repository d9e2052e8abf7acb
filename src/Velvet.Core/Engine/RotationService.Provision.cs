using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Core.Engine;

/// <summary>First-time provisioning (docs/lifecycle.md): the credential must exist nowhere yet, unless the kickoff adopts.</summary>
public sealed partial class RotationService
{
    /// <summary>Consumers that already hold a value, each with how Velvet knows. Empty when the credential exists nowhere.</summary>
    public async Task<IReadOnlyList<(string ConsumerId, string Detail)>> HoldersAsync(CredentialSpec credential, ISecretSource secrets, CancellationToken ct)
    {
        var holders = new List<(string, string)>();
        var written = await WrittenBeforeAsync(credential.TokenName, ct).ConfigureAwait(false);
        foreach (var consumer in bindings.Manifest.FanOutConsumersOf(credential.TokenName, options.Env).Where(c => c.Active))
        {
            var binding = bindings.Consumer(credential, consumer.ConsumerId, options.Env);
            var found = new PresenceResult(Presence.Unknown, "write-only: cannot be read back");
            if (binding?.Adapter is IValuePresence probe)
            {
                var ctx = new ConsumerContext { JobId = Guid.Empty, CredentialName = credential.TokenName, ConsumerId = consumer.ConsumerId, Env = options.Env, Secrets = secrets };
                try
                {
                    found = await probe.PresenceAsync(ctx, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or UnauthorizedAccessException)
                {
                    found = new PresenceResult(Presence.Unknown, $"could not be read ({ex.GetType().Name})");
                }
            }
            if (found.Presence == Presence.Present) holders.Add((consumer.ConsumerId, found.Detail));
            else if (found.Presence == Presence.Unknown && written.TryGetValue(consumer.ConsumerId, out var record))
                holders.Add((consumer.ConsumerId, $"{found.Detail}; Velvet wrote a value there {record}"));
        }
        return holders;
    }

    /// <summary>What earlier jobs of this credential wrote, per consumer: "on DATE (fingerprint F, job J)".</summary>
    private async Task<Dictionary<string, string>> WrittenBeforeAsync(string tokenName, CancellationToken ct)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var jobs = await store.ListJobsAsync(new JobQuery { CredentialName = tokenName, Limit = 200 }, ct).ConfigureAwait(false);
        foreach (var job in jobs.Where(j => j.Env == options.Env && j.Flow != FlowType.Testing))
        {
            foreach (var row in await store.GetConsumerRowsAsync(job.JobId, ct).ConfigureAwait(false))
            {
                if (found.ContainsKey(row.ConsumerId)) continue;
                if (row.WrittenFingerprint is not null || row.DistributeStatus is RowStatus.Succeeded or RowStatus.Confirmed)
                    found[row.ConsumerId] = $"on {(row.WrittenAt ?? row.UpdatedAt):yyyy-MM-dd HH:mm}Z (job {job.JobId}" + (row.WrittenFingerprint is { } fp ? $", fingerprint {fp[..Math.Min(12, fp.Length)]}" : "") + ")";
            }
        }
        return found;
    }

    /// <summary>Refuses a provision kickoff when a consumer already holds a value and the kickoff did not adopt.</summary>
    private async Task<Result<IReadOnlyList<string>>> ProvisionGuardAsync(CredentialSpec credential, StartRequest request, CancellationToken ct)
    {
        var holders = await HoldersAsync(credential, request.Secrets ?? NoSecrets.Instance, ct).ConfigureAwait(false);
        if (holders.Count == 0) return Result<IReadOnlyList<string>>.Ok([]);
        if (request.Adopt) return Result<IReadOnlyList<string>>.Ok(holders.Select(h => h.ConsumerId).ToList());
        var list = string.Join("; ", holders.Select(h => $"{h.ConsumerId}: {h.Detail}"));
        return new Refused($"{credential.TokenName} already has a value in {holders.Count} consumer(s) ({masker.Scrub(list)}): provisioning would overwrite them. " +
            $"Rotate it instead (velvet rotate {credential.TokenName}), or provision with --adopt to overwrite them on purpose");
    }

    private sealed class NoSecrets : ISecretSource
    {
        public static readonly NoSecrets Instance = new();
        public Secrets.SecretValue? Get(string credentialName) => null;
    }
}
