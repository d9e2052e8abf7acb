using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Velvet.Core.Ports;

namespace Velvet.Vendors.Http;

/// <summary>
/// The one place HTTP answers become outcomes, shared by the consumer and the healthcheck.
/// Messages are built only from the status code and headers we parse: never from the body or the server's
/// reason phrase, which an endpoint may fill with the value it was sent.
/// </summary>
public static partial class HttpOutcomes
{
    /// <summary>True for answers worth retrying: 408, 429 and every 5xx.</summary>
    public static bool IsTransient(int status) => status is 408 or 429 or >= 500 and <= 599;

    /// <summary>Outcome of an update call (PUT/POST/PATCH of the value).</summary>
    public static Outcome ForUpdate(HttpResponseMessage response, string call, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and <= 299) return Outcome.Ok($"{call}: {status} {Reason(status)}");
        if (IsTransient(status)) return Transient(response, call, time);
        var advice = status switch
        {
            401 => "401 unauthorized: the endpoint refused the update credential (update_auth_token_name); fix that credential, do not rotate",
            403 => "403 forbidden: fix the consumer's policy, do not rotate",
            404 => "404 not found: check update_endpoint",
            405 => "405 method not allowed: check update_method",
            422 => "422 unprocessable entity: the endpoint refused the value; check its format rules and body_field",
            >= 400 and <= 499 => $"{status} {Reason(status)}: the endpoint refused the request; fix the consumer's settings, do not rotate",
            _ => $"{status} {Reason(status)}: unexpected answer to an update",
        };
        return Outcome.Permanent($"{call}: {advice}{BodyNote(response)}", status);
    }

    /// <summary>Outcome of a refused call: the caller's advice and the body's length, never the body.</summary>
    public static Outcome Permanent(HttpResponseMessage response, string call, string advice) =>
        Outcome.Permanent($"{call}: {advice}{BodyNote(response)}", (int)response.StatusCode);

    /// <summary>Outcome of a transient status: 408, 429, 5xx, with the server's Retry-After when it gave one.</summary>
    public static Outcome Transient(HttpResponseMessage response, string call, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter(response, time);
        var when = retryAfter is { } r ? $"; retry after {Math.Ceiling(r.TotalSeconds):0} s" : "; retry";
        return Outcome.Transient($"{call}: {status} {Reason(status)}{when}{BodyNote(response)}", status, retryAfter);
    }

    /// <summary>Outcome of a call that got no answer. Caller cancellation is not an outcome: it is rethrown.</summary>
    public static Outcome ForFailure(Exception ex, string call, TimeSpan timeout, CancellationToken callerToken)
    {
        callerToken.ThrowIfCancellationRequested();
        return ex switch
        {
            OperationCanceledException => Outcome.Transient($"{call}: no answer within {timeout.TotalSeconds:0.###} s (timeout); retry"),
            HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } =>
                Outcome.Transient($"{call}: connection refused; is the endpoint up? retry"),
            HttpRequestException h => Outcome.Transient($"{call}: network error ({h.HttpRequestError}); retry"),
            _ => throw new ArgumentException("not a failure of an HTTP call", nameof(ex), ex),
        };
    }

    /// <summary>Retry-After as delta-seconds or HTTP-date, never negative; null when absent or unparseable.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>The endpoint as safe to print: no user-info, query or fragment, where tokens tend to hide.</summary>
    public static string Describe(Uri endpoint) =>
        endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    /// <summary>"no content", "bad gateway"…: from the status code, not from the server.</summary>
    public static string Reason(int status) =>
        Enum.IsDefined((HttpStatusCode)status)
            ? CamelBoundary().Replace(((HttpStatusCode)status).ToString(), " $1").ToLowerInvariant()
            : "status";

    /// <summary>The body's length at most: the body itself may echo the value.</summary>
    private static string BodyNote(HttpResponseMessage response) =>
        response.Content.Headers.ContentLength is > 0 and var n ? $" (response body {n} bytes, not shown)" : "";

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex CamelBoundary();
}
