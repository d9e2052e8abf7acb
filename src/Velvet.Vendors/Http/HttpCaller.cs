namespace Velvet.Vendors.Http;

/// <summary>Sends one request with a per-call timeout and turns "no answer" into an outcome. Reads no body unless the classifier does.</summary>
public sealed class HttpCaller
{
    private readonly Func<HttpClient> _client;
    private readonly TimeProvider _time;

    public HttpCaller(Func<HttpClient> client, TimeProvider time, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _client = client;
        _time = time;
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }

    public TimeProvider Time => _time;

    public Task<Core.Ports.Outcome> SendAsync(
        HttpRequestMessage request, string call, Func<HttpResponseMessage, Core.Ports.Outcome> classify, CancellationToken ct) =>
        SendAsync(request, call, (response, _) => Task.FromResult(classify(response)), failure => failure, ct);

    /// <summary>
    /// For vendor APIs whose answer must be read (a public key, an access token): the classifier may read the body
    /// within the same timeout. It must not put the body in the outcome.
    /// </summary>
    public Task<Core.Ports.Outcome> SendAsync(
        HttpRequestMessage request, string call, Func<HttpResponseMessage, CancellationToken, Task<Core.Ports.Outcome>> classify, CancellationToken ct) =>
        SendAsync(request, call, classify, failure => failure, ct);

    /// <summary>
    /// Sends the request and hands the response (headers read, body not yet) to <paramref name="handle"/>, which may read
    /// the body under the same timeout. A call that gets no answer becomes <paramref name="failed"/> of a transient outcome.
    /// </summary>
    public async Task<T> SendAsync<T>(HttpRequestMessage request, string call,
        Func<HttpResponseMessage, CancellationToken, Task<T>> handle, Func<Core.Ports.Outcome, T> failed, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            // Headers first: a body that may echo what we sent is read only by a handler that needs it, or disposed unread.
            using var response = await _client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return await handle(response, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            return failed(HttpOutcomes.ForFailure(ex, call, Timeout, ct));
        }
    }
}
