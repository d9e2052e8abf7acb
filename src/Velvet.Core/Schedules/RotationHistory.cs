using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Core.Schedules;

/// <summary>Reads, per credential, the last finished rotation (operational flow, done) from the job store.</summary>
public static class RotationHistory
{
    /// <summary>How many recent jobs of one credential are searched for its last finished rotation.</summary>
    public const int Depth = 50;

    public static async Task<IReadOnlyDictionary<string, RotationJob>> LastRotationsAsync(IJobStore store, VelvetManifest manifest, string env, CancellationToken ct) =>
        (await ReadAsync(store, manifest, env, ct).ConfigureAwait(false)).LastRotations;

    /// <summary>The last finished rotation and the newest job (any flow, any status) of every credential of <paramref name="env"/>.</summary>
    public static async Task<History> ReadAsync(IJobStore store, VelvetManifest manifest, string env, CancellationToken ct)
    {
        var done = new Dictionary<string, RotationJob>(StringComparer.Ordinal);
        var latest = new Dictionary<string, RotationJob>(StringComparer.Ordinal);
        foreach (var c in manifest.Credentials.Where(c => c.Env == env))
        {
            var jobs = (await store.ListJobsAsync(new JobQuery { CredentialName = c.TokenName, Limit = Depth }, ct).ConfigureAwait(false))
                .Where(j => j.Env == env).ToList();
            if (jobs.FirstOrDefault(j => j.Flow == FlowType.Operational && j.Status == JobStatus.Done) is { } d) done[c.TokenName] = d;
            if (jobs.FirstOrDefault() is { } newest) latest[c.TokenName] = newest;
        }
        return new History(done, latest);
    }

    /// <summary>What the planner needs from the job store.</summary>
    public sealed record History(IReadOnlyDictionary<string, RotationJob> LastRotations, IReadOnlyDictionary<string, RotationJob> Latest)
    {
        public static History Empty { get; } = new(new Dictionary<string, RotationJob>(), new Dictionary<string, RotationJob>());
    }
}
