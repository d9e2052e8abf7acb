using Velvet.Core.Jobs;

namespace Velvet.Store.Tests;

/// <summary>Builders for jobs, rows and events. Times are whole microseconds: PostgreSQL keeps no finer precision.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1_234_560);

    /// <summary>A credential name no other test uses, so tests can share one PostgreSQL schema.</summary>
    public static string Credential() => "cred-" + Guid.NewGuid().ToString("N")[..12];

    public static RotationJob Job(string credential, string env = "prod", string? key = null, DateTimeOffset? at = null,
        JobStatus status = JobStatus.Init, FlowType flow = FlowType.Operational)
    {
        var t = at ?? T0;
        return new RotationJob
        {
            JobId = Guid.NewGuid(),
            CredentialName = credential,
            Env = env,
            Flow = flow,
            Status = status,
            IdempotencyKey = key,
            CreatedBy = "alice",
            CreatedAt = t,
            UpdatedAt = t,
            StatusChangedAt = t,
        };
    }

    public static ConsumerRow Row(Guid jobId, int ordinal, DateTimeOffset? at = null) => new()
    {
        JobId = jobId,
        ConsumerId = $"consumer-{ordinal:D4}",
        Kind = ordinal == 0 ? "ssm" : "heroku",
        IsCanonical = ordinal == 0,
        Ordinal = ordinal,
        UpdatedAt = at ?? T0,
    };

    public static NewJob New(RotationJob job, int consumers = 2) => new()
    {
        Job = job,
        Rows = Enumerable.Range(0, consumers).Select(i => Row(job.JobId, i, job.CreatedAt)).ToArray(),
    };

    public static JobEvent Created(RotationJob job) => new()
    {
        JobId = job.JobId,
        At = job.CreatedAt,
        Actor = job.CreatedBy,
        Kind = "created",
        ToStatus = job.Status.Name(),
    };

    public static JobEvent Note(Guid jobId, string detail, DateTimeOffset? at = null, string? consumer = null) => new()
    {
        JobId = jobId,
        At = at ?? T0,
        Actor = "worker",
        Kind = consumer is null ? "note" : "consumer",
        ConsumerId = consumer,
        Detail = detail,
    };

    /// <summary>The job moved to <paramref name="status"/>, as the engine would write it (version = the one it read).</summary>
    public static RotationJob Moved(RotationJob read, JobStatus status, TimeSpan after) => read with
    {
        Status = status,
        UpdatedAt = read.UpdatedAt + after,
        StatusChangedAt = read.UpdatedAt + after,
    };
}
