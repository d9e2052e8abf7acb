using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Tests.Http;

public sealed class HttpOutcomesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage Answer(string? retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    [InlineData("Sun, 01 Mar 2026 12:00:45 GMT", 45)]
    [InlineData("Sun, 01 Mar 2026 11:59:00 GMT", 0)]
    public void Retry_after_reads_seconds_and_http_dates_never_negative(string header, int seconds)
    {
        using var response = Answer(header);
        Assert.Equal(TimeSpan.FromSeconds(seconds), HttpOutcomes.RetryAfter(response, new FakeTimeProvider(Now)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("soon")]
    public void Retry_after_is_null_when_absent_or_unparseable(string? header)
    {
        using var response = Answer(header);
        Assert.Null(HttpOutcomes.RetryAfter(response, new FakeTimeProvider(Now)));
    }

    [Fact]
    public void Described_endpoints_drop_user_info_query_and_fragment()
    {
        Assert.Equal("https://api.example.com/v1/secrets",
            HttpOutcomes.Describe(new Uri("https://user:tok3n@api.example.com/v1/secrets?key=abc#x")));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(599, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(422, false)]
    public void Transient_statuses_are_408_429_and_5xx(int status, bool transient)
    {
        Assert.Equal(transient, HttpOutcomes.IsTransient(status));
    }

    [Fact]
    public void Messages_ignore_the_servers_reason_phrase()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden) { ReasonPhrase = "echo s3cret-value-123" };
        var outcome = HttpOutcomes.ForUpdate(response, "PUT http://x/", TimeProvider.System);
        Assert.Equal("PUT http://x/: 403 forbidden: fix the consumer's policy, do not rotate", outcome.Message);
    }
}
