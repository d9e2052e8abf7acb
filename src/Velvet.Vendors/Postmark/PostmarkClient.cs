using System.Net.Http.Headers;
using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Postmark;

/// <summary>The server a token belongs to (from GET /server); never its ApiTokens, which the answer also lists.</summary>
public sealed record PostmarkServer(long Id, string Name);

/// <summary>Why Postmark refused a token: <see cref="Rejected"/> is 401, or 422 with ErrorCode 10 (bad or missing API token).</summary>
public enum PostmarkProblem
{
    None = 0,
    Rejected = 1,
    Other = 2,
}

/// <summary>
/// <c>GET /server</c> with <c>X-Postmark-Server-Token</c>: the one call Postmark offers on a server token. The answer
/// lists every token of the server (ApiTokens), so only ID and Name are read and the rest is dropped unseen.
/// </summary>
public sealed class PostmarkClient(PostmarkOptions options, HttpCaller caller)
{
    public const string TokenHeader = "X-Postmark-Server-Token";

    private Uri ServerUrl => new(options.ApiUrl, "server");

    public async Task<(Outcome Outcome, PostmarkProblem Problem, PostmarkServer? Server)> GetServerAsync(SecretValue token, CancellationToken ct)
    {
        var call = $"GET {HttpOutcomes.Describe(ServerUrl)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, ServerUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation(TokenHeader, token.Reveal());
        var problem = PostmarkProblem.None;
        PostmarkServer? server = null;
        var outcome = await caller.SendAsync(request, call, async (response, c) =>
        {
            var status = (int)response.StatusCode;
            if (status == 401) { problem = PostmarkProblem.Rejected; return HttpOutcomes.Permanent(response, call, "401: Postmark does not accept this server token"); }
            if (HttpOutcomes.IsTransient(status)) { problem = PostmarkProblem.Other; return HttpOutcomes.Transient(response, call, caller.Time); }
            using var doc = await JsonAnswer.ReadAsync(response, c).ConfigureAwait(false);
            if (status == 422)
            {
                var code = doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("ErrorCode", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : -1;
                problem = code == 10 ? PostmarkProblem.Rejected : PostmarkProblem.Other;
                return Outcome.Permanent($"{call}: 422 ErrorCode {code}{(code == 10 ? ": bad or missing API token" : "")}", status);
            }
            if (!response.IsSuccessStatusCode)
            {
                problem = PostmarkProblem.Other;
                return HttpOutcomes.Permanent(response, call, $"{status} {HttpOutcomes.Reason(status)}: check api_url");
            }
            var root = doc?.RootElement;
            if (root is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty("ID", out var id) || !id.TryGetInt64(out var serverId))
            {
                problem = PostmarkProblem.Other;
                return Outcome.Permanent($"{call}: {status} without a server ID; is api_url the Postmark API?", status);
            }
            server = new PostmarkServer(serverId, JsonAnswer.String(o, "Name") ?? "");
            return Outcome.Ok($"{call}: server {serverId} ({server.Name})");
        }, ct).ConfigureAwait(false);
        if (!outcome.IsSuccess && problem == PostmarkProblem.None) problem = PostmarkProblem.Other;
        return (outcome, problem, server);
    }
}
