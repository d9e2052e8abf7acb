using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Velvet.Core.Manifest;
using Velvet.Core.Notifications;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Store;
using Velvet.Vendors;
using Velvet.Vendors.Local;
using Velvet.Vendors.Notifications;
using Velvet.Vendors.Tests.Notifications;

namespace Velvet.Cli.Tests;

/// <summary>`velvet notifications status|test` against a local receiver.</summary>
public sealed class NotificationsCliTests(NotificationReceiver receiver) : IClassFixture<NotificationReceiver>
{
    private const string Canary = "NOTIFY-CLI-CANARY-3f9a10";

    private async Task<(CliRun Cli, string Pager, string Ops)> SetupAsync()
    {
        var dir = Directory.CreateTempSubdirectory("velvet-notify-cli-").FullName;
        var (pager, ops) = (NotificationReceiver.NewKey(), NotificationReceiver.NewKey());
        var manifest = Path.Combine(dir, "velvet.yaml");
        await File.WriteAllTextAsync(manifest, $$"""
            version: 1
            credentials:
              - token_name: API_TOKEN
                vendor: { kind: generated }
                mode: operator_manual
                env: test
            consumers:
              - consumer_id: app
                token_name: API_TOKEN
                kind: dotenv-file
                settings: { path: {{dir}}/app.env, key: API_TOKEN }
            notifications:
              channels:
                - name: pager
                  kind: webhook
                  url_secret: PAGER_URL
                  signing_secret: PAGER_KEY
                - name: ops
                  kind: slack_webhook
                  url_secret: OPS_WEBHOOK
                  events: [aborted]
            """);
        var cli = new CliRun { Dir = dir };
        cli.Env["VELVET_MASTER_KEY"] = Convert.ToBase64String(new byte[32]);
        cli.Env["VELVET_MANIFEST"] = manifest;
        cli.Env["VELVET_STORE"] = "sqlite:" + Path.Combine(dir, "velvet.db");
        cli.Env["VELVET_STATE_DIR"] = Path.Combine(dir, "state");
        cli.Env["APP_ENV"] = "test";
        // The webhook URL carries a secret path segment, and the signing key is a secret: neither may be printed.
        cli.Env["VELVET_SECRET_PAGER_URL"] = receiver.Hook(pager) + "?token=" + Canary;
        cli.Env["VELVET_SECRET_PAGER_KEY"] = Canary + "-key";
        return (cli, pager, ops);
    }

    [Fact]
    public async Task Test_sends_a_test_message_to_the_named_channel_and_prints_no_secret()
    {
        var (cli, pager, _) = await SetupAsync();

        var (exit, output, error) = await cli.RunAsync("notifications", "test", "pager");

        Assert.Equal(0, exit);
        Assert.Contains("sent a test message to pager (webhook)", output, StringComparison.Ordinal);
        var post = Assert.Single(receiver.Received(pager));
        Assert.Equal("test", post.Headers["X-Velvet-Event"]);
        Assert.Contains("Test message from Velvet to channel pager", post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, output + error, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_of_an_unknown_channel_lists_the_channels_and_exits_5()
    {
        var (cli, _, _) = await SetupAsync();

        var (exit, _, error) = await cli.RunAsync("notifications", "test", "pagr");

        Assert.Equal(5, exit);
        Assert.Contains("no notification channel 'pagr'", error, StringComparison.Ordinal);
        Assert.Contains("channels: pager, ops", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_of_a_channel_whose_secret_is_unset_names_the_variable_and_exits_1()
    {
        var (cli, _, _) = await SetupAsync();

        var (exit, _, error) = await cli.RunAsync("notifications", "test", "ops");

        Assert.Equal(1, exit);
        Assert.Contains("test message to ops failed (permanent)", error, StringComparison.Ordinal);
        Assert.Contains("set VELVET_SECRET_OPS_WEBHOOK", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_shows_queued_dead_and_a_failing_channel_with_exit_3()
    {
        var (cli, pager, ops) = await SetupAsync();
        cli.Env["VELVET_SECRET_OPS_WEBHOOK"] = receiver.SlackWebhook(ops).ToString();
        receiver.Answer(pager, new Answer(503, "down"));
        var (rotateExit, rotated, _) = await cli.RunAsync("rotate", "API_TOKEN", "--json");
        Assert.Equal(0, rotateExit);
        var id = CliRun.JobId().Match(rotated).Value;
        Assert.Equal(0, (await cli.RunAsync("abort", id, "--reason", "test")).Exit);
        await DispatchOnceAsync(cli);

        var (exit, output, _) = await cli.RunAsync("notifications", "status", "--json");

        Assert.Equal(3, exit);
        using var doc = JsonDocument.Parse(output);
        var channels = doc.RootElement.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("channel").GetString()!);
        Assert.Equal("failing", channels["pager"].GetProperty("state").GetString());
        Assert.Equal(1, channels["pager"].GetProperty("queued").GetInt32());
        Assert.Contains("503 service unavailable", channels["pager"].GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", channels["ops"].GetProperty("state").GetString());
        Assert.Equal(1, channels["ops"].GetProperty("sent").GetInt32());
        Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);

        var table = await cli.RunAsync("notifications", "status");
        Assert.Equal(3, table.Exit);
        Assert.Contains("failing", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, table.Out + table.Err, StringComparison.Ordinal);
    }

    /// <summary>One dispatcher pass over the CLI's store, as `velvet serve` would run it.</summary>
    private static async Task DispatchOnceAsync(CliRun cli)
    {
        var masker = new SecretMasker();
        var catalog = new BuiltInAdapterCatalog(new BuiltInAdapterOptions { StateDirectory = cli.Env["VELVET_STATE_DIR"] });
        var manifest = ManifestLoader.Load(cli.Env["VELVET_MANIFEST"], catalog.Kinds).Manifest!;
        await using var store = (IAsyncDisposable)JobStoreFactory.Open(cli.Env["VELVET_STORE"]);
        var jobs = (IJobStore)store;
        var secrets = new EnvSecretSource(n => cli.Env.GetValueOrDefault(n), masker);
        using var http = new HttpClient();
        var dispatcher = new NotificationDispatcher((INotificationStore)jobs, jobs, NotificationChannels.CreateAll(manifest.Notifications, secrets, http, TimeProvider.System),
            masker, new DispatcherOptions { Owner = "test" }, TimeProvider.System, NullLogger.Instance);
        await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken);
    }
}
