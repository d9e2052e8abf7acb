using System.Net;
using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Ports;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Tests.Http;

public sealed class HttpOutcomesRateLimitTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 5, 6, 10, 0, 0, TimeSpan.Zero));

    private static HttpResponseMessage Response(int status, params (string Name, string Value)[] headers)
    {
        var r = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers) r.Headers.TryAddWithoutValidation(name, value);
        return r;
    }

    [Fact]
    public void Retry_after_wins_over_the_reset_time()
    {
        using var r = Response(429, ("Retry-After", "5"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", Time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var outcome = HttpOutcomes.RateLimited(r, "GET x", Time);
        Assert.Equal((OutcomeKind.Transient, TimeSpan.FromSeconds(5), "GET x: 429 rate limited; retry after 5 s"), (outcome.Kind, outcome.RetryAfter, outcome.Message));
    }

    [Fact]
    public void A_reset_in_the_past_means_retry_now_and_a_remaining_budget_ignores_the_reset()
    {
        using var past = Response(403, ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", Time.GetUtcNow().AddMinutes(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var left = Response(429, ("X-RateLimit-Remaining", "12"), ("X-RateLimit-Reset", "9999999999"));

        Assert.Equal(TimeSpan.Zero, HttpOutcomes.RateLimited(past, "GET x", Time).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(60), HttpOutcomes.RateLimited(left, "GET x", Time, TimeSpan.FromSeconds(60)).RetryAfter);
        Assert.Null(HttpOutcomes.RateLimited(left, "GET x", Time).RetryAfter);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("99999999999999999999")]
    public void An_unparseable_reset_is_ignored(string reset)
    {
        using var r = Response(403, ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset));
        Assert.True(HttpOutcomes.RateLimitSpent(r));
        Assert.Null(HttpOutcomes.RateLimitReset(r));
    }
}
