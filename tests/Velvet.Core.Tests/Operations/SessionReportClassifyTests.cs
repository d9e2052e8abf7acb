using Velvet.Core.Jobs;
using Velvet.Core.Reports;

namespace Velvet.Core.Tests.Operations;

/// <summary>How the session report words a job (the team's session log: DONE / PARTIAL / BLOCKED, pending operator items).</summary>
public class SessionReportClassifyTests
{
    private static readonly DateTimeOffset T = new(2026, 5, 6, 10, 27, 0, TimeSpan.Zero);

    private static RotationJob Job(JobStatus status, string? error = null) => new()
    {
        JobId = Guid.CreateVersion7(T), CredentialName = "HK_PLATFORM_FULL", Env = "prod", Flow = FlowType.Operational, Status = status,
        CreatedBy = "alice", CreatedAt = T, UpdatedAt = T, StatusChangedAt = T, OldCredentialId = "ba6a2961", LastError = error,
    };

    private static ConsumerRow Row(Guid job, string id, RowStatus validate, bool canonical = false) => new()
    {
        JobId = job, ConsumerId = id, Kind = "heroku-config-var", IsCanonical = canonical, DistributeStatus = RowStatus.Succeeded,
        ValidateStatus = validate, UpdatedAt = T,
    };

    [Fact]
    public void A_vault_copy_still_unconfirmed_means_revoke_pending_until_the_vault_write_is_confirmed()
    {
        var job = Job(JobStatus.ValidatePartial);
        var item = SessionReport.Classify(job, [Row(job.JobId, "infisical-heroku-key", RowStatus.NeedsConfirm, canonical: true), Row(job.JobId, "raxx-api-prod", RowStatus.Succeeded)]);
        Assert.Equal("revoke pending: old token (ba6a2961) still valid until vault write confirmed (infisical-heroku-key)", item.Pending);
        Assert.Equal("BLOCKED", item.Outcome); // validate_partial needs a person too
    }

    [Fact]
    public void Validated_waits_at_the_revoke_gate()
    {
        var job = Job(JobStatus.Validated);
        var item = SessionReport.Classify(job, [Row(job.JobId, "raxx-api-prod", RowStatus.Succeeded)]);
        Assert.Equal("revoke pending: old credential (ba6a2961) still valid until proceed_revoke with a ROT- ticket", item.Pending);
        Assert.Equal("PARTIAL — operator required", item.Outcome);
        Assert.Null(item.Blocked);
    }

    [Fact]
    public void A_failed_status_is_blocked_with_its_error_and_next_actions()
    {
        var item = SessionReport.Classify(Job(JobStatus.VerifyFailed, "verify failed: HTTP 401"), []);
        Assert.Equal("BLOCKED", item.Outcome);
        Assert.StartsWith("verify_failed: verify failed: HTTP 401 (next: ", item.Blocked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JobStatus.Done, "DONE")]
    [InlineData(JobStatus.Distributing, "IN PROGRESS — distributing")]
    public void Other_statuses(JobStatus status, string outcome) => Assert.Equal(outcome, SessionReport.Classify(Job(status), []).Outcome);
}
