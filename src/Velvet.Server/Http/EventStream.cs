using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Velvet.Core.Jobs;

namespace Velvet.Server.Http;

/// <summary>
/// One server-sent event per stored job event, ids = the store's sequence, so a client resumes with Last-Event-ID.
/// Reads the store (not in-process signals), so a stream works from any replica. Ends after a terminal status.
/// </summary>
internal static class EventStream
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async IAsyncEnumerable<SseItem<string>> ReadAsync(ServerServices s, Guid jobId, long after, [EnumeratorCancellation] CancellationToken ct)
    {
        var seq = after;
        var wake = new SemaphoreSlim(0);
        void OnChanged(Guid id)
        {
            if (id == jobId && wake.CurrentCount == 0) wake.Release();
        }
        s.Service.JobChanged += OnChanged;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var events = await s.Store.GetEventsAsync(jobId, seq, ct).ConfigureAwait(false);
                var terminal = false;
                foreach (var e in events)
                {
                    seq = e.Seq;
                    yield return new SseItem<string>(JsonSerializer.Serialize(JobViews.Event(e), Json), e.Kind)
                    {
                        EventId = e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    };
                    terminal |= e.ToStatus is { } to && JobStatusNames.TryParse(to, out var st) && st.IsTerminal() && e.Kind is "status" or "action";
                }
                if (terminal) yield break;
                if (events.Count == 0)
                {
                    var job = await s.Store.GetJobAsync(jobId, ct).ConfigureAwait(false);
                    if (job is null || job.Status.IsTerminal()) yield break;
                }
                // Woken at once by this replica's writes; the poll catches other replicas' writes.
                try { await wake.WaitAsync(s.StreamPollInterval, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { yield break; }
            }
        }
        finally
        {
            s.Service.JobChanged -= OnChanged;
            wake.Dispose();
        }
    }
}
