using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    private static SubscriberRecord Sub(string token, string consumer, string env = "prod", string spec = """{"kind":"ssm"}""",
        DateTimeOffset? at = null, string by = "alice") => new()
    {
        TokenName = token,
        ConsumerId = consumer,
        Env = env,
        SpecJson = spec,
        UpdatedAt = at ?? TestData.T0,
        UpdatedBy = by,
    };

    private static SystemEvent Audit(string kind, string detail = "{}", DateTimeOffset? at = null) => new()
    {
        At = at ?? TestData.T0,
        Actor = "alice",
        Kind = kind,
        Detail = detail,
    };

    /// <summary>Subscriber tests need the whole table (seeding is "only when empty"), so each gets its own store.</summary>
    private async Task<ISubscriberStore> SubscribersAsync() => JobStoreFactory.Subscribers(await IsolatedStoreAsync());

    [Fact]
    public async Task Seed_inserts_every_row_once_and_audits_only_when_it_seeded()
    {
        var subs = await SubscribersAsync();
        var v0 = await subs.SubscribersVersionAsync(Ct);
        SubscriberRecord[] seed = [Sub("tok-b", "c1"), Sub("tok-a", "c2", "staging"), Sub("tok-a", "c1")];
        Assert.True(await subs.SeedSubscribersAsync(seed, Audit("velvet.subscribers.seeded", """{"count":3}"""), Ct));
        var v1 = await subs.SubscribersVersionAsync(Ct);
        Assert.NotEqual(v0, v1);
        Assert.Equal(seed.OrderBy(s => s.TokenName, StringComparer.Ordinal).ThenBy(s => s.Env, StringComparer.Ordinal)
            .ThenBy(s => s.ConsumerId, StringComparer.Ordinal), await subs.ListSubscribersAsync(Ct));

        Assert.False(await subs.SeedSubscribersAsync([Sub("tok-z", "c9")], Audit("velvet.subscribers.seeded"), Ct));
        Assert.Equal(3, (await subs.ListSubscribersAsync(Ct)).Count);
        Assert.DoesNotContain(await subs.ListSubscribersAsync(Ct), s => s.TokenName == "tok-z");
        Assert.Equal(v1, await subs.SubscribersVersionAsync(Ct));
        var e = Assert.Single(await subs.ListSystemEventsAsync(10, Ct));
        Assert.Equal(Audit("velvet.subscribers.seeded", """{"count":3}""") with { Seq = e.Seq }, e);
    }

    [Fact]
    public async Task Concurrent_seeds_seed_exactly_once()
    {
        var subs = await SubscribersAsync();
        var seeds = Enumerable.Range(0, 12)
            .Select(i => new[] { Sub("tok", $"a{i:D2}"), Sub("tok", $"b{i:D2}") }).ToArray();
        var results = await Task.WhenAll(seeds.Select(s =>
            Task.Run(() => subs.SeedSubscribersAsync(s, Audit("velvet.subscribers.seeded"), Ct), Ct)));

        Assert.Single(results, r => r);
        var winner = seeds[Array.IndexOf(results, true)];
        Assert.Equal(winner, await subs.ListSubscribersAsync(Ct));
        Assert.Single(await subs.ListSystemEventsAsync(100, Ct));
    }

    [Fact]
    public async Task Empty_seed_seeds_nothing_and_writes_nothing()
    {
        var subs = await SubscribersAsync();
        var v0 = await subs.SubscribersVersionAsync(Ct);
        Assert.False(await subs.SeedSubscribersAsync([], Audit("velvet.subscribers.seeded"), Ct));
        Assert.Equal(v0, await subs.SubscribersVersionAsync(Ct));
        Assert.Empty(await subs.ListSystemEventsAsync(10, Ct));
        Assert.True(await subs.SeedSubscribersAsync([Sub("tok", "c1")], Audit("velvet.subscribers.seeded"), Ct));
    }

    [Fact]
    public async Task Add_returns_the_stored_row_and_a_duplicate_key_is_invalid_consumer_id()
    {
        var subs = await SubscribersAsync();
        var row = Sub("tok", "c1", at: TestData.T0.AddMinutes(1));
        var added = await subs.AddSubscriberAsync(row, Audit("velvet.subscribers.added"), Ct);
        Assert.True(added.IsOk, added.Error?.Message);
        Assert.Equal(row, added.Value);
        var v1 = await subs.SubscribersVersionAsync(Ct);

        var dup = await subs.AddSubscriberAsync(row with { SpecJson = """{"kind":"other"}""" }, Audit("velvet.subscribers.added"), Ct);
        var error = Assert.IsType<Invalid>(dup.Error);
        Assert.Equal("consumer_id", error.Field);
        Assert.Contains("c1", error.Message, StringComparison.Ordinal);
        Assert.Equal([row], await subs.ListSubscribersAsync(Ct));
        Assert.Equal(v1, await subs.SubscribersVersionAsync(Ct));
        Assert.Single(await subs.ListSystemEventsAsync(10, Ct));

        // The key is all three parts: the same consumer in another env or of another token is a new row.
        Assert.True((await subs.AddSubscriberAsync(row with { Env = "staging" }, Audit("velvet.subscribers.added"), Ct)).IsOk);
        Assert.True((await subs.AddSubscriberAsync(row with { TokenName = "tok-2" }, Audit("velvet.subscribers.added"), Ct)).IsOk);
    }

    [Fact]
    public async Task Update_changes_the_spec_and_a_missing_key_is_not_found()
    {
        var subs = await SubscribersAsync();
        Assert.True((await subs.AddSubscriberAsync(Sub("tok", "c1"), Audit("velvet.subscribers.added"), Ct)).IsOk);
        var changed = Sub("tok", "c1", spec: """{"kind":"heroku"}""", at: TestData.T0.AddHours(1), by: "bob");
        var updated = await subs.UpdateSubscriberAsync(changed, Audit("velvet.subscribers.updated"), Ct);
        Assert.True(updated.IsOk, updated.Error?.Message);
        Assert.Equal(changed, updated.Value);
        Assert.Equal([changed], await subs.ListSubscribersAsync(Ct));
        var v = await subs.SubscribersVersionAsync(Ct);

        var missing = await subs.UpdateSubscriberAsync(Sub("tok", "c2"), Audit("velvet.subscribers.updated"), Ct);
        Assert.IsType<NotFound>(missing.Error);
        Assert.IsType<NotFound>((await subs.UpdateSubscriberAsync(Sub("tok", "c1", "staging"), Audit("velvet.subscribers.updated"), Ct)).Error);
        Assert.Equal([changed], await subs.ListSubscribersAsync(Ct));
        Assert.Equal(v, await subs.SubscribersVersionAsync(Ct));
        Assert.Equal(2, (await subs.ListSystemEventsAsync(10, Ct)).Count);
    }

    [Fact]
    public async Task Delete_is_true_once_then_false()
    {
        var subs = await SubscribersAsync();
        Assert.True((await subs.AddSubscriberAsync(Sub("tok", "c1"), Audit("velvet.subscribers.added"), Ct)).IsOk);
        Assert.True((await subs.AddSubscriberAsync(Sub("tok", "c2"), Audit("velvet.subscribers.added"), Ct)).IsOk);
        Assert.True(await subs.DeleteSubscriberAsync("tok", "c1", "prod", Audit("velvet.subscribers.deleted"), Ct));
        var v = await subs.SubscribersVersionAsync(Ct);
        Assert.False(await subs.DeleteSubscriberAsync("tok", "c1", "prod", Audit("velvet.subscribers.deleted"), Ct));
        Assert.False(await subs.DeleteSubscriberAsync("tok", "c2", "staging", Audit("velvet.subscribers.deleted"), Ct));
        Assert.Equal(v, await subs.SubscribersVersionAsync(Ct));
        Assert.Equal(["c2"], (await subs.ListSubscribersAsync(Ct)).Select(s => s.ConsumerId));
        Assert.Equal(3, (await subs.ListSystemEventsAsync(10, Ct)).Count);
    }

    [Fact]
    public async Task List_orders_by_token_then_env_then_consumer()
    {
        var subs = await SubscribersAsync();
        SubscriberRecord[] rows =
        [
            Sub("tok-b", "c1", "prod"), Sub("tok-a", "c2", "staging"), Sub("tok-a", "c9", "prod"),
            Sub("tok-a", "c1", "staging"), Sub("tok-b", "c0", "dev"), Sub("tok-a", "c3", "prod"),
        ];
        foreach (var r in rows) Assert.True((await subs.AddSubscriberAsync(r, Audit("velvet.subscribers.added"), Ct)).IsOk);
        Assert.Equal(
            ["tok-a/prod/c3", "tok-a/prod/c9", "tok-a/staging/c1", "tok-a/staging/c2", "tok-b/dev/c0", "tok-b/prod/c1"],
            (await subs.ListSubscribersAsync(Ct)).Select(s => $"{s.TokenName}/{s.Env}/{s.ConsumerId}"));
    }

    [Fact]
    public async Task Version_changes_after_every_mutation_and_not_after_reads()
    {
        var subs = await SubscribersAsync();
        var seen = new List<long> { await subs.SubscribersVersionAsync(Ct) };
        async Task Changed()
        {
            var v = await subs.SubscribersVersionAsync(Ct);
            Assert.DoesNotContain(v, seen);
            seen.Add(v);
        }

        Assert.True(await subs.SeedSubscribersAsync([Sub("tok", "c1")], Audit("velvet.subscribers.seeded"), Ct));
        await Changed();
        Assert.True((await subs.AddSubscriberAsync(Sub("tok", "c2"), Audit("velvet.subscribers.added"), Ct)).IsOk);
        await Changed();
        Assert.True((await subs.UpdateSubscriberAsync(Sub("tok", "c2", spec: "{}"), Audit("velvet.subscribers.updated"), Ct)).IsOk);
        await Changed();
        Assert.True(await subs.DeleteSubscriberAsync("tok", "c1", "prod", Audit("velvet.subscribers.deleted"), Ct));
        await Changed();

        await subs.ListSubscribersAsync(Ct);
        await subs.ListSystemEventsAsync(10, Ct);
        await subs.AppendSystemEventAsync(Audit("velvet.subscribers.drift"), Ct); // not a subscriber change
        Assert.Equal(seen[^1], await subs.SubscribersVersionAsync(Ct));
        Assert.Equal(seen[^1], await subs.SubscribersVersionAsync(Ct));
    }

    [Fact]
    public async Task Every_mutation_appends_its_system_event_newest_first()
    {
        var subs = await SubscribersAsync();
        var t = TestData.T0;
        SystemEvent[] audits =
        [
            Audit("velvet.subscribers.seeded", """{"count":1}""", t),
            Audit("velvet.subscribers.added", """{"consumer_id":"c2"}""", t.AddSeconds(1)),
            Audit("velvet.subscribers.updated", """{"consumer_id":"c2"}""", t.AddSeconds(2)),
            Audit("velvet.subscribers.deleted", """{"consumer_id":"c1"}""", t.AddSeconds(3)),
            Audit("velvet.subscribers.drift", """{"missing":["c3"]}""", t.AddSeconds(4)),
        ];
        Assert.True(await subs.SeedSubscribersAsync([Sub("tok", "c1")], audits[0], Ct));
        Assert.True((await subs.AddSubscriberAsync(Sub("tok", "c2"), audits[1], Ct)).IsOk);
        Assert.True((await subs.UpdateSubscriberAsync(Sub("tok", "c2", spec: "{}"), audits[2], Ct)).IsOk);
        Assert.True(await subs.DeleteSubscriberAsync("tok", "c1", "prod", audits[3], Ct));
        await subs.AppendSystemEventAsync(audits[4], Ct);

        var events = await subs.ListSystemEventsAsync(10, Ct);
        Assert.Equal(audits.Reverse(), events.Select(e => e with { Seq = 0 }));
        Assert.Equal(events.Select(e => e.Seq).OrderDescending(), events.Select(e => e.Seq));
        Assert.Equal(events.Count, events.Select(e => e.Seq).Distinct().Count());
        Assert.Equal(["velvet.subscribers.drift", "velvet.subscribers.deleted"], (await subs.ListSystemEventsAsync(2, Ct)).Select(e => e.Kind));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => subs.ListSystemEventsAsync(0, Ct));
    }

    [Fact]
    public async Task Malformed_subscriber_writes_are_refused_as_caller_bugs()
    {
        var subs = await SubscribersAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => subs.SeedSubscribersAsync([Sub("tok", "c1"), Sub("tok", "c1")], Audit("velvet.subscribers.seeded"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => subs.AddSubscriberAsync(Sub("tok", " "), Audit("velvet.subscribers.added"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => subs.AddSubscriberAsync(Sub("tok", "c1"), Audit(""), Ct));
        Assert.Empty(await subs.ListSubscribersAsync(Ct));
        Assert.Empty(await subs.ListSystemEventsAsync(10, Ct));
    }
}
