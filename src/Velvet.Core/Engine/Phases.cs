using Velvet.Core.Jobs;

namespace Velvet.Core.Engine;

internal enum Phase
{
    Distribute = 0,
    Validate = 1,
}

/// <summary>How a set of rows adds up to a step outcome (100 % rule, I3).</summary>
internal static class Phases
{
    public static Phase Of(JobStatus s) =>
        s is JobStatus.Distributing or JobStatus.DistributePartial or JobStatus.DistributeFailed ? Phase.Distribute : Phase.Validate;

    /// <summary>Null while rows are still pending (nothing to settle yet).</summary>
    public static StepOutcome? Outcome(IReadOnlyList<ConsumerRow> rows, Phase phase, FlowType flow)
    {
        var statuses = rows.Select(r => phase == Phase.Distribute ? r.DistributeStatus : r.ValidateStatus).ToList();
        if (flow == FlowType.Revocation)
        {
            if (statuses.Contains(RowStatus.Leaked)) return StepOutcome.Leaked;
            return statuses.All(s => s.IsOk()) ? StepOutcome.Succeeded : null;
        }
        if (statuses.Count == 0 || statuses.All(s => s.IsOk())) return StepOutcome.Succeeded;
        if (statuses.Any(s => s is RowStatus.Pending or RowStatus.InProgress) && !statuses.Any(s => s is RowStatus.Failed or RowStatus.NeedsConfirm))
            return null;
        // Skipped rows (e.g. deleted app) count as done but not as proof that anything succeeded.
        return statuses.Any(s => s is RowStatus.Succeeded or RowStatus.Confirmed) ? StepOutcome.Partial : StepOutcome.Failed;
    }
}
