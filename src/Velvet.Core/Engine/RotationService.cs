using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Results;
using Velvet.Core.Secrets;

namespace Velvet.Core.Engine;

/// <summary>
/// The use cases: start a job, apply an operator action, read jobs. Every write goes through the store's
/// optimistic concurrency; automatic steps are run by <see cref="JobRunner"/>.
/// </summary>
public sealed partial class RotationService(
    IJobStore store,
    CredentialBindings bindings,
    SecretBox box,
    SecretMasker masker,
    EngineOptions options,
    TimeProvider time)
{
    /// <summary>Raised after every successful write so a worker can pick the job up at once.</summary>
    public event Action<Guid>? JobChanged;

    public IJobStore Store => store;
    public EngineOptions Options => options;
    public VelvetManifest Manifest => bindings.Manifest;

    /// <summary>The live bindings (the subscriber registry swaps their manifest at runtime).</summary>
    public CredentialBindings Bindings => bindings;

    public async Task<Result<JobCreated>> StartAsync(StartRequest request, CancellationToken ct)
    {
        var credential = bindings.Manifest.FindCredential(request.CredentialName);
        if (credential is null)
        {
            var known = string.Join(", ", bindings.Manifest.Credentials.Where(c => c.Env == options.Env).Select(c => c.TokenName));
            return new NotFound($"unknown credential '{request.CredentialName}'; this Velvet (env {options.Env}) knows: {(known.Length == 0 ? "none" : known)}");
        }
        var refusal = Refusal(credential, request.Flow);
        if (refusal is not null) return refusal;

        IReadOnlyList<string> adopted = [];
        if (request.Flow == FlowType.Provision)
        {
            var guard = await ProvisionGuardAsync(credential, request, ct).ConfigureAwait(false);
            if (!guard.IsOk) return guard.Error;
            adopted = guard.Value;
        }

        var consumers = bindings.Manifest.FanOutConsumersOf(credential.TokenName, options.Env).Where(c => c.Active).ToList();
        if (consumers.Count == 0 && request.Flow is FlowType.Operational or FlowType.Provision)
            return new Refused($"{credential.TokenName} has no active consumers for env {options.Env} in the manifest: register them first (a rotation would change nothing that uses it)");

        var now = time.GetUtcNow();
        var jobId = Guid.CreateVersion7(now);
        // Canonical store first: written first, and its failure stops the fan-out.
        var ordered = consumers.OrderBy(c => c.ConsumerId == credential.CanonicalConsumer ? 0 : 1).ToList();
        var rows = ordered.Select((c, i) => new ConsumerRow
        {
            JobId = jobId,
            ConsumerId = c.ConsumerId,
            Kind = c.Kind,
            IsCanonical = c.ConsumerId == credential.CanonicalConsumer,
            Ordinal = i,
            DistributeStatus = RowStatus.Pending,
            ValidateStatus = RowStatus.Pending,
            UpdatedAt = now,
        }).ToList();
        var auto = request.AutoAdvance ?? credential.AutoAdvance;
        if (request.Flow == FlowType.Testing) auto = ["verify"];
        var job = new RotationJob
        {
            JobId = jobId,
            CredentialName = credential.TokenName,
            Env = options.Env,
            Flow = request.Flow,
            Status = RotationStateMachine.InitialStatus(request.Flow),
            IdempotencyKey = string.IsNullOrWhiteSpace(request.IdempotencyKey) ? null : request.IdempotencyKey,
            ForceRevoke = request.ForceRevoke,
            CreatedBy = request.Actor,
            CreatedAt = now,
            UpdatedAt = now,
            StatusChangedAt = now,
            Details = new JobDetails { AutoAdvance = auto.ToArray(), AutoTicket = request.AutoTicket, Adopted = adopted },
        };
        var created = new JobEvent
        {
            JobId = jobId,
            At = now,
            Actor = request.Actor,
            Kind = "created",
            ToStatus = job.Status.Name(),
            Detail = $"flow={request.Flow.Name()} consumers={rows.Count}" + (request.ForceRevoke ? " force_revoke=acknowledged" : "")
                + (adopted.Count > 0 ? $" adopt: overwriting the values held by {string.Join(", ", adopted)}" : ""),
        };
        var result = await store.CreateJobAsync(new NewJob { Job = job, Rows = rows }, created, ct).ConfigureAwait(false);
        if (result.IsOk && !result.Value.Replayed) JobChanged?.Invoke(jobId);
        return result;
    }

    private Refused? Refusal(CredentialSpec credential, FlowType flow)
    {
        if (credential.Env != options.Env)
            return new Refused($"{credential.TokenName} belongs to env {credential.Env}, but this Velvet runs with APP_ENV={options.Env}; use the {credential.Env} instance");
        if (!credential.Active)
            return new Refused($"{credential.TokenName} has active: false in the manifest: fix the manifest first, or rotate it manually per the vendor SOP");
        if (credential.Mode == RotationMode.ManualOnly && flow != FlowType.Testing)
            return new Refused($"{credential.TokenName} is manual_only: Velvet does not rotate or revoke it. Follow its runbook: {credential.RunbookUrl}");
        return null;
    }

    public Task<RotationJob?> GetAsync(Guid jobId, CancellationToken ct) => store.GetJobAsync(jobId, ct);

    /// <summary>Jobs that have not changed for <see cref="EngineOptions.StuckAfter"/> or wait on a person.</summary>
    public async Task<IReadOnlyList<StuckJob>> ListStuckAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var jobs = await store.ListJobsAsync(new JobQuery { NonTerminalOnly = true, Limit = 1000 }, ct).ConfigureAwait(false);
        return StuckDetector.Find(jobs.Where(j => j.Env == options.Env), now, options.StuckAfter);
    }

    internal void Notify(Guid jobId) => JobChanged?.Invoke(jobId);
}
