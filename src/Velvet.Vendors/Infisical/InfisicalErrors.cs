using Velvet.Core.Ports;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Infisical;

/// <summary>What a failed secrets call was about, read from the error's <c>message</c> (which is never shown).</summary>
public enum InfisicalProblem
{
    Other = 0,
    /// <summary>"Folder not found": the path does not exist yet (or the environment slug is wrong).</summary>
    FolderMissing = 1,
    /// <summary>"Secret not found": PATCH of a name that does not exist yet.</summary>
    SecretMissing = 2,
    /// <summary>"already exists" / "name is taken": POST of a name that exists.</summary>
    SecretExists = 3,
}

/// <summary>
/// Infisical's failed answers as outcomes. The error body is read only to tell the cases apart (its wording varies by
/// version: 400 or 404, sometimes 500 for a missing folder); messages are Velvet's own words, never the body's,
/// because a rejected write may echo the value it was sent.
/// </summary>
public static class InfisicalErrors
{
    public static async Task<InfisicalProblem> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status is < 400 or 401 or 403 or 429) return InfisicalProblem.Other;
        using var doc = await JsonAnswer.ReadAsync(response, ct).ConfigureAwait(false);
        var message = (doc is null ? null : JsonAnswer.String(doc.RootElement, "message"))?.ToLowerInvariant() ?? "";
        if (message.Contains("folder", StringComparison.Ordinal) && message.Contains("not found", StringComparison.Ordinal))
            return InfisicalProblem.FolderMissing;
        if (message.Contains("already exist", StringComparison.Ordinal) || message.Contains("taken", StringComparison.Ordinal))
            return InfisicalProblem.SecretExists;
        if (message.Contains("not found", StringComparison.Ordinal) || message.Contains("does not exist", StringComparison.Ordinal) || (status == 404 && message.Length == 0))
            return InfisicalProblem.SecretMissing;
        return InfisicalProblem.Other;
    }

    /// <summary>Outcome of a failed call to the secrets or folders API (after the 401 re-login, which the client handles).</summary>
    public static Outcome Classify(HttpResponseMessage response, string call, InfisicalOptions options, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        if (status == 429) return HttpOutcomes.RateLimited(response, call, time);
        if (HttpOutcomes.IsTransient(status)) return HttpOutcomes.Transient(response, call, time);
        var advice = status switch
        {
            401 => $"401 unauthorized even with a fresh access token: check the machine identity ({options.ClientIdName}) and that its token is allowed from Velvet's address (Universal Auth trusted IPs)",
            403 => $"403 forbidden: the machine identity ({options.ClientIdName}) has no role in project {options.ProjectId} that may read and write secrets at {options.Location}; " +
                   "give it a project role (or a privilege) for that environment and path. Fix the policy, do not rotate",
            404 => $"404 not found: project {options.ProjectId}, environment {options.Environment} or path {options.SecretPath} does not exist; check project_id, environment (the slug) and secret_path",
            422 => "422 unprocessable: Infisical refused the request; check secret_name and secret_path",
            >= 400 and <= 499 => $"{status} {HttpOutcomes.Reason(status)}: Infisical refused the request; check project_id, environment (the slug) and secret_path",
            _ => $"{status} {HttpOutcomes.Reason(status)}: unexpected answer",
        };
        return Outcome.Permanent($"{call}: {advice}", status);
    }
}
