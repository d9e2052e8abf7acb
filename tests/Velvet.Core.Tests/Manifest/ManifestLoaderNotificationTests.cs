using Velvet.Core.Notifications;

namespace Velvet.Core.Tests.Manifest;

public class ManifestLoaderNotificationTests
{
    private const string Head = """
        version: 1
        credentials:
          - token_name: DEMO_API_TOKEN
            vendor: { kind: generated }
            env: demo
        """;

    private static string[] Errors(string notifications) =>
        TestKinds.Load(Head + "\n" + notifications).Errors.Select(e => e.ToString()).ToArray();

    [Fact]
    public void Every_channel_kind_loads_with_its_settings_and_event_filter()
    {
        var result = TestKinds.Load(Head + """

            notifications:
              max_attempts: 5
              channels:
                - name: ops-slack
                  kind: slack_webhook
                  url_secret: SL_OPS_WEBHOOK
                  events: [rev_leaked, done, aborted]
                - name: bot
                  kind: slack_chat
                  token_secret: SL_BOT_NOTIFY
                  channel: D0AJ7K184TV
                - name: ops-mail
                  kind: email
                  host: smtp.example.com
                  port: 587
                  username: velvet
                  password_secret: SMTP_PASSWORD
                  from: velvet@raxx.app
                  to: [ops@raxx.app, oncall@raxx.app]
                  events: [rev_leaked]
                - name: pager
                  kind: webhook
                  url: https://hooks.example.com/velvet
                  signing_secret: PAGER_KEY
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var n = result.Manifest!.Notifications;
        Assert.Equal(5, n.MaxAttempts);
        Assert.Equal(["ops-slack", "bot", "ops-mail", "pager"], n.Channels.Select(c => c.Name));
        Assert.Equal("ops@raxx.app,oncall@raxx.app", n.Find("ops-mail")!.Setting("to"));
        Assert.True(n.Find("ops-mail")!.Wants(NotificationKinds.RevLeaked));
        Assert.False(n.Find("ops-mail")!.Wants(NotificationKinds.Stuck));
        Assert.True(n.Find("bot")!.Wants(NotificationKinds.Stuck)); // no filter = every event
        Assert.True(n.Find("ops-mail")!.Wants(NotificationKinds.Test));
    }

    [Fact]
    public void A_manifest_without_notifications_has_no_channels()
    {
        var result = TestKinds.Load(Head);

        Assert.True(result.IsValid);
        Assert.Empty(result.Manifest!.Notifications.Channels);
    }

    [Fact]
    public void A_secret_setting_that_holds_a_value_instead_of_a_name_is_refused()
    {
        var errors = Errors("""
            notifications:
              channels:
                - name: ops
                  kind: slack_webhook
                  url_secret: https://hooks.slack.com/services/T000/B000/XXXX
            """);

        Assert.Equal(["velvet.yaml:10:7: notification channel ops: url_secret must name a secret (e.g. SLACK_OPS_WEBHOOK), not hold one — fix: put the value in the environment as VELVET_SECRET_NAME and write url_secret: NAME"], errors);
    }

    [Fact]
    public void A_slack_webhook_url_written_in_the_manifest_is_an_unknown_key()
    {
        var errors = Errors("""
            notifications:
              channels:
                - name: ops
                  kind: slack_webhook
                  url: https://hooks.slack.com/services/T000/B000/XXXX
            """);

        Assert.Contains(errors, e => e.Contains("notification channel ops: unknown key \"url\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("missing required key url_secret — fix: add url_secret: NAME and put the webhook URL (it is a secret) in VELVET_SECRET_NAME", StringComparison.Ordinal));
    }

    [Fact]
    public void Channel_errors_name_the_line_and_the_fix()
    {
        var errors = Errors("""
            notifications:
              max_attempts: 0
              channels:
                - name: ops
                  kind: slack
                - name: mail
                  kind: email
                  host: smtp.example.com
                  from: velvet@raxx.app
                  tls: starttlss
                  username: velvet
                - name: mail
                  kind: webhook
                  events: [rev_leak]
            """);

        Assert.Equal(
            [
                "velvet.yaml:7:17: notifications: max_attempts must be a whole number from 1 to 100, not \"0\" — fix: write max_attempts: 8 (the default)",
                "velvet.yaml:10:13: notification channel ops: unknown kind \"slack\" — fix: use one of: slack_webhook, slack_chat, email, webhook",
                "velvet.yaml:11:7: notification channel mail: missing required key to — fix: add to: [ops@example.com]",
                "velvet.yaml:11:7: notification channel mail: username and password_secret go together — fix: give both (SMTP AUTH) or neither (an unauthenticated relay)",
                "velvet.yaml:15:7: notification channel mail: unknown tls \"starttlss\" — fix: did you mean starttls?",
            ],
            errors.Take(5));
        Assert.Contains(errors, e => e.Contains("notification channel mail: unknown events value \"rev_leak\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("a webhook needs exactly one of url and url_secret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("channel name \"mail\" is used twice", StringComparison.Ordinal));
    }
}
