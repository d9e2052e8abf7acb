using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Secrets;
using Velvet.Vendors.Heroku;
using static Velvet.Vendors.Tests.Heroku.HerokuKit;

namespace Velvet.Vendors.Tests.Heroku;

public sealed class HerokuRateLimitTests : IAsyncLifetime
{
    private HerokuFake _fake = null!;
    private readonly FakeTimeProvider _time = new();

    public async ValueTask InitializeAsync()
    {
        _fake = await HerokuFake.StartAsync();
        _fake.AddToken("HRKU-bootstrap-rate-1");
        _fake.AddApp("raxx-api-prod", new Dictionary<string, string>());
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private async Task<(Task<Core.Ports.Outcome> First, Task<Core.Ports.Outcome> Second)> TwoPushesAsync()
    {
        var consumer = Catalog(_time).CreateConsumer(TokenSpec(_fake), ConfigVar(_fake, "raxx-api-prod"));
        var ctx = Consumer(Secrets((Bootstrap, "HRKU-bootstrap-rate-1")), "heroku-config-raxx-api-prod");
        var first = consumer.PushAsync(ctx, new SecretValue("HRKU-new-value-rate"), TestContext.Current.CancellationToken);
        await first;
        return (first, consumer.PushAsync(ctx, new SecretValue("HRKU-new-value-rate"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Below_the_floor_the_next_call_waits_one_refill_interval()
    {
        _fake.Server.RateLimit.Remaining = 50;

        var (first, second) = await TwoPushesAsync();
        await Task.Delay(300, TestContext.Current.CancellationToken);

        Assert.Contains("(RateLimit-Remaining 49: pacing the next calls)", (await first).Message, StringComparison.Ordinal);
        Assert.False(second.IsCompleted);
        Assert.Single(_fake.Server.RequestsTo("PATCH"));
        _time.Advance(HerokuRateGate.DefaultRefillInterval);
        var paced = await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(paced.IsSuccess, paced.Message);
        Assert.Contains("(paced 0.8 s: RateLimit-Remaining below 100)", paced.Message, StringComparison.Ordinal);
        Assert.Equal(2, _fake.Server.RequestsTo("PATCH").Count);
    }

    [Fact]
    public async Task With_budget_left_calls_are_not_paced()
    {
        var (_, second) = await TwoPushesAsync();

        var outcome = await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.DoesNotContain("paced", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_holds_every_call_on_the_account_for_its_retry_after()
    {
        var gate = new HerokuRateGate(_time);
        using var limited = new HttpResponseMessage((System.Net.HttpStatusCode)429);

        Assert.Equal(0, gate.Observe("acct", limited, TimeSpan.FromSeconds(5)));
        var waiting = gate.WaitAsync("acct", TestContext.Current.CancellationToken);
        var other = await gate.WaitAsync("other-account", TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.Zero, other);
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), await waiting);
    }
}
