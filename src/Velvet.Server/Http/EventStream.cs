using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Velvet.Server.Http;

/// <summary>
/// One server-sent event per stored job event; ids = the store's sequence, so a client resumes with Last-Event-ID.
/// Fed by <see cref="JobEventHub"/> (reads the store, so a stream works from any replica). Ends after a terminal status.
/// </summary>
internal static class EventStream
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async IAsyncEnumerable<SseItem<string>> ReadAsync(JobEventHub hub, Guid jobId, long after, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in hub.SubscribeAsync(jobId, after, ct).ConfigureAwait(false))
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(JobViews.Event(e), Json), e.Kind)
            {
                EventId = e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }
    }
}
