using Microsoft.Extensions.Logging;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

/// <summary>
/// Runs a job's automatic steps from its persisted state until it reaches a gate, a status that needs a
/// person, or a terminal status. Every step is idempotent and records its intent before calling out, so a
/// restarted process resumes any job where it stopped without minting twice.
/// </summary>
public sealed partial class JobRunner(
    RotationService service,
    CredentialBindings bindings,
    ISecretSource secrets,
    SecretBox box,
    SecretMasker masker,
    TimeProvider time,
    ILogger<JobRunner> logger)
{
    private const string EngineActor = "velvet-engine";
    private const string PolicyActor = "policy";
    private readonly IJobStore _store = service.Store;
    private readonly EngineOptions _options = service.Options;

    /// <summary>Where vendor and consumer calls find other credentials' values (the provision check asks consumers with it).</summary>
    public ISecretSource Secrets => secrets;

    /// <summary>Advances the job as far as it can go without a person. Returns the job as last stored.</summary>
    public async Task<RotationJob?> RunAsync(Guid jobId, CancellationToken ct)
    {
        for (var guard = 0; guard < 64; guard++)
        {
            var job = await _store.GetJobAsync(jobId, ct).ConfigureAwait(false);
            if (job is null || job.Status.IsTerminal()) return job;
            var gate = PolicyGate(job);
            if (!job.Status.IsAutomatic() && gate is null && !EndsHere(job)) return job;

            var now = time.GetUtcNow();
            if (!await _store.TryAcquireLeaseAsync(jobId, _options.InstanceId, now, now + _options.LeaseDuration, ct).ConfigureAwait(false))
            {
                Log.LeaseHeld(logger, jobId);
                return job;
            }
            using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task? renewing = null;
            try
            {
                // The read above came before the lease: another replica may have run this very step and released
                // its lease in between. Only a read under our lease may decide what to do, or the step runs twice.
                var current = await _store.GetJobAsync(jobId, ct).ConfigureAwait(false);
                if (current is null || current.Version != job.Version) continue;
                renewing = RenewLeaseAsync(jobId, lost, lost.Token);
                var progressed = await StepAsync(current, gate, lost.Token).ConfigureAwait(false);
                if (!progressed) return await _store.GetJobAsync(jobId, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lost.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // The lease ran out under a step (a stall longer than the lease): another worker may own the job now.
                Log.LeaseLost(logger, jobId);
                return await _store.GetJobAsync(jobId, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                await lost.CancelAsync().ConfigureAwait(false);
                if (renewing is not null) await renewing.ConfigureAwait(false);
                await _store.ReleaseLeaseAsync(jobId, _options.InstanceId, CancellationToken.None).ConfigureAwait(false);
            }
        }
        throw new InvalidOperationException($"job {jobId} did not settle after 64 steps: engine bug");
    }

    /// <summary>
    /// Extends our lease every third of its duration while a step runs, so a slow step keeps it. When the lease
    /// cannot be extended (it expired and another worker took it, or the store is unreachable), cancels the step
    /// through <paramref name="lost"/>.
    /// Ends when <paramref name="stop"/> is cancelled; never throws.
    /// </summary>
    private async Task RenewLeaseAsync(Guid jobId, CancellationTokenSource lost, CancellationToken stop)
    {
        var every = _options.LeaseDuration / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, time, stop).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (!await _store.TryAcquireLeaseAsync(jobId, _options.InstanceId, now, now + _options.LeaseDuration, stop).ConfigureAwait(false))
                {
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is unreachable: we cannot know the lease is still ours, so stop the step rather than guess.
            Log.RenewFailed(logger, jobId, ex.GetType().Name);
            await lost.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An operator gate the job's auto-advance policy passes for the operator, if any.</summary>
    private static ActionRequest? PolicyGate(RotationJob job)
    {
        var auto = job.Details.AutoAdvance;
        return job.Status switch
        {
            JobStatus.Init when auto.Contains("verify") => new ActionRequest { Action = JobAction.Verify, Actor = PolicyActor },
            JobStatus.Verified when job.Flow is FlowType.Operational or FlowType.Provision && auto.Contains("mint") =>
                new ActionRequest { Action = JobAction.ProceedMint, Actor = PolicyActor },
            JobStatus.Validated when auto.Contains("revoke") && job.Details.AutoTicket is not null =>
                new ActionRequest { Action = JobAction.ProceedRevoke, Actor = PolicyActor, ConfirmCredentialName = job.CredentialName, TicketId = job.Details.AutoTicket },
            _ => null,
        };
    }

    /// <summary>A gate status where a flow simply ends: testing after verify, provision after validate.</summary>
    private static bool EndsHere(RotationJob job) =>
        (job.Flow == FlowType.Testing && job.Status == JobStatus.Verified) || (job.Flow == FlowType.Provision && job.Status == JobStatus.Validated);

    /// <returns>False when the job cannot progress any further right now.</returns>
    private async Task<bool> StepAsync(RotationJob job, ActionRequest? gate, CancellationToken ct)
    {
        if (gate is not null)
        {
            var applied = await service.ApplyAsync(job.JobId, gate, ct).ConfigureAwait(false);
            return applied.IsOk;
        }
        var credential = bindings.Manifest.FindCredential(job.CredentialName);
        if (credential is null)
        {
            await FailJobAsync(job, $"{job.CredentialName} is no longer in the manifest; restore it or abort the job", ct).ConfigureAwait(false);
            return false;
        }
        Log.Step(logger, job.JobId, job.CredentialName, job.Status.Name());
        return job.Status switch
        {
            JobStatus.Verifying => await VerifyAsync(job, credential, ct).ConfigureAwait(false),
            JobStatus.Verified => await MoveAsync(job, StepOutcome.Succeeded, null, ct).ConfigureAwait(false), // testing flow ends
            JobStatus.Validated => await MoveAsync(job, StepOutcome.Succeeded, null, ct, "provisioned: every consumer validated; no old credential to revoke").ConfigureAwait(false),
            JobStatus.Minting => await MintAsync(job, credential, ct).ConfigureAwait(false),
            JobStatus.Minted or JobStatus.Distributed or JobStatus.RevInit or JobStatus.RevRevoked =>
                await MoveAsync(job, StepOutcome.Advance, null, ct).ConfigureAwait(false),
            JobStatus.Distributing => await FanOutAsync(job, credential, Phase.Distribute, ct).ConfigureAwait(false),
            JobStatus.Validating or JobStatus.RevValidating => await FanOutAsync(job, credential, Phase.Validate, ct).ConfigureAwait(false),
            JobStatus.Revoking => await RevokeAsync(job, credential, ct).ConfigureAwait(false),
            JobStatus.RevRevoking => await RevokeAsync(job, credential, ct).ConfigureAwait(false),
            _ => false,
        };
    }

    private VendorContext VendorContext(RotationJob job, SecretValue? newValue) => new()
    {
        JobId = job.JobId,
        CredentialName = job.CredentialName,
        Env = job.Env,
        IdempotencyTag = $"velvet-job-{job.JobId}",
        Provisioning = job.Flow == FlowType.Provision,
        NewValue = newValue,
        Secrets = secrets,
    };

    /// <summary>Writes an automatic transition. False when someone else (an abort) won the race.</summary>
    private async Task<bool> MoveAsync(RotationJob job, StepOutcome outcome, Func<RotationJob, RotationJob>? change, CancellationToken ct, string? detail = null)
    {
        var to = RotationStateMachine.Next(job.Status, outcome);
        var now = time.GetUtcNow();
        var changed = change?.Invoke(job) ?? job;
        var updated = changed with { Status = to, UpdatedAt = now, StatusChangedAt = now, Details = changed.Details with { WaitingFor = null } };
        var evt = new JobEvent
        {
            JobId = job.JobId, At = now, Actor = EngineActor, Kind = "status",
            FromStatus = job.Status.Name(), ToStatus = to.Name(), Detail = detail is null ? null : masker.Scrub(detail),
        };
        var written = await _store.UpdateJobAsync(updated, [], [evt], ct).ConfigureAwait(false);
        if (!written.IsOk)
        {
            Log.LostRace(logger, job.JobId, job.Status.Name(), written.Error.Message);
            return false;
        }
        Log.Moved(logger, job.JobId, job.CredentialName, job.Status.Name(), to.Name());
        VelvetMetrics.Transitions.Add(1, new("from", job.Status.Name()), new("to", to.Name()), new("flow", job.Flow.Name()));
        service.Notify(job.JobId);
        return true;
    }

    /// <summary>Records progress inside a status (intent markers, ids) without changing it.</summary>
    private async Task<Result<RotationJob>> NoteAsync(RotationJob job, Func<RotationJob, RotationJob> change, string detail, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var evt = new JobEvent { JobId = job.JobId, At = now, Actor = EngineActor, Kind = "note", FromStatus = job.Status.Name(), ToStatus = job.Status.Name(), Detail = masker.Scrub(detail) };
        var written = await _store.UpdateJobAsync(change(job) with { UpdatedAt = now }, [], [evt], ct).ConfigureAwait(false);
        if (written.IsOk) service.Notify(job.JobId);
        return written;
    }

    private async Task FailJobAsync(RotationJob job, string error, CancellationToken ct) =>
        await NoteAsync(job, j => j with { LastError = masker.Scrub(error) }, error, ct).ConfigureAwait(false);
}
