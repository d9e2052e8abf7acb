using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Infisical;

/// <summary>A secrets call's outcome plus, when it failed, what it was about.</summary>
public sealed record InfisicalAnswer(Outcome Outcome, InfisicalProblem Problem = InfisicalProblem.Other);

/// <summary>
/// The Infisical calls one consumer needs: read, create (POST), update (PATCH) its secret and create folders, each
/// authenticated with the session's access token. A 401 drops the token and the call is made once more after a fresh login.
/// </summary>
public sealed class InfisicalClient(InfisicalOptions options, InfisicalSessions sessions, SecretMasker masker)
{
    private HttpCaller Caller => sessions.Caller;

    private Uri SecretUrl => new(options.ApiUrl, options.Api.SecretsPath + Uri.EscapeDataString(options.SecretName));

    /// <summary>The secret's current value (registered with the masker at once), null with a Succeeded outcome when there is none.</summary>
    public async Task<(Outcome Outcome, SecretValue? Value)> ReadAsync(ISecretSource auth, CancellationToken ct)
    {
        var query = $"?{options.Api.ProjectField}={Uri.EscapeDataString(options.ProjectId)}&environment={Uri.EscapeDataString(options.Environment)}" +
                    $"&secretPath={Uri.EscapeDataString(options.SecretPath)}&type=shared" + (options.Api.AsksForValue ? "&viewSecretValue=true" : "");
        var url = new Uri(SecretUrl + query);
        var call = $"GET {HttpOutcomes.Describe(url)}";
        SecretValue? value = null;
        var answer = await SendAsync(auth, token => Request(HttpMethod.Get, url, token, null), call, async (response, c) =>
        {
            if (!response.IsSuccessStatusCode)
            {
                var problem = await InfisicalErrors.ProblemAsync(response, c).ConfigureAwait(false);
                return problem is InfisicalProblem.SecretMissing or InfisicalProblem.FolderMissing
                    ? new InfisicalAnswer(Outcome.Ok($"{call}: {(int)response.StatusCode}: no secret at {options.Location}"), problem)
                    : new InfisicalAnswer(InfisicalErrors.Classify(response, call, options, Caller.Time), problem);
            }
            using var doc = await JsonAnswer.ReadAsync(response, c).ConfigureAwait(false);
            var held = doc is not null && doc.RootElement.TryGetProperty("secret", out var secret) ? JsonAnswer.String(secret, "secretValue") : null;
            if (held is null)
                return new InfisicalAnswer(Outcome.Permanent($"{call}: {(int)response.StatusCode} without secret.secretValue; check api_version (v4 needs read access to values)", (int)response.StatusCode));
            if (held.Length > 0)
            {
                value = new SecretValue(held);
                // Whatever the vault holds (old or new) is a credential: masked before anything could print it.
                masker.Register(value);
            }
            return new InfisicalAnswer(Outcome.Ok($"{call}: {(int)response.StatusCode}"));
        }, ct).ConfigureAwait(false);
        return (answer.Outcome, value);
    }

    /// <summary>PATCH: updates the existing secret; <see cref="InfisicalProblem.SecretMissing"/> when there is none yet.</summary>
    public Task<InfisicalAnswer> UpdateAsync(ISecretSource auth, SecretValue value, CancellationToken ct) => WriteAsync(auth, HttpMethod.Patch, value, ct);

    /// <summary>POST: creates the secret; <see cref="InfisicalProblem.SecretExists"/> when it exists, FolderMissing when its folder does not.</summary>
    public Task<InfisicalAnswer> CreateAsync(ISecretSource auth, SecretValue value, CancellationToken ct) => WriteAsync(auth, HttpMethod.Post, value, ct);

    /// <summary>Creates every folder of secret_path from the root down; a folder that already exists is fine.</summary>
    public async Task<Outcome> CreateFoldersAsync(ISecretSource auth, CancellationToken ct)
    {
        var url = new Uri(options.ApiUrl, options.Api.FoldersPath);
        var created = new List<string>();
        foreach (var (name, parent) in options.Folders())
        {
            var call = $"POST {HttpOutcomes.Describe(url)} ({(parent == "/" ? "" : parent)}/{name})";
            var body = new Dictionary<string, string>
            {
                [options.Api.ProjectField] = options.ProjectId, ["environment"] = options.Environment, ["name"] = name, ["path"] = parent,
            };
            var answer = await SendAsync(auth, token => Request(HttpMethod.Post, url, token, JsonSerializer.SerializeToUtf8Bytes(body)), call, async (response, c) =>
            {
                if (response.IsSuccessStatusCode) return new InfisicalAnswer(Outcome.Ok());
                var problem = await InfisicalErrors.ProblemAsync(response, c).ConfigureAwait(false);
                return new InfisicalAnswer(problem == InfisicalProblem.SecretExists ? Outcome.Ok() : InfisicalErrors.Classify(response, call, options, Caller.Time), problem);
            }, ct).ConfigureAwait(false);
            if (!answer.Outcome.IsSuccess) return answer.Outcome;
            if (answer.Problem != InfisicalProblem.SecretExists) created.Add($"{(parent == "/" ? "" : parent)}/{name}");
        }
        return Outcome.Ok(created.Count == 0 ? "folders already there" : $"created folder(s) {string.Join(", ", created)}");
    }

    private async Task<InfisicalAnswer> WriteAsync(ISecretSource auth, HttpMethod method, SecretValue value, CancellationToken ct)
    {
        var call = $"{method.Method} {HttpOutcomes.Describe(SecretUrl)}";
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            [options.Api.ProjectField] = options.ProjectId,
            ["environment"] = options.Environment,
            ["secretPath"] = options.SecretPath,
            ["secretValue"] = value.Reveal(),
            ["type"] = "shared",
        });
        try
        {
            return await SendAsync(auth, token => Request(method, SecretUrl, token, body), call, async (response, c) =>
            {
                var status = (int)response.StatusCode;
                // The answer may echo the value: only the status is used on success.
                if (response.IsSuccessStatusCode) return new InfisicalAnswer(Outcome.Ok($"{call}: {status} {(method == HttpMethod.Post ? "created" : "updated")}"));
                var problem = await InfisicalErrors.ProblemAsync(response, c).ConfigureAwait(false);
                return new InfisicalAnswer(InfisicalErrors.Classify(response, call, options, Caller.Time), problem);
            }, ct).ConfigureAwait(false);
        }
        finally
        {
            // The serialised body is the only plain copy we made (ByteArrayContent sends this very array).
            CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <summary>Sends with a current access token; on 401 drops it, logs in again and sends once more.</summary>
    private async Task<InfisicalAnswer> SendAsync(ISecretSource auth, Func<SecretValue, HttpRequestMessage> build, string call,
        Func<HttpResponseMessage, CancellationToken, Task<InfisicalAnswer>> classify, CancellationToken ct)
    {
        var (missing, id, secret) = InfisicalSessions.Credentials(options, auth);
        if (missing is not null) return new InfisicalAnswer(missing);
        var session = sessions.For(options.ApiUrl, id!, secret!);
        for (var attempt = 1; ; attempt++)
        {
            var (login, token) = await session.TokenAsync(id!, secret!, $"{options.ClientIdName}/{options.ClientSecretName}", ct).ConfigureAwait(false);
            if (token is null) return new InfisicalAnswer(login);
            using var request = build(token);
            var answer = await SendOnceAsync(request, call, classify, reloginOn401: attempt == 1, ct).ConfigureAwait(false);
            if (answer is not null) return answer;
            session.Drop(token);
        }
    }

    /// <summary>The classified answer, or null for a 401 that deserves a fresh login.</summary>
    private async Task<InfisicalAnswer?> SendOnceAsync(HttpRequestMessage request, string call,
        Func<HttpResponseMessage, CancellationToken, Task<InfisicalAnswer>> classify, bool reloginOn401, CancellationToken ct)
    {
        InfisicalAnswer? answer = null;
        var refused = false;
        var outcome = await Caller.SendAsync(request, call, async (response, c) =>
        {
            if ((int)response.StatusCode == 401 && reloginOn401)
            {
                refused = true;
                return Outcome.Transient($"{call}: 401: access token refused");
            }
            answer = await classify(response, c).ConfigureAwait(false);
            return answer.Outcome;
        }, ct).ConfigureAwait(false);
        if (refused) return null;
        // No answer at all (timeout, network): the caller's outcome says so.
        return answer is not null && ReferenceEquals(answer.Outcome, outcome) ? answer : new InfisicalAnswer(outcome);
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri url, SecretValue token, byte[]? json)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        return request;
    }
}
