using Velvet.Core.Results;

namespace Velvet.Core.Jobs;

/// <summary>What the engine observed when an automatic step finished.</summary>
public enum StepOutcome
{
    /// <summary>A hand-off status moves on (minted→distributing, distributed→validating, rev_init→rev_revoking...).</summary>
    Advance = 0,
    /// <summary>Every row / the vendor call succeeded.</summary>
    Succeeded = 1,
    /// <summary>Some rows succeeded, others did not.</summary>
    Partial = 2,
    /// <summary>Nothing succeeded / the vendor refused.</summary>
    Failed = 3,
    /// <summary>Revocation probe: a consumer still accepts the revoked credential.</summary>
    Leaked = 4,
}

/// <summary>
/// The one owner of every job transition (SPEC §2, §3). Operator actions and automatic step outcomes are
/// both tables; anything not in them is refused. Row-level actions (manual_confirm) keep the status: the
/// engine settles the job afterwards through <see cref="Next"/> with <see cref="StepOutcome.Succeeded"/>.
/// </summary>
public static class RotationStateMachine
{
    private static readonly JobStatus[] NonTerminal = JobStatusNames.All.Where(s => !s.IsTerminal()).ToArray();

    // Operator actions. Abort is added below for every non-terminal status.
    private static readonly Dictionary<(JobStatus, JobAction), JobStatus> Actions = Build();

    private static readonly Dictionary<(JobStatus, StepOutcome), JobStatus> Steps = new()
    {
        [(JobStatus.Verifying, StepOutcome.Succeeded)] = JobStatus.Verified,
        [(JobStatus.Verifying, StepOutcome.Failed)] = JobStatus.VerifyFailed,
        // Testing flow ends after a passing Stage 1.
        [(JobStatus.Verified, StepOutcome.Succeeded)] = JobStatus.Done,
        [(JobStatus.Minting, StepOutcome.Succeeded)] = JobStatus.Minted,
        [(JobStatus.Minting, StepOutcome.Failed)] = JobStatus.MintFailed,
        [(JobStatus.Minted, StepOutcome.Advance)] = JobStatus.Distributing,
        [(JobStatus.Distributing, StepOutcome.Succeeded)] = JobStatus.Distributed,
        [(JobStatus.Distributing, StepOutcome.Partial)] = JobStatus.DistributePartial,
        [(JobStatus.Distributing, StepOutcome.Failed)] = JobStatus.DistributeFailed,
        [(JobStatus.DistributePartial, StepOutcome.Succeeded)] = JobStatus.Distributed,
        [(JobStatus.DistributeFailed, StepOutcome.Succeeded)] = JobStatus.Distributed,
        [(JobStatus.DistributeFailed, StepOutcome.Partial)] = JobStatus.DistributePartial,
        [(JobStatus.Distributed, StepOutcome.Advance)] = JobStatus.Validating,
        [(JobStatus.Validating, StepOutcome.Succeeded)] = JobStatus.Validated,
        // Provision flow ends after a passing validation: there is no old credential to revoke.
        [(JobStatus.Validated, StepOutcome.Succeeded)] = JobStatus.Done,
        [(JobStatus.Validating, StepOutcome.Partial)] = JobStatus.ValidatePartial,
        [(JobStatus.Validating, StepOutcome.Failed)] = JobStatus.ValidateFailed,
        [(JobStatus.ValidatePartial, StepOutcome.Succeeded)] = JobStatus.Validated,
        [(JobStatus.ValidateFailed, StepOutcome.Succeeded)] = JobStatus.Validated,
        [(JobStatus.ValidateFailed, StepOutcome.Partial)] = JobStatus.ValidatePartial,
        [(JobStatus.Revoking, StepOutcome.Succeeded)] = JobStatus.Done,
        [(JobStatus.Revoking, StepOutcome.Failed)] = JobStatus.RevokeFailed,
        [(JobStatus.RevInit, StepOutcome.Advance)] = JobStatus.RevRevoking,
        [(JobStatus.RevRevoking, StepOutcome.Succeeded)] = JobStatus.RevRevoked,
        [(JobStatus.RevRevoking, StepOutcome.Failed)] = JobStatus.RevRevokeFailed,
        [(JobStatus.RevRevoked, StepOutcome.Advance)] = JobStatus.RevValidating,
        [(JobStatus.RevValidating, StepOutcome.Succeeded)] = JobStatus.RevDone,
        [(JobStatus.RevValidating, StepOutcome.Leaked)] = JobStatus.RevLeaked,
    };

    private static Dictionary<(JobStatus, JobAction), JobStatus> Build()
    {
        var t = new Dictionary<(JobStatus, JobAction), JobStatus>
        {
            [(JobStatus.Init, JobAction.Verify)] = JobStatus.Verifying,
            [(JobStatus.VerifyFailed, JobAction.Verify)] = JobStatus.Verifying,
            [(JobStatus.Verified, JobAction.ProceedMint)] = JobStatus.Minting,
            [(JobStatus.DistributePartial, JobAction.RetryFailed)] = JobStatus.Distributing,
            [(JobStatus.DistributeFailed, JobAction.RetryFailed)] = JobStatus.Distributing,
            [(JobStatus.DistributePartial, JobAction.ManualConfirm)] = JobStatus.DistributePartial,
            [(JobStatus.DistributeFailed, JobAction.ManualConfirm)] = JobStatus.DistributeFailed,
            [(JobStatus.ValidatePartial, JobAction.RetryFailed)] = JobStatus.Validating,
            [(JobStatus.ValidateFailed, JobAction.RetryFailed)] = JobStatus.Validating,
            [(JobStatus.ValidatePartial, JobAction.ManualConfirm)] = JobStatus.ValidatePartial,
            [(JobStatus.ValidateFailed, JobAction.ManualConfirm)] = JobStatus.ValidateFailed,
            [(JobStatus.Validated, JobAction.ProceedRevoke)] = JobStatus.Revoking,
            // Only with an acknowledged force_revoke (I3); the guard is in Apply.
            [(JobStatus.ValidatePartial, JobAction.ProceedRevoke)] = JobStatus.Revoking,
            [(JobStatus.ValidateFailed, JobAction.ProceedRevoke)] = JobStatus.Revoking,
            [(JobStatus.RevokeFailed, JobAction.RetryRevoke)] = JobStatus.Revoking,
            [(JobStatus.RevokeFailed, JobAction.MarkManuallyRevoked)] = JobStatus.Done,
            [(JobStatus.RevRevokeFailed, JobAction.RetryRevoke)] = JobStatus.RevRevoking,
            [(JobStatus.RevRevokeFailed, JobAction.MarkManuallyRevoked)] = JobStatus.RevRevoked,
            [(JobStatus.RevValidating, JobAction.ManualConfirm)] = JobStatus.RevValidating,
            [(JobStatus.RevLeaked, JobAction.Revalidate)] = JobStatus.RevValidating,
        };
        foreach (var s in NonTerminal) t[(s, JobAction.Abort)] = JobStatus.Aborted;
        return t;
    }

    /// <summary>Actions allowed now, in declaration order (what a UI shows as buttons).</summary>
    public static IReadOnlyList<JobAction> AllowedActions(JobStatus status, FlowType flow) =>
        Enum.GetValues<JobAction>().Where(a => IsAllowed(status, flow, a)).ToArray();

    private static bool IsAllowed(JobStatus status, FlowType flow, JobAction action) =>
        Actions.ContainsKey((status, action)) && !(flow == FlowType.Testing && action == JobAction.ProceedMint)
        && !(flow == FlowType.Provision && action is JobAction.ProceedRevoke or JobAction.RetryRevoke or JobAction.MarkManuallyRevoked);

    /// <summary>
    /// The status an operator action leads to, or <see cref="InvalidTransition"/> naming the current status
    /// and the allowed actions. <paramref name="forceRevokeAcknowledged"/> unlocks proceed_revoke before 100 %.
    /// </summary>
    public static Result<JobStatus> Apply(JobStatus status, FlowType flow, JobAction action, bool forceRevokeAcknowledged = false)
    {
        if (!IsAllowed(status, flow, action) || !Actions.TryGetValue((status, action), out var to))
            return Refuse(status, flow, action, null);
        if (action == JobAction.ProceedRevoke && status != JobStatus.Validated && !forceRevokeAcknowledged)
            return Refuse(status, flow, action,
                $"cannot proceed_revoke from {status.Name()}: not every consumer validated on the new credential. " +
                "Retry or manually confirm the failed rows, or acknowledge force_revoke (who and why are recorded).");
        return to;
    }

    private static InvalidTransition Refuse(JobStatus status, FlowType flow, JobAction action, string? reason)
    {
        var allowed = AllowedActions(status, flow).Select(a => a.Name()).ToArray();
        var list = allowed.Length == 0 ? "none (the job is finished)" : string.Join(", ", allowed);
        var message = reason ?? $"action {action.Name()} is not allowed while the job is {status.Name()}; allowed now: {list}";
        return new InvalidTransition(status.Name(), action.Name(), allowed, message);
    }

    /// <summary>The status an automatic step leads to. Anything else is a bug in the engine.</summary>
    public static JobStatus Next(JobStatus from, StepOutcome outcome) =>
        TryNext(from, outcome, out var to)
            ? to
            : throw new InvalidOperationException($"no automatic transition from {from.Name()} on {outcome}");

    public static bool TryNext(JobStatus from, StepOutcome outcome, out JobStatus to) => Steps.TryGetValue((from, outcome), out to);

    /// <summary>Every (status, action) pair the table allows, for docs and tests.</summary>
    public static IEnumerable<(JobStatus From, JobAction Action, JobStatus To)> ActionTable =>
        Actions.Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Value));

    /// <summary>Every automatic step, for docs and tests.</summary>
    public static IEnumerable<(JobStatus From, StepOutcome Outcome, JobStatus To)> StepTable =>
        Steps.Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Value));

    /// <summary>The status a new job starts in.</summary>
    public static JobStatus InitialStatus(FlowType flow) => flow == FlowType.Revocation ? JobStatus.RevInit : JobStatus.Init;
}
