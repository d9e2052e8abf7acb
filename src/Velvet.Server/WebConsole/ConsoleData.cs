using Velvet.Core.Jobs;

namespace Velvet.Server.WebConsole;

/// <summary>Reads the console's pages share.</summary>
internal static class ConsoleData
{
    /// <summary>Jobs of one credential in this env, newest first.</summary>
    public static async Task<IReadOnlyList<RotationJob>> JobsOfAsync(ServerServices s, string credential, int limit, CancellationToken ct) =>
        (await s.Store.ListJobsAsync(new JobQuery { CredentialName = credential, Limit = limit }, ct).ConfigureAwait(false))
            .Where(j => j.Env == s.Env).ToList();
}
