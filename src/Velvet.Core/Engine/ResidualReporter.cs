using Velvet.Core.Jobs;

namespace Velvet.Core.Engine;

/// <summary>What an abort leaves behind and how to clean it up (runbook section 6 abort table).</summary>
public static class ResidualReporter
{
    public static ResidualReport Build(RotationJob job, IReadOnlyList<ConsumerRow> rows)
    {
        var withNew = rows.Where(r => r.DistributeStatus is RowStatus.Succeeded or RowStatus.Confirmed).Select(r => r.ConsumerId).ToList();
        // While distributing, a pending row may be mid-push (its in_progress mark is written alongside the call):
        // say "unknown" rather than claim it still holds the old value.
        var unknown = rows.Where(r => r.DistributeStatus is RowStatus.InProgress
            || job.Status == JobStatus.Distributing && r.DistributeStatus is RowStatus.Pending).Select(r => r.ConsumerId).ToList();
        var skipped = rows.Where(r => r.DistributeStatus is RowStatus.Skipped).Select(r => r.ConsumerId).ToList();
        var withOld = rows.Select(r => r.ConsumerId).Except(withNew).Except(unknown).Except(skipped).ToList();
        var newExists = job.NewCredentialId is not null || job.Status is JobStatus.Minting && job.Details.MintIntentAt is not null;
        var oldValid = !job.Details.OldRevoked && job.Flow != FlowType.Revocation
            || job.Flow == FlowType.Revocation && job.Status is JobStatus.RevInit or JobStatus.RevRevoking or JobStatus.RevRevokeFailed;
        var steps = new List<string>();
        if (job.Flow == FlowType.Revocation)
        {
            steps.Add(oldValid
                ? $"The credential {job.CredentialName} may still be valid: revoke it at the vendor by hand."
                : $"The credential {job.CredentialName} was revoked; consumers still holding it will fail until they get a new one: start an operational rotation.");
        }
        else if (withNew.Count > 0 || unknown.Count > 0)
        {
            steps.Add($"Consumers holding the NEW value: {string.Join(", ", withNew.Concat(unknown))}. Push the old value back to each (vendor console), or keep them and finish by revoking the old credential by hand.");
            if (job.Status is JobStatus.Validated or JobStatus.RevokeFailed or JobStatus.Revoking)
                steps.Add($"Distribution and validation succeeded: you may revoke the old credential {job.OldCredentialId ?? "(id unknown)"} at the vendor instead of rolling back.");
        }
        if (job.Flow != FlowType.Revocation && newExists)
            steps.Add($"Delete the new credential {job.NewCredentialId ?? "(minted under tag velvet-job-" + job.JobId + ")"} at the vendor and from the canonical store, unless you keep it (then revoke the old one).");
        if (job.Flow != FlowType.Revocation && oldValid)
            steps.Add($"The old credential {job.OldCredentialId ?? ""} is still valid: consumers with the old value keep working.".Replace("  ", " ", StringComparison.Ordinal));
        if (skipped.Count > 0)
            steps.Add($"Consumers skipped (not written; each row has the reason, e.g. a deleted app): {string.Join(", ", skipped)}. Remove them from the registry if they are gone for good.");
        if (steps.Count == 0) steps.Add("Nothing was changed at the vendor or any consumer: no cleanup needed.");
        steps.Add("Record the cleanup in the ticket for this rotation.");
        return new ResidualReport
        {
            AbortedFrom = job.Status.Name(),
            ConsumersWithNewValue = withNew,
            ConsumersWithOldValue = withOld,
            ConsumersUnknown = unknown,
            ConsumersSkipped = skipped,
            NewCredentialExists = job.Flow != FlowType.Revocation && newExists,
            NewCredentialId = job.NewCredentialId,
            OldCredentialStillValid = oldValid,
            OldCredentialId = job.OldCredentialId,
            CleanupSteps = steps,
        };
    }
}
