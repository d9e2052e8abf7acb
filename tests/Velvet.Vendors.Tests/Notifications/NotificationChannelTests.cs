using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Jobs;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;
using Velvet.Vendors.Notifications;

namespace Velvet.Vendors.Tests.Notifications;

/// <summary>Each channel against a real local receiver: what it sends, and how every answer is classified.</summary>
public sealed class NotificationChannelTests(NotificationReceiver receiver) : IClassFixture<NotificationReceiver>
{
    private const string Canary = "NOTIFY-CANARY-7c1e55-never-sent";
    private static readonly HttpClient Http = new();
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Guid JobId = Guid.Parse("0193a0c4-1111-7000-8000-000000000001");

    /// <summary>A rev_leaked message as the dispatcher builds it; the job carries the canary where a careless builder would pick it up.</summary>
    public static NotificationMessage Leak(SecretMasker masker)
    {
        var job = new RotationJob
        {
            JobId = JobId, CredentialName = "HK_PLATFORM_FULL", Env = "prod", Flow = FlowType.Revocation, Status = JobStatus.RevLeaked,
            CreatedBy = "alice", CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow(), StatusChangedAt = Time.GetUtcNow(),
            LastError = "consumer echoed " + Canary, NewValueFingerprint = Canary,
            Details = new JobDetails { LeakedConsumers = ["heroku-raxx-api", "gh-actions-deploy"], AbortReason = Canary },
        };
        var e = NotificationEvent.ForTransition(job, Time.GetUtcNow())! with { Reason = "reason with " + Canary };
        return NotificationMessage.For(e, job, masker);
    }

    private static SecretMasker Masker()
    {
        var m = new SecretMasker();
        m.Register(Canary);
        return m;
    }

    private static ISecretSource Secrets(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => EnvSecretSource.VariableFor(v.Name), v => v.Value);
        return new EnvSecretSource(n => map.GetValueOrDefault(n), new SecretMasker());
    }

    private static ChannelSpec Spec(string kind, params (string Key, string Value)[] settings) =>
        new() { Name = "ch-" + kind, Kind = kind, Settings = settings.ToDictionary(s => s.Key, s => s.Value) };

    private INotificationChannel SlackWebhook(string key) =>
        NotificationChannels.Create(Spec(ChannelKinds.SlackWebhook, ("url_secret", "SLACK_OPS_WEBHOOK")),
            Secrets(("SLACK_OPS_WEBHOOK", receiver.SlackWebhook(key).ToString())), Http, Time);

    private INotificationChannel SlackChat(string key) =>
        NotificationChannels.Create(Spec(ChannelKinds.SlackChat, ("token_secret", "SL_BOT_TOKEN"), ("channel", "D0AJ7K184TV"), ("api_url", receiver.SlackApi(key).ToString())),
            Secrets(("SL_BOT_TOKEN", "xoxb-test-bot-token")), Http, Time);

    private INotificationChannel Hook(string key, string? header = null)
    {
        var settings = new List<(string, string)> { ("url", receiver.Hook(key).ToString()), ("signing_secret", "HOOK_KEY") };
        if (header is not null) settings.Add(("signature_header", header));
        return NotificationChannels.Create(Spec(ChannelKinds.Webhook, [.. settings]), Secrets(("HOOK_KEY", "hook-signing-key-123")), Http, Time);
    }

    [Fact]
    public async Task Slack_webhook_posts_text_and_blocks_with_job_credential_and_leaking_consumers()
    {
        var key = NotificationReceiver.NewKey();

        var outcome = await SlackWebhook(key).SendAsync(Leak(Masker()), Ct);

        Assert.True(outcome.IsSuccess, outcome.Message);
        using var body = JsonDocument.Parse(Assert.Single(receiver.Received(key)).Body);
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.Contains("SEV1 rev_leaked", text, StringComparison.Ordinal);
        Assert.Contains("HK_PLATFORM_FULL", text, StringComparison.Ordinal);
        Assert.Contains("heroku-raxx-api, gh-actions-deploy", text, StringComparison.Ordinal);
        Assert.Contains(JobId.ToString(), body.RootElement.GetProperty("blocks").GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, OutcomeKind.Permanent)]
    [InlineData(403, OutcomeKind.Permanent)]
    [InlineData(500, OutcomeKind.Transient)]
    [InlineData(503, OutcomeKind.Transient)]
    public async Task Slack_webhook_error_statuses_are_classified(int status, OutcomeKind kind)
    {
        var key = NotificationReceiver.NewKey();
        receiver.Answer(key, new Answer(status, "no_service"));

        var outcome = await SlackWebhook(key).SendAsync(Leak(Masker()), Ct);

        Assert.Equal(kind, outcome.Kind);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.DoesNotContain(key, outcome.Message, StringComparison.Ordinal); // the webhook URL's path is the secret
    }

    [Fact]
    public async Task Slack_webhook_429_is_transient_with_the_retry_after()
    {
        var key = NotificationReceiver.NewKey();
        receiver.Answer(key, new Answer(429, "rate_limited", RetryAfterSeconds: 7));

        var outcome = await SlackWebhook(key).SendAsync(Leak(Masker()), Ct);

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_missing_channel_secret_is_permanent_and_names_the_variable()
    {
        var channel = NotificationChannels.Create(Spec(ChannelKinds.SlackWebhook, ("url_secret", "SLACK_OPS_WEBHOOK")), Secrets(), Http, Time);

        var outcome = await channel.SendAsync(Leak(Masker()), Ct);

        Assert.Equal(OutcomeKind.Permanent, outcome.Kind);
        Assert.Contains("secret SLACK_OPS_WEBHOOK (url_secret) is not set; set VELVET_SECRET_SLACK_OPS_WEBHOOK", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_chat_post_message_sends_the_bot_token_as_bearer_and_the_channel()
    {
        var key = NotificationReceiver.NewKey();

        var outcome = await SlackChat(key).SendAsync(Leak(Masker()), Ct);

        Assert.True(outcome.IsSuccess, outcome.Message);
        var post = Assert.Single(receiver.Received(key));
        Assert.Equal("Bearer xoxb-test-bot-token", post.Headers["Authorization"]);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("D0AJ7K184TV", body.RootElement.GetProperty("channel").GetString());
        Assert.Contains("rev_leaked", body.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invalid_auth", OutcomeKind.Permanent)]
    [InlineData("channel_not_found", OutcomeKind.Permanent)]
    [InlineData("internal_error", OutcomeKind.Transient)]
    [InlineData("ratelimited", OutcomeKind.Transient)]
    public async Task Slack_chat_ok_false_is_a_failure_classified_by_its_error(string error, OutcomeKind kind)
    {
        var key = NotificationReceiver.NewKey();
        receiver.Answer(key, new Answer(200, $"{{\"ok\":false,\"error\":\"{error}\"}}"));

        var outcome = await SlackChat(key).SendAsync(Leak(Masker()), Ct);

        Assert.Equal(kind, outcome.Kind);
        Assert.Contains($"Slack error {error}", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_chat_429_is_transient_with_the_retry_after()
    {
        var key = NotificationReceiver.NewKey();
        receiver.Answer(key, new Answer(429, "", RetryAfterSeconds: 3));

        var outcome = await SlackChat(key).SendAsync(Leak(Masker()), Ct);

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.RetryAfter);
    }

    [Fact]
    public async Task Webhook_posts_the_message_json_signed_with_hmac_sha256_over_the_body()
    {
        var key = NotificationReceiver.NewKey();

        var outcome = await Hook(key).SendAsync(Leak(Masker()), Ct);

        Assert.True(outcome.IsSuccess, outcome.Message);
        var post = Assert.Single(receiver.Received(key));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("hook-signing-key-123"), Encoding.UTF8.GetBytes(post.Body)));
        Assert.Equal(expected, post.Headers["X-Velvet-Signature"]);
        Assert.Equal("rev_leaked", post.Headers["X-Velvet-Event"]);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(JobId, body.RootElement.GetProperty("job_id").GetGuid());
        Assert.Equal("HK_PLATFORM_FULL", body.RootElement.GetProperty("credential").GetString());
        Assert.Equal(["heroku-raxx-api", "gh-actions-deploy"], body.RootElement.GetProperty("consumers").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(post.Headers["X-Velvet-Delivery"], body.RootElement.GetProperty("event_key").GetString());
    }

    [Fact]
    public async Task Webhook_signature_header_name_is_configurable()
    {
        var key = NotificationReceiver.NewKey();

        Assert.True((await Hook(key, "X-Hub-Signature-256").SendAsync(Leak(Masker()), Ct)).IsSuccess);

        Assert.StartsWith("sha256=", Assert.Single(receiver.Received(key)).Headers["X-Hub-Signature-256"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, OutcomeKind.Permanent)]
    [InlineData(502, OutcomeKind.Transient)]
    public async Task Webhook_error_statuses_are_classified(int status, OutcomeKind kind)
    {
        var key = NotificationReceiver.NewKey();
        receiver.Answer(key, new Answer(status, "{\"error\":\"x\"}"));

        Assert.Equal(kind, (await Hook(key).SendAsync(Leak(Masker()), Ct)).Kind);
    }

    [Fact]
    public async Task Webhook_connection_refused_is_transient()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var channel = NotificationChannels.Create(Spec(ChannelKinds.Webhook, ("url", $"http://127.0.0.1:{port}/hook")), Secrets(), Http, Time);

        var outcome = await channel.SendAsync(Leak(Masker()), Ct);

        Assert.Equal(OutcomeKind.Transient, outcome.Kind);
    }

    private static INotificationChannel Email(SmtpReceiver smtp, params string[] to) =>
        NotificationChannels.Create(Spec(ChannelKinds.Email, ("host", "127.0.0.1"), ("port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("tls", "none"), ("from", "velvet@raxx.app"), ("to", string.Join(",", to))), Secrets(), Http, Time);

    [Fact]
    public async Task Email_is_delivered_over_smtp_with_subject_body_and_urgent_priority_for_sev1()
    {
        await using var smtp = new SmtpReceiver();

        var outcome = await Email(smtp, "ops@raxx.app", "oncall@raxx.app").SendAsync(Leak(Masker()), Ct);

        Assert.True(outcome.IsSuccess, outcome.Message);
        var mail = Assert.Single(smtp.Mails);
        var data = mail.Data.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal); // unfold long headers
        Assert.Equal("<velvet@raxx.app>", mail.From.Split(' ')[0]);
        Assert.Equal(["<ops@raxx.app>", "<oncall@raxx.app>"], mail.To.Select(t => t.Split(' ')[0]));
        Assert.Contains("Subject: [Velvet] SEV1 rev_leaked: HK_PLATFORM_FULL still accepted after revocation", data, StringComparison.Ordinal);
        Assert.Contains("X-Priority: 1", data, StringComparison.Ordinal);
        Assert.Contains("Leaking consumers: heroku-raxx-api, gh-actions-deploy", data, StringComparison.Ordinal);
        Assert.Contains($"Job: {JobId}", data, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("550 5.1.1 no such user", OutcomeKind.Permanent, "replied 550")]
    [InlineData("451 4.3.0 try again later", OutcomeKind.Transient, "replied 451")]
    public async Task Email_smtp_refusals_are_classified_by_reply_code(string reply, OutcomeKind kind, string phrase)
    {
        await using var smtp = new SmtpReceiver { RcptReply = reply };

        var outcome = await Email(smtp, "ops@raxx.app").SendAsync(Leak(Masker()), Ct);

        Assert.Equal(kind, outcome.Kind);
        Assert.Contains(phrase, outcome.Message, StringComparison.Ordinal);
        Assert.Contains("RCPT TO", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("no such user", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_to_a_closed_port_is_transient()
    {
        int port;
        await using (var smtp = new SmtpReceiver()) port = smtp.Port;
        var channel = NotificationChannels.Create(Spec(ChannelKinds.Email, ("host", "127.0.0.1"), ("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("tls", "none"), ("from", "velvet@raxx.app"), ("to", "ops@raxx.app")), Secrets(), Http, Time);

        Assert.Equal(OutcomeKind.Transient, (await channel.SendAsync(Leak(Masker()), Ct)).Kind);
    }

    [Fact]
    public async Task Canary_no_channel_payload_carries_a_secret_the_job_or_event_held()
    {
        var hook = NotificationReceiver.NewKey();
        var webhook = NotificationReceiver.NewKey();
        var chat = NotificationReceiver.NewKey();
        await using var smtp = new SmtpReceiver();
        var message = Leak(Masker());

        foreach (var channel in new[] { Hook(hook), SlackWebhook(webhook), SlackChat(chat), Email(smtp, "ops@raxx.app") })
            Assert.True((await channel.SendAsync(message, Ct)).IsSuccess);

        var payloads = new[] { hook, webhook, chat }.SelectMany(k => receiver.Received(k))
            .Select(p => p.Body + string.Join("\n", p.Headers.Values)).Concat(smtp.Mails.Select(m => m.Data)).ToList();
        Assert.Equal(4, payloads.Count);
        Assert.All(payloads, p => Assert.DoesNotContain(Canary, p, StringComparison.Ordinal));
        Assert.All(payloads, p => Assert.Contains("HK_PLATFORM_FULL", p, StringComparison.Ordinal));
    }
}
