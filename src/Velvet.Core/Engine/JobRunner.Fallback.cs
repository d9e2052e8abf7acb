using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

public sealed partial class JobRunner
{
    /// <summary>
    /// The canonical store refused the new value: when its <c>fallback:</c> allows this failure, writes the standby store
    /// instead, opens a follow-up (revoke waits for it) and marks the canonical row skipped so the fan-out goes on.
    /// False when there is no fallback for this failure or the standby failed too (the fan-out stops as before).
    /// </summary>
    private async Task<bool> FallBackAsync(RotationJob job, CredentialSpec credential, ConsumerRow canonical, Outcome? failure, SecretValue value,
        RowWriteBatcher writes, CancellationToken ct)
    {
        var spec = bindings.Manifest.ConsumersOf(credential.TokenName, job.Env).FirstOrDefault(c => c.ConsumerId == canonical.ConsumerId);
        if (spec?.Fallback is not { } fallback || failure is null || _store is not IFollowupStore followups) return false;
        if (Trigger(failure) is not { } trigger || !fallback.On.Contains(trigger, StringComparer.Ordinal)) return false;
        var standby = bindings.Consumer(credential, fallback.ConsumerId, job.Env);
        if (standby is null) return false;

        var reason = Describe(failure);
        var ctx = new ConsumerContext
        {
            JobId = job.JobId, CredentialName = job.CredentialName, ConsumerId = fallback.ConsumerId, Env = job.Env,
            ExpectedFingerprint = value.Fingerprint, Secrets = secrets,
        };
        var pushed = await CallAsync(c => standby.Adapter.PushAsync(ctx, value, c), ct, "distribute", standby.Spec.Kind).ConfigureAwait(false);
        if (!pushed.Outcome.IsSuccess)
        {
            await WriteRowAsync(writes, canonical with { LastError = $"{reason}; the fallback {fallback.ConsumerId} failed too: {Describe(pushed.Outcome)}" },
                $"fallback to {fallback.ConsumerId} failed: {Describe(pushed.Outcome)}").ConfigureAwait(false);
            return false;
        }
        var opened = await followups.OpenFollowupAsync(new Followup
        {
            JobId = job.JobId, CredentialName = job.CredentialName, Env = job.Env, CanonicalConsumerId = canonical.ConsumerId,
            FallbackConsumerId = fallback.ConsumerId, Reason = reason, ValueFingerprint = value.Fingerprint, CreatedAt = time.GetUtcNow(),
        }, ct).ConfigureAwait(false);
        var why = $"canonical write failed ({trigger}: {reason}); the value went to the fallback {fallback.ConsumerId} instead. " +
            $"Follow-up {opened.Id}: do not revoke until {canonical.ConsumerId} is updated; then velvet followups resolve {opened.Id}";
        await WriteRowAsync(writes, canonical with { DistributeStatus = RowStatus.Skipped, LastError = why },
            $"fallback: wrote {fallback.ConsumerId} ({value.Fingerprint}); follow-up {opened.Id} open").ConfigureAwait(false);
        return true;
    }

    /// <summary>transient (retries exhausted) or access_denied (401/403, permission denied); null for anything else.</summary>
    private static string? Trigger(Outcome failure)
    {
        if (failure.Kind == OutcomeKind.Transient) return "transient";
        var denied = failure.HttpStatus is 401 or 403
            || (failure.Message?.Contains("permission denied", StringComparison.OrdinalIgnoreCase) ?? false)
            || (failure.Message?.Contains("AccessDenied", StringComparison.Ordinal) ?? false);
        return failure.Kind == OutcomeKind.Permanent && denied ? "access_denied" : null;
    }
}
