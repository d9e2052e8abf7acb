using System.Text.RegularExpressions;
using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Results;

namespace Velvet.Core.Engine;

public sealed partial class RotationService
{
    /// <summary>The team's ticket format: ROT-YYYY-… (e.g. ROT-2026-05-HK_PLATFORM_FULL).</summary>
    [GeneratedRegex(@"^ROT-\d{4}-\S+$")]
    private static partial Regex TicketFormat();

    /// <summary>Applies an operator action: gate checks, one optimistic write with its audit events, then wakes the worker.</summary>
    public async Task<Result<RotationJob>> ApplyAsync(Guid jobId, ActionRequest request, CancellationToken ct)
    {
        var job = await store.GetJobAsync(jobId, ct).ConfigureAwait(false);
        if (job is null) return new NotFound($"job {jobId} does not exist");
        if (string.IsNullOrWhiteSpace(request.Actor)) return new Invalid("every action needs an actor (who is doing this)", "actor");
        var credential = bindings.Manifest.FindCredential(job.CredentialName);
        if (credential is null && request.Action != JobAction.Abort)
            return new Refused($"{job.CredentialName} is no longer in the manifest; restore it to act on job {jobId}, or abort the job");

        var force = request.ForceRevoke || job.ForceRevoke;
        var target = RotationStateMachine.Apply(job.Status, job.Flow, request.Action, force);
        if (!target.IsOk) return target.Error;

        var waiting = request.Action == JobAction.ProceedRevoke ? await OpenFollowupsAsync(jobId, ct).ConfigureAwait(false) : [];
        if (waiting.Count > 0 && FollowupGate(waiting, request) is { } refused) return refused;

        var rows = await store.GetConsumerRowsAsync(jobId, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var plan = request.Action switch
        {
            JobAction.ProceedRevoke => ProceedRevoke(job, request),
            JobAction.ProceedMint => await ProceedMintAsync(job, credential!, request, ct).ConfigureAwait(false),
            JobAction.ManualConfirm => ManualConfirm(job, rows, request, now),
            JobAction.RetryFailed => RetryFailed(job, rows, now),
            JobAction.Revalidate => Revalidate(job, rows, now),
            JobAction.MarkManuallyRevoked => MarkManuallyRevoked(job, request),
            JobAction.Abort => Abort(job, rows, request),
            _ => Result<ActionPlan>.Ok(new ActionPlan(job, [], null)),
        };
        if (!plan.IsOk) return plan.Error;
        var planned = plan.Value!;
        if (waiting.Count > 0)
            planned = planned with { Job = planned.Job with { Details = planned.Job.Details with { ForceRevokeBy = request.Actor, ForceRevokeReason = request.Reason } } };

        var to = planned.SettleTo ?? target.Value;
        var events = new List<JobEvent>
        {
            new()
            {
                JobId = jobId, At = now, Actor = request.Actor, Kind = "action",
                FromStatus = job.Status.Name(), ToStatus = to.Name(), ConsumerId = request.ConsumerId,
                Detail = masker.Scrub(ActionDetail(request)),
            },
        };
        events.AddRange(planned.Rows.Select(r => RowEvent(r, request.Actor, now, request.Action == JobAction.ManualConfirm ? $"confirmed by {request.Actor}: {request.Reason}" : "reset to pending for retry")));
        if (to != job.Status)
            events.Add(new JobEvent { JobId = jobId, At = now, Actor = request.Actor, Kind = "status", FromStatus = job.Status.Name(), ToStatus = to.Name() });

        var updated = planned.Job with
        {
            Details = to != job.Status ? planned.Job.Details with { WaitingFor = null } : planned.Job.Details,
            Status = to,
            UpdatedAt = now,
            StatusChangedAt = to != job.Status ? now : job.StatusChangedAt,
            LastError = to != job.Status ? null : job.LastError,
        };
        var written = await store.UpdateJobAsync(updated, planned.Rows, events, ct).ConfigureAwait(false);
        if (written.IsOk) Notify(jobId);
        return written;
    }

    private static string ActionDetail(ActionRequest r) => r.Action.Name() + r.Action switch
    {
        JobAction.ProceedRevoke => $" ticket={r.TicketId}" + (r.ForceRevoke ? $" force_revoke by {r.Actor}: {r.Reason}" : ""),
        JobAction.ManualConfirm => $" consumer={r.ConsumerId} reason={r.Reason}",
        JobAction.MarkManuallyRevoked => $" old_credential_id={r.OldCredentialId}",
        JobAction.Abort => $" reason={r.Reason ?? "(none given)"}",
        JobAction.ProceedMint when r.NewValue is not null => $" operator entered a value ({r.NewValue.Fingerprint})",
        _ => "",
    };

    internal static JobEvent RowEvent(ConsumerRow row, string actor, DateTimeOffset at, string detail) => new()
    {
        JobId = row.JobId, At = at, Actor = actor, Kind = "consumer", ConsumerId = row.ConsumerId,
        Detail = $"distribute={row.DistributeStatus.Name()} validate={row.ValidateStatus.Name()}: {detail}",
    };

    private sealed record ActionPlan(RotationJob Job, IReadOnlyList<ConsumerRow> Rows, JobStatus? SettleTo);

    private static Result<ActionPlan> ProceedRevoke(RotationJob job, ActionRequest r)
    {
        if (!string.Equals(r.ConfirmCredentialName, job.CredentialName, StringComparison.Ordinal))
            return new Invalid($"type the credential name exactly to confirm the revoke: expected '{job.CredentialName}'", "confirm_credential_name");
        if (string.IsNullOrWhiteSpace(r.TicketId) || !TicketFormat().IsMatch(r.TicketId))
            return new Invalid("a ticket id in the form ROT-YYYY-… is required to revoke (e.g. ROT-2026-05-" + job.CredentialName + ")", "ticket_id");
        var details = job.Details with { TicketId = r.TicketId, RevokeConfirmedBy = r.Actor };
        if (job.Status != JobStatus.Validated)
        {
            if (string.IsNullOrWhiteSpace(r.Reason))
                return new Invalid("force_revoke before every consumer validated needs a reason (recorded with who acknowledged it)", "reason");
            details = details with { ForceRevokeBy = r.Actor, ForceRevokeReason = r.Reason };
        }
        return new ActionPlan(job with { Details = details }, [], null);
    }

    private async Task<Result<ActionPlan>> ProceedMintAsync(RotationJob job, CredentialSpec credential, ActionRequest r, CancellationToken ct)
    {
        if (credential.Mode == RotationMode.OperatorManual)
        {
            if (r.NewValue is null)
                return new Invalid($"{credential.TokenName} is operator_manual: enter the new value (from the vendor's dashboard) on standard input or the console form", "new_value");
            masker.Register(r.NewValue);
            await store.PutSecretAsync(job.JobId, box.Seal(job.JobId, r.NewValue), ct).ConfigureAwait(false);
            return new ActionPlan(job with { NewValueFingerprint = r.NewValue.Fingerprint }, [], null);
        }
        if (r.NewValue is not null)
            return new Invalid($"{credential.TokenName} is {(credential.Mode == RotationMode.Automatic ? "automatic" : "manual_only")}: Velvet mints the value itself; do not enter one", "new_value");
        return new ActionPlan(job, [], null);
    }

    private static Result<ActionPlan> ManualConfirm(RotationJob job, IReadOnlyList<ConsumerRow> rows, ActionRequest r, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(r.ConsumerId)) return new Invalid("manual_confirm needs the consumer_id of the row you checked", "consumer_id");
        if (string.IsNullOrWhiteSpace(r.Reason)) return new Invalid("manual_confirm needs a reason: how you verified this consumer (recorded with your name)", "reason");
        var row = rows.FirstOrDefault(x => x.ConsumerId == r.ConsumerId);
        if (row is null) return new NotFound($"job {job.JobId} has no consumer '{r.ConsumerId}'; its consumers: {string.Join(", ", rows.Select(x => x.ConsumerId))}");
        var phase = Phases.Of(job.Status);
        var current = phase == Phase.Distribute ? row.DistributeStatus : row.ValidateStatus;
        if (current.IsOk()) return new Invalid($"consumer '{r.ConsumerId}' is already {current.Name()} for {phase.ToString().ToLowerInvariant()}; nothing to confirm", "consumer_id");
        var changed = phase == Phase.Distribute
            ? row with { DistributeStatus = RowStatus.Confirmed }
            : row with { ValidateStatus = RowStatus.Confirmed };
        changed = changed with { ConfirmedBy = r.Actor, ConfirmReason = r.Reason, LastError = null, UpdatedAt = now };
        var after = rows.Select(x => x.ConsumerId == changed.ConsumerId ? changed : x).ToList();
        var outcome = Phases.Outcome(after, phase, job.Flow);
        JobStatus? settle = outcome is { } o && RotationStateMachine.TryNext(job.Status, o, out var next) ? next : null;
        return new ActionPlan(job, [changed], settle);
    }

    private static Result<ActionPlan> RetryFailed(RotationJob job, IReadOnlyList<ConsumerRow> rows, DateTimeOffset now)
    {
        var phase = Phases.Of(job.Status);
        var reset = rows.Where(x => (phase == Phase.Distribute ? x.DistributeStatus : x.ValidateStatus) is RowStatus.Failed or RowStatus.Pending)
            .Select(x => (phase == Phase.Distribute ? x with { DistributeStatus = RowStatus.Pending } : x with { ValidateStatus = RowStatus.Pending }) with { UpdatedAt = now })
            .ToList();
        if (reset.Count == 0) return new Invalid("no failed rows to retry; manually confirm the rows that need a person, or abort", "action");
        return new ActionPlan(job with { LastError = null }, reset, null);
    }

    private static Result<ActionPlan> Revalidate(RotationJob job, IReadOnlyList<ConsumerRow> rows, DateTimeOffset now)
    {
        var reset = rows.Where(x => x.ValidateStatus is RowStatus.Leaked or RowStatus.Failed or RowStatus.NeedsConfirm)
            .Select(x => x with { ValidateStatus = RowStatus.Pending, UpdatedAt = now }).ToList();
        return new ActionPlan(job with { Details = job.Details with { LeakedConsumers = [] } }, reset, null);
    }

    private static Result<ActionPlan> MarkManuallyRevoked(RotationJob job, ActionRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.OldCredentialId))
            return new Invalid("mark_manually_revoked needs the id of the old credential you revoked at the vendor (e.g. the Heroku old_auth_id)", "old_credential_id");
        if (job.OldCredentialId is { } known && !string.Equals(known, r.OldCredentialId.Trim(), StringComparison.Ordinal))
            return new Invalid($"this job's old credential is {known}, not {r.OldCredentialId}: revoke {known} at the vendor, then enter that id", "old_credential_id");
        var details = job.Details with { ManuallyRevokedBy = r.Actor, ManuallyRevokedCredentialId = r.OldCredentialId.Trim(), OldRevoked = true };
        return new ActionPlan(job with { Details = details, OldCredentialId = job.OldCredentialId ?? r.OldCredentialId.Trim() }, [], null);
    }

    private static Result<ActionPlan> Abort(RotationJob job, IReadOnlyList<ConsumerRow> rows, ActionRequest r)
    {
        var residual = ResidualReporter.Build(job, rows);
        var details = job.Details with { Residual = residual, AbortedBy = r.Actor, AbortReason = r.Reason };
        return new ActionPlan(job with { Details = details }, [], null);
    }
}
