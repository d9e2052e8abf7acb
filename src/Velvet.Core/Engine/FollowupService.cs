using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

/// <summary>
/// Follow-ups a canonical-store fallback left (docs/lifecycle.md): list them, and resolve one only once the value is
/// proven in the canonical store (its adapter reads the value back and compares fingerprints), or by a person's
/// recorded word when the store cannot be read back.
/// </summary>
public sealed class FollowupService(IFollowupStore store, CredentialBindings bindings, SecretMasker masker, TimeProvider time)
{
    public Task<IReadOnlyList<Followup>> ListAsync(bool openOnly, CancellationToken ct) => store.ListFollowupsAsync(openOnly, ct);

    public async Task<Result<Followup>> ResolveAsync(long id, string actor, string? manualReason, ISecretSource secrets, CancellationToken ct)
    {
        var followup = await store.GetFollowupAsync(id, ct).ConfigureAwait(false);
        if (followup is null) return new NotFound($"follow-up {id} does not exist; list them with: velvet followups list");
        if (!followup.IsOpen) return new Invalid($"follow-up {id} was already resolved by {followup.ResolvedBy} at {followup.ResolvedAt:yyyy-MM-dd HH:mm}Z", "id");
        string resolution;
        if (manualReason is not null)
        {
            if (string.IsNullOrWhiteSpace(manualReason)) return new Invalid("--manual needs a reason: how you checked the canonical store holds the value", "reason");
            resolution = $"confirmed by {actor} without a read-back: {masker.Scrub(manualReason)}";
        }
        else
        {
            var check = await ReadBackAsync(followup, secrets, ct).ConfigureAwait(false);
            if (!check.IsSuccess)
                return new Refused($"follow-up {id} stays open: {followup.CanonicalConsumerId} does not hold the new value yet ({masker.Scrub(check.Message)}). " +
                    $"Write it there (it is in {followup.FallbackConsumerId}), then resolve again; if {followup.CanonicalConsumerId} cannot be read back, resolve with --manual REASON");
            resolution = $"read back: {followup.CanonicalConsumerId} holds {followup.ValueFingerprint}";
        }
        var now = time.GetUtcNow();
        if (!await store.ResolveFollowupAsync(id, actor, resolution, now, ct).ConfigureAwait(false))
            return new Refused($"follow-up {id} was resolved by someone else meanwhile");
        if (store is ISubscriberStore audit)
        {
            var detail = JsonSerializer.Serialize(new { followup_id = id, job_id = followup.JobId, credential = followup.CredentialName, resolution });
            await audit.AppendSystemEventAsync(new SystemEvent { At = now, Actor = actor, Kind = "velvet.followup.resolved", Detail = detail }, ct).ConfigureAwait(false);
        }
        return (await store.GetFollowupAsync(id, ct).ConfigureAwait(false))!;
    }

    private async Task<Outcome> ReadBackAsync(Followup f, ISecretSource secrets, CancellationToken ct)
    {
        var credential = bindings.Manifest.FindCredential(f.CredentialName);
        var binding = credential is null ? null : bindings.Consumer(credential, f.CanonicalConsumerId, f.Env);
        if (binding is null) return Outcome.Permanent($"{f.CanonicalConsumerId} of {f.CredentialName} is no longer in the manifest for env {f.Env}");
        var ctx = new ConsumerContext
        {
            JobId = f.JobId, CredentialName = f.CredentialName, ConsumerId = f.CanonicalConsumerId, Env = f.Env,
            ExpectedFingerprint = f.ValueFingerprint, Secrets = secrets,
        };
        try
        {
            return await binding.Adapter.ValidateAsync(ctx, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or TaskCanceledException)
        {
            return Outcome.Transient($"{ex.GetType().Name}: {masker.Scrub(ex.Message)}");
        }
    }
}
