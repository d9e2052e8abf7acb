using Velvet.Core.Jobs;
using Velvet.Core.Results;
using static Velvet.Core.Jobs.JobAction;
using static Velvet.Core.Jobs.JobStatus;

namespace Velvet.Core.Tests.Jobs;

public class StateMachineTests
{
    // The expected table, written out independently of the implementation (SPEC §2, §3).
    private static readonly Dictionary<(JobStatus, JobAction), JobStatus> Expected = new()
    {
        [(Init, Verify)] = Verifying,
        [(VerifyFailed, Verify)] = Verifying,
        [(Verified, ProceedMint)] = Minting,
        [(DistributePartial, RetryFailed)] = Distributing,
        [(DistributeFailed, RetryFailed)] = Distributing,
        [(DistributePartial, ManualConfirm)] = DistributePartial,
        [(DistributeFailed, ManualConfirm)] = DistributeFailed,
        [(ValidatePartial, RetryFailed)] = Validating,
        [(ValidateFailed, RetryFailed)] = Validating,
        [(ValidatePartial, ManualConfirm)] = ValidatePartial,
        [(ValidateFailed, ManualConfirm)] = ValidateFailed,
        [(Validated, ProceedRevoke)] = Revoking,
        [(ValidatePartial, ProceedRevoke)] = Revoking,
        [(ValidateFailed, ProceedRevoke)] = Revoking,
        [(RevokeFailed, RetryRevoke)] = Revoking,
        [(RevokeFailed, MarkManuallyRevoked)] = Done,
        [(RevRevokeFailed, RetryRevoke)] = RevRevoking,
        [(RevRevokeFailed, MarkManuallyRevoked)] = RevRevoked,
        [(RevValidating, ManualConfirm)] = RevValidating,
        [(RevLeaked, Revalidate)] = RevValidating,
    };

    private static readonly JobStatus[] Terminal = [Done, Aborted, RevDone];

    public static TheoryData<JobStatus, JobAction> AllPairs()
    {
        var data = new TheoryData<JobStatus, JobAction>();
        foreach (var s in Enum.GetValues<JobStatus>())
            foreach (var a in Enum.GetValues<JobAction>())
                data.Add(s, a);
        return data;
    }

    private static JobStatus? ExpectedTarget(JobStatus s, JobAction a) =>
        Expected.TryGetValue((s, a), out var to) ? to
        : a == Abort && !Terminal.Contains(s) ? Aborted
        : null;

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_status_action_pair_reaches_the_expected_status_or_is_refused_naming_status_and_allowed_actions(JobStatus status, JobAction action)
    {
        var flow = status.ToString().StartsWith("Rev", StringComparison.Ordinal) ? FlowType.Revocation : FlowType.Operational;
        var result = RotationStateMachine.Apply(status, flow, action, forceRevokeAcknowledged: true);
        var expected = ExpectedTarget(status, action);
        if (expected is { } to)
        {
            Assert.True(result.IsOk, result.Error?.Message);
            Assert.Equal(to, result.Value);
        }
        else
        {
            var err = Assert.IsType<InvalidTransition>(result.Error);
            Assert.Equal(status.Name(), err.Status);
            Assert.Equal(action.Name(), err.Action);
            var allowed = Enum.GetValues<JobAction>().Where(a => ExpectedTarget(status, a) is not null).Select(a => a.Name()).ToArray();
            Assert.Equal(allowed, err.AllowedActions);
            Assert.Contains(status.Name(), err.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Refusal_message_is_exact()
    {
        var err = Assert.IsType<InvalidTransition>(RotationStateMachine.Apply(MintFailed, FlowType.Operational, RetryFailed).Error);
        Assert.Equal("action retry_failed is not allowed while the job is mint_failed; allowed now: abort", err.Message);
    }

    [Fact]
    public void Terminal_status_refuses_everything_and_says_the_job_is_finished()
    {
        var err = Assert.IsType<InvalidTransition>(RotationStateMachine.Apply(Done, FlowType.Operational, Abort).Error);
        Assert.Equal("action abort is not allowed while the job is done; allowed now: none (the job is finished)", err.Message);
    }

    [Theory]
    [InlineData(ValidatePartial)]
    [InlineData(ValidateFailed)]
    public void Proceed_revoke_before_100_percent_needs_force_revoke(JobStatus status)
    {
        var refused = RotationStateMachine.Apply(status, FlowType.Operational, ProceedRevoke, forceRevokeAcknowledged: false);
        var err = Assert.IsType<InvalidTransition>(refused.Error);
        Assert.StartsWith($"cannot proceed_revoke from {status.Name()}: not every consumer validated", err.Message, StringComparison.Ordinal);
        Assert.Equal(Revoking, RotationStateMachine.Apply(status, FlowType.Operational, ProceedRevoke, true).Value);
    }

    [Fact]
    public void Testing_flow_never_mints()
    {
        Assert.False(RotationStateMachine.Apply(Verified, FlowType.Testing, ProceedMint).IsOk);
        Assert.Equal(Done, RotationStateMachine.Next(Verified, StepOutcome.Succeeded));
    }

    [Fact]
    public void Mint_failed_can_only_be_aborted() =>
        Assert.Equal([Abort], RotationStateMachine.AllowedActions(MintFailed, FlowType.Operational));

    [Fact]
    public void Verify_failed_can_be_retried_or_aborted() =>
        Assert.Equal([Verify, Abort], RotationStateMachine.AllowedActions(VerifyFailed, FlowType.Operational));

    [Fact]
    public void No_action_jumps_from_init_past_verification()
    {
        // I2: nothing reaches minting except proceed_mint from verified.
        var intoMinting = RotationStateMachine.ActionTable.Where(t => t.To == Minting).ToArray();
        Assert.Equal([(Verified, ProceedMint, Minting)], intoMinting);
        Assert.DoesNotContain(RotationStateMachine.StepTable, t => t.To == Minting);
    }

    [Fact]
    public void Revoke_is_reachable_only_from_validated_or_forced_or_a_retry()
    {
        var intoRevoking = RotationStateMachine.ActionTable.Where(t => t.To == Revoking).Select(t => t.From).OrderBy(s => s).ToArray();
        Assert.Equal([ValidatePartial, ValidateFailed, Validated, RevokeFailed], intoRevoking);
    }

    public static TheoryData<JobStatus, StepOutcome, JobStatus> ExpectedSteps() => new()
    {
        { Verifying, StepOutcome.Succeeded, Verified }, { Verifying, StepOutcome.Failed, VerifyFailed },
        { Verified, StepOutcome.Succeeded, Done },
        { Validated, StepOutcome.Succeeded, Done }, // provision flow: nothing to revoke
        { Minting, StepOutcome.Succeeded, Minted }, { Minting, StepOutcome.Failed, MintFailed },
        { Minted, StepOutcome.Advance, Distributing },
        { Distributing, StepOutcome.Succeeded, Distributed }, { Distributing, StepOutcome.Partial, DistributePartial },
        { Distributing, StepOutcome.Failed, DistributeFailed },
        { DistributePartial, StepOutcome.Succeeded, Distributed }, { DistributeFailed, StepOutcome.Succeeded, Distributed },
        { DistributeFailed, StepOutcome.Partial, DistributePartial },
        { Distributed, StepOutcome.Advance, Validating },
        { Validating, StepOutcome.Succeeded, Validated }, { Validating, StepOutcome.Partial, ValidatePartial },
        { Validating, StepOutcome.Failed, ValidateFailed },
        { ValidatePartial, StepOutcome.Succeeded, Validated }, { ValidateFailed, StepOutcome.Succeeded, Validated },
        { ValidateFailed, StepOutcome.Partial, ValidatePartial },
        { Revoking, StepOutcome.Succeeded, Done }, { Revoking, StepOutcome.Failed, RevokeFailed },
        { RevInit, StepOutcome.Advance, RevRevoking },
        { RevRevoking, StepOutcome.Succeeded, RevRevoked }, { RevRevoking, StepOutcome.Failed, RevRevokeFailed },
        { RevRevoked, StepOutcome.Advance, RevValidating },
        { RevValidating, StepOutcome.Succeeded, RevDone }, { RevValidating, StepOutcome.Leaked, RevLeaked },
    };

    [Theory]
    [MemberData(nameof(ExpectedSteps))]
    public void Automatic_steps_follow_the_table(JobStatus from, StepOutcome outcome, JobStatus to) =>
        Assert.Equal(to, RotationStateMachine.Next(from, outcome));

    [Fact]
    public void Step_table_has_no_transition_beyond_the_expected_ones() =>
        Assert.Equal(ExpectedSteps().Count, RotationStateMachine.StepTable.Count());

    [Fact]
    public void Impossible_step_is_a_bug_not_a_silent_no_op() =>
        Assert.Throws<InvalidOperationException>(() => RotationStateMachine.Next(Done, StepOutcome.Succeeded));

    [Fact]
    public void Wire_names_are_snake_case_and_round_trip()
    {
        Assert.Equal("distribute_partial", DistributePartial.Name());
        Assert.Equal("rev_revoke_failed", RevRevokeFailed.Name());
        Assert.Equal("mark_manually_revoked", MarkManuallyRevoked.Name());
        foreach (var s in Enum.GetValues<JobStatus>())
        {
            Assert.True(JobStatusNames.TryParse(s.Name(), out var back));
            Assert.Equal(s, back);
        }
        Assert.Equal(26, Enum.GetValues<JobStatus>().Length);
    }
}
