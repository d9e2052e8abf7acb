using System.Net.Http.Headers;
using System.Text;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Notifications;

/// <summary>What the HTTP channels share: one POST of a JSON body, classified by <see cref="HttpOutcomes"/>.</summary>
internal abstract class HttpChannel(ChannelSpec spec, HttpClient http, TimeProvider time) : INotificationChannel
{
    public string Name => Spec.Name;

    public ChannelSpec Spec { get; } = spec;

    protected TimeProvider Time { get; } = time;

    public abstract Task<Outcome> SendAsync(NotificationMessage message, CancellationToken ct);

    /// <summary>POSTs <paramref name="body"/>; <paramref name="judge"/> reads a 2xx answer (null = 2xx is success).</summary>
    protected async Task<Outcome> PostAsync(Uri url, byte[] body, Action<HttpRequestMessage>? headers, Func<HttpResponseMessage, CancellationToken, Task<Outcome>>? judge, CancellationToken ct)
    {
        // The URL may be a secret (Slack webhook): messages show only scheme, host and the channel's name.
        var call = $"channel {Name} ({Spec.Kind}): POST {url.Scheme}://{url.Authority}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        headers?.Invoke(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return HttpOutcomes.ForFailure(ex, call, TimeSpan.Zero, ct);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 200 and <= 299) return judge is null ? Outcome.Ok($"{call}: {status}") : await judge(response, ct).ConfigureAwait(false);
            if (HttpOutcomes.IsTransient(status)) return HttpOutcomes.Transient(response, call, Time);
            return HttpOutcomes.Permanent(response, call, $"{status} {HttpOutcomes.Reason(status)}: {Advice(status)}");
        }
    }

    protected static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Advice(int status) => status switch
    {
        401 or 403 => "the receiver refused the channel's credential; fix the secret this channel references",
        404 or 410 => "the receiver does not know this URL (webhook removed or channel archived); fix the channel's URL",
        _ => "the receiver refused the message; check the channel's settings",
    };
}
