using Velvet.Core.Jobs;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Core.Schedules;

/// <summary>Reads, per credential, the last finished rotation (operational flow, done) from the job store.</summary>
public static class RotationHistory
{
    /// <summary>How many recent jobs of one credential are searched for its last finished rotation.</summary>
    public const int Depth = 50;

    public static async Task<IReadOnlyDictionary<string, RotationJob>> LastRotationsAsync(IJobStore store, VelvetManifest manifest, string env, CancellationToken ct)
    {
        var found = new Dictionary<string, RotationJob>(StringComparer.Ordinal);
        foreach (var c in manifest.Credentials.Where(c => c.Env == env))
        {
            var jobs = await store.ListJobsAsync(new JobQuery { CredentialName = c.TokenName, Limit = Depth }, ct).ConfigureAwait(false);
            if (jobs.FirstOrDefault(j => j.Env == env && j.Flow == FlowType.Operational && j.Status == JobStatus.Done) is { } done)
                found[c.TokenName] = done;
        }
        return found;
    }
}
