namespace Velvet.Vendors.Http;

/// <summary>Sends one request with a per-call timeout and turns "no answer" into an outcome. Never reads the body.</summary>
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

    public async Task<Core.Ports.Outcome> SendAsync(
        HttpRequestMessage request, string call, Func<HttpResponseMessage, Core.Ports.Outcome> classify, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            // Headers only: the body is disposed unread because it may echo what we sent.
            using var response = await _client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return classify(response);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            return HttpOutcomes.ForFailure(ex, call, Timeout, ct);
        }
    }
}
