using Velvet.Core.Engine;
using Velvet.Core.Jobs;

namespace Velvet.Core.Tests.Jobs;

public sealed class ResidualReporterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private static ConsumerRow Row(Guid job, string id, int ordinal, RowStatus distribute) => new()
    {
        JobId = job, ConsumerId = id, Kind = "heroku-config-var", Ordinal = ordinal,
        DistributeStatus = distribute, ValidateStatus = distribute == RowStatus.Skipped ? RowStatus.Skipped : RowStatus.Pending, UpdatedAt = At,
    };

    [Fact]
    public void A_skipped_row_is_listed_as_skipped_not_as_holding_the_old_value()
    {
        var id = Guid.NewGuid();
        var job = new RotationJob
        {
            JobId = id, CredentialName = "HK_PLATFORM_FULL", Env = "prod", Flow = FlowType.Operational, Status = JobStatus.Distributed,
            CreatedBy = "ops", CreatedAt = At, UpdatedAt = At, StatusChangedAt = At, NewCredentialId = "auth-2", OldCredentialId = "auth-1",
        };
        var report = ResidualReporter.Build(job, [Row(id, "web", 0, RowStatus.Succeeded), Row(id, "deleted-app", 1, RowStatus.Skipped), Row(id, "worker", 2, RowStatus.Failed)]);

        Assert.Equal(["deleted-app"], report.ConsumersSkipped);
        Assert.Equal(["worker"], report.ConsumersWithOldValue);
        Assert.Equal(["web"], report.ConsumersWithNewValue);
        Assert.Contains(report.CleanupSteps, s => s.StartsWith("Consumers skipped (not written", StringComparison.Ordinal) && s.Contains("deleted-app", StringComparison.Ordinal));
    }
}
