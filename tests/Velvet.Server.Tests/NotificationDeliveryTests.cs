using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Engine;
using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Engine.Tests.Support;
using Velvet.Vendors.Notifications;
using Velvet.Vendors.Tests.Notifications;

namespace Velvet.Server.Tests;

/// <summary>
/// End to end: a real engine transition, the outbox the SQLite store writes with it, the dispatcher on fake time,
/// and every channel kind against real local receivers (Kestrel for Slack and webhooks, a TCP SMTP receiver).
/// </summary>
public sealed class NotificationDeliveryTests(NotificationReceiver receiver) : IClassFixture<NotificationReceiver>
{
    private static readonly HttpClient Http = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DispatcherOptions Options(string owner = "replica-1") => new() { Owner = owner, PollInterval = TimeSpan.FromSeconds(5), BaseBackoff = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task R3_rev_leaked_reaches_every_channel_within_30_seconds_with_job_credential_and_leaking_consumers()
    {
        await using var h = await Harness.StartAsync();
        var seeded = await h.SeedAsync();
        await using var smtp = new SmtpReceiver();
        var (hook, webhook, chat) = (NotificationReceiver.NewKey(), NotificationReceiver.NewKey(), NotificationReceiver.NewKey());
        h.Secrets.Set("OPS_WEBHOOK", new SecretValue(receiver.SlackWebhook(webhook).ToString()));
        h.Secrets.Set("BOT_TOKEN", new SecretValue("xoxb-bot-token-for-tests"));
        h.Secrets.Set("HOOK_KEY", new SecretValue("hook-signing-key-for-tests"));
        ChannelSpec[] specs =
        [
            new() { Name = "ops", Kind = ChannelKinds.SlackWebhook, Settings = new Dictionary<string, string> { ["url_secret"] = "OPS_WEBHOOK" } },
            new() { Name = "bot", Kind = ChannelKinds.SlackChat, Settings = new Dictionary<string, string> { ["token_secret"] = "BOT_TOKEN", ["channel"] = "C0BOT", ["api_url"] = receiver.SlackApi(chat).ToString() } },
            new() { Name = "pager", Kind = ChannelKinds.Webhook, Settings = new Dictionary<string, string> { ["url"] = receiver.Hook(hook).ToString(), ["signing_secret"] = "HOOK_KEY" } },
            new() { Name = "mail", Kind = ChannelKinds.Email, Events = [NotificationKinds.RevLeaked], Settings = new Dictionary<string, string>
                { ["host"] = "127.0.0.1", ["port"] = smtp.Port.ToString(CultureInfo.InvariantCulture), ["tls"] = "none", ["from"] = "velvet@raxx.app", ["to"] = "ops@raxx.app" } },
        ];
        // Slack is briefly down: the first attempt fails, and the retry must still land inside the 30 s.
        receiver.AnswerOnce(webhook, new Answer(503, "service unavailable"));

        h.Apps.For("search").HealthStatus = 200; // still accepts the revoked credential
        var job = await h.StartJobAsync(FlowType.Revocation);
        var leaked = await h.RunToGateAsync(job.JobId);
        Assert.Equal(JobStatus.RevLeaked, leaked.Status);

        // The worst case for polling: the transition lands just after a pass, so the next one is a full interval away.
        var time = new FakeTimeProvider(leaked.StatusChangedAt);
        var dispatcher = new NotificationDispatcher((INotificationStore)h.Store, h.Store,
            specs.Select(s => NotificationChannels.Create(s, h.Secrets, Http, time)), h.Masker, Options(), time, NullLogger.Instance, () => 1.0);
        bool AllReceived() => receiver.Received(hook).Count == 1 && receiver.Received(chat).Count == 1 && smtp.Mails.Count == 1
            && receiver.Received(webhook).Count(p => p.Body.Contains("rev_leaked", StringComparison.Ordinal)) == 2;
        while (!AllReceived() && time.GetUtcNow() - leaked.StatusChangedAt < TimeSpan.FromSeconds(60))
        {
            time.Advance(dispatcher.Options.PollInterval);
            await dispatcher.RunOnceAsync(Ct);
        }

        Assert.True(AllReceived(), "not every channel received the rev_leaked alert");
        Assert.InRange(time.GetUtcNow() - leaked.StatusChangedAt, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        var payloads = new[] { hook, chat, webhook }.SelectMany(k => receiver.Received(k)).Select(p => p.Body).Concat(smtp.Mails.Select(m => m.Data)).ToList();
        Assert.All(payloads, p =>
        {
            Assert.Contains(job.JobId.ToString(), p, StringComparison.Ordinal);
            Assert.Contains(Harness.Cred, p, StringComparison.Ordinal);
            Assert.Contains("search", p, StringComparison.Ordinal);
            // Canary: the credential's real values (the revoked one, the deploy token) are in no payload.
            Assert.DoesNotContain(seeded.Reveal(), p, StringComparison.Ordinal);
            Assert.DoesNotContain(Harness.DeployToken, p, StringComparison.Ordinal);
        });
        using var hookBody = JsonDocument.Parse(receiver.Received(hook)[0].Body);
        Assert.Equal("sev1", hookBody.RootElement.GetProperty("severity").GetString());
        Assert.Equal(["search"], hookBody.RootElement.GetProperty("consumers").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_failing_channel_retries_with_growing_backoff_shows_degraded_in_readyz_and_recovers()
    {
        var hookKey = NotificationReceiver.NewKey();
        var opsKey = NotificationReceiver.NewKey();
        receiver.Answer(hookKey, new Answer(500, "{\"error\":\"boom\"}"));
        await using var api = await ApiHarness.StartAsync(
            (d, u) => Harness.DefaultManifest(d, u) + $"""

                notifications:
                  max_attempts: 10
                  channels:
                    - name: pager
                      kind: webhook
                      url_secret: PAGER_URL
                    - name: ops
                      kind: slack_webhook
                      url_secret: OPS_WEBHOOK
                      events: [aborted, rev_leaked]
                """,
            s => s with { RunWorker = false });
        var h = api.Engine; // seeded by the harness
        h.Secrets.Set("OPS_WEBHOOK", new SecretValue(receiver.SlackWebhook(opsKey).ToString()));
        h.Secrets.Set("PAGER_URL", new SecretValue(receiver.Hook(hookKey).ToString())); // its path is the secret part
        var job = await h.StartJobAsync();
        var aborted = (await h.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Abort, Actor = "carol", Reason = "test" })).Unwrap();
        Assert.Equal(JobStatus.Aborted, aborted.Status);

        var time = new FakeTimeProvider(aborted.StatusChangedAt);
        var dispatcher = new NotificationDispatcher((INotificationStore)h.Store, h.Store,
            NotificationChannels.CreateAll(h.Manifest.Notifications, h.Secrets, Http, time), h.Masker,
            Options() with { MaxAttempts = h.Manifest.Notifications.MaxAttempts }, time, NullLogger.Instance, () => 1.0);
        var attempts = new List<DateTimeOffset>();
        for (var i = 0; i < 24; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await dispatcher.RunOnceAsync(Ct);
            while (attempts.Count < receiver.Received(hookKey).Count) attempts.Add(time.GetUtcNow());
        }

        // 120 s of failures: attempts at growing intervals (5, 10, 20, 40 s with this jitter), not one per poll.
        Assert.InRange(attempts.Count, 4, 6);
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal(gaps.Order(), gaps);
        Assert.True(gaps[^1] >= gaps[0] * 4, string.Join(", ", gaps));
        Assert.Single(receiver.Received(opsKey)); // the healthy channel got its message on the first pass

        var ready = await ApiHarness.JsonAsync(await api.Anonymous.GetAsync("/readyz", Ct));
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var line = ready.GetProperty("checks").GetProperty("notifications").GetString()!;
        Assert.StartsWith("degraded: pager failing since", line, StringComparison.Ordinal);
        Assert.Contains("500 internal server error", line, StringComparison.Ordinal);
        Assert.DoesNotContain("ops", line, StringComparison.Ordinal);
        Assert.DoesNotContain(hookKey, line, StringComparison.Ordinal);
        Assert.DoesNotContain(hookKey, string.Join("\n", api.ServerLogs.Lines), StringComparison.Ordinal);

        receiver.Answer(hookKey, new Answer(204, ""));
        for (var i = 0; i < 20 && receiver.Received(hookKey).Count == attempts.Count; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await dispatcher.RunOnceAsync(Ct);
        }
        ready = await ApiHarness.JsonAsync(await api.Anonymous.GetAsync("/readyz", Ct));
        Assert.Equal("ok: 2 channel(s)", ready.GetProperty("checks").GetProperty("notifications").GetString());
    }

    [Fact]
    public async Task The_server_hosts_the_dispatcher_beside_its_worker()
    {
        var key = NotificationReceiver.NewKey();
        NotificationDispatcher? dispatcher = null;
        await using var api = await ApiHarness.StartAsync(
            (d, u) => Harness.DefaultManifest(d, u) + $"""

                notifications:
                  channels:
                    - name: pager
                      kind: webhook
                      url: {receiver.Hook(key)}
                """,
            s => s with
            {
                Notifier = dispatcher = new NotificationDispatcher((INotificationStore)s.Store, s.Store,
                    NotificationChannels.CreateAll(s.Manifest.Notifications, new Velvet.Vendors.Local.DictionarySecretSource(s.Masker), Http, TimeProvider.System),
                    s.Masker, Options() with { PollInterval = TimeSpan.FromMilliseconds(100) }, TimeProvider.System, NullLogger.Instance),
            });
        Assert.NotNull(dispatcher);
        var job = await api.Engine.StartJobAsync();
        (await api.Engine.TryActAsync(job.JobId, new ActionRequest { Action = JobAction.Abort, Actor = "carol" })).Unwrap();

        // No pass is driven here: the hosted service's own loop must pick the event up (bounded wait, no timing asserted).
        for (var i = 0; i < 200 && receiver.Received(key).Count == 0; i++) await Task.Delay(50, Ct);

        var post = Assert.Single(receiver.Received(key));
        Assert.Equal("aborted", post.Headers["X-Velvet-Event"]);
        Assert.Contains(job.JobId.ToString(), post.Body, StringComparison.Ordinal);
    }
}
