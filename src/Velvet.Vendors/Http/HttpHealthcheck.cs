using Velvet.Core.Ports;

namespace Velvet.Vendors.Http;

/// <summary>
/// GETs a consumer's healthcheck_endpoint. After a rotation the expected status means healthy; after a
/// revocation 401/403 means the consumer is refused (good) and any 2xx means it still gets in (leaked).
/// </summary>
public sealed class HttpHealthcheck : IHealthcheck
{
    private readonly HttpHealthcheckOptions _options;
    private readonly HttpCaller _caller;
    private readonly string _call;

    public HttpHealthcheck(HttpHealthcheckOptions options, HttpCaller caller)
    {
        _options = options;
        _caller = caller;
        _call = $"GET {HttpOutcomes.Describe(options.Endpoint)}";
    }

    public Task<Outcome> CheckHealthyAsync(ConsumerContext ctx, CancellationToken ct) =>
        SendAsync(response =>
        {
            var status = (int)response.StatusCode;
            if (status == _options.SuccessStatus) return Outcome.Ok($"{_call}: {status} (healthy)");
            if (HttpOutcomes.IsTransient(status)) return HttpOutcomes.Transient(response, _call, _caller.Time);
            return Outcome.Permanent($"{_call}: {status} {HttpOutcomes.Reason(status)}, expected {_options.SuccessStatus}: {ctx.ConsumerId} is not healthy with the new value", status);
        }, ct);

    public Task<Outcome> CheckRefusedAsync(ConsumerContext ctx, CancellationToken ct) =>
        SendAsync(response =>
        {
            var status = (int)response.StatusCode;
            if (status is 401 or 403) return new Outcome { Kind = OutcomeKind.Succeeded, Message = $"refused: {status}", HttpStatus = status };
            if (status is >= 200 and <= 299) return Outcome.Leak($"still accepted: {status}", status);
            if (HttpOutcomes.IsTransient(status)) return HttpOutcomes.Transient(response, _call, _caller.Time);
            return Outcome.Permanent($"{_call}: {status} {HttpOutcomes.Reason(status)}: neither refused (401/403) nor accepted (2xx); check healthcheck_endpoint", status);
        }, ct);

    private async Task<Outcome> SendAsync(Func<HttpResponseMessage, Outcome> classify, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _options.Endpoint);
        return await _caller.SendAsync(request, _call, classify, ct).ConfigureAwait(false);
    }
}
