using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Ports;
using Velvet.Vendors.Tests.Support;
using static Velvet.Vendors.Tests.Infisical.InfisicalTestBed;

namespace Velvet.Vendors.Tests.Infisical;

/// <summary>Universal Auth: one login, reused, renewed before expiry, and once more after a 401.</summary>
public sealed class InfisicalSessionTests
{
    private static async Task<FakeInfisical> StartAsync(TimeProvider time, int expiresIn = 7200)
    {
        var fake = new FakeInfisical { Time = time, ExpiresIn = expiresIn };
        await fake.InitializeAsync();
        return fake;
    }

    [Fact]
    public async Task It_logs_in_with_the_client_id_and_secret_once_and_reuses_the_token()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 10, 0, 0, TimeSpan.Zero));
        await using var fake = await StartAsync(time);
        var bed = new InfisicalTestBed(fake, time);
        var consumer = bed.Consumer();

        await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);
        await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);
        await bed.Consumer(bed.Spec(name: "ANOTHER")).PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal(1, bed.Logins);
        var login = fake.ReceivedTo("POST", "/api/v1/auth/universal-auth/login").Single();
        Assert.Equal((bed.ClientId, ClientSecret), (login.Json.GetProperty("clientId").GetString(), login.Json.GetProperty("clientSecret").GetString()));
        Assert.All(bed.ProjectRequests, r => Assert.StartsWith("Bearer inf-access-canary-", r.Headers["Authorization"], StringComparison.Ordinal));
        // The access token is a credential: registered with the masker as soon as it arrived.
        var token = bed.ProjectRequests[0].Headers["Authorization"][7..];
        Assert.DoesNotContain(token, bed.Masker.Scrub(token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_is_renewed_shortly_before_it_expires_never_after()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 10, 0, 0, TimeSpan.Zero));
        await using var fake = await StartAsync(time, expiresIn: 600);
        var bed = new InfisicalTestBed(fake, time);
        var consumer = bed.Consumer();

        await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(530));
        await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);
        var loginsBeforeMargin = bed.Logins;
        time.Advance(TimeSpan.FromSeconds(15)); // 545 s: inside the last minute of the token's 600 s
        var renewed = await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal(1, loginsBeforeMargin);
        Assert.Equal(2, bed.Logins);
        Assert.True(renewed.IsSuccess, renewed.Message);
        Assert.Equal(0, fake.Unauthorized); // renewed while the old token still worked: no call ever met a 401
    }

    [Fact]
    public async Task A_401_drops_the_token_logs_in_again_once_and_the_call_succeeds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 10, 0, 0, TimeSpan.Zero));
        await using var fake = await StartAsync(time);
        var bed = new InfisicalTestBed(fake, time);
        var consumer = bed.Consumer();
        await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        fake.RevokeAllTokens();
        var outcome = await consumer.PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsSuccess, outcome.Message);
        Assert.Equal(2, bed.Logins);
        AssertClean(outcome);
    }

    [Fact]
    public async Task A_second_401_after_a_fresh_login_is_permanent_and_stops()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 10, 0, 0, TimeSpan.Zero));
        await using var fake = await StartAsync(time);
        var bed = new InfisicalTestBed(fake, time);
        var unauthorized = new ForcedAnswer(401, Body: "{\"statusCode\":401,\"message\":\"Token expired\"}");
        fake.Force("/api/v3/secrets/raw/", unauthorized, unauthorized);

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 401), (outcome.Kind, outcome.HttpStatus));
        Assert.Contains("401 unauthorized even with a fresh access token: check the machine identity (INFISICAL_CLIENT_ID)", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(2, bed.Logins);
        Assert.Equal(2, fake.ReceivedTo("PATCH", "/api/v3/secrets/raw/").Count());
    }

    [Fact]
    public async Task Wrong_client_credentials_fail_the_login_permanently_naming_the_settings_not_the_values()
    {
        await using var fake = await StartAsync(TimeProvider.System);
        var bed = new InfisicalTestBed(fake);
        const string wrong = "canary-INF-WRONG-secret-0a0a";
        bed.Secrets.Set("INFISICAL_CLIENT_SECRET", new Core.Secrets.SecretValue(wrong));

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Permanent, 401), (outcome.Kind, outcome.HttpStatus));
        Assert.Equal($"POST {fake.BaseAddress}api/v1/auth/universal-auth/login: 401 unauthorized: Infisical refused the machine identity's client id/secret " +
            "(INFISICAL_CLIENT_ID/INFISICAL_CLIENT_SECRET); check them and the identity's Universal Auth settings (trusted IPs, client secret not revoked or expired). " +
            "They are Velvet's own bootstrap credentials: rotate them by hand", outcome.Message);
        AssertClean(outcome, wrong, bed.ClientId);
        Assert.Empty(bed.ProjectRequests);
    }

    [Fact]
    public async Task A_rate_limited_login_is_transient()
    {
        await using var fake = await StartAsync(TimeProvider.System);
        var bed = new InfisicalTestBed(fake);
        fake.Force("/api/v1/auth/universal-auth/login", new ForcedAnswer(429, new Dictionary<string, string> { ["Retry-After"] = "3" }));

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal((OutcomeKind.Transient, TimeSpan.FromSeconds(3)), (outcome.Kind, outcome.RetryAfter));
    }

    [Fact]
    public async Task Missing_client_credentials_name_the_variable_to_set()
    {
        await using var fake = await StartAsync(TimeProvider.System);
        var bed = new InfisicalTestBed(fake);
        bed.Secrets.Remove("INFISICAL_CLIENT_SECRET");

        var outcome = await bed.Consumer().PushAsync(bed.Ctx(), Value, TestContext.Current.CancellationToken);

        Assert.Equal("infisical-raptor-prod: the Infisical machine identity's client secret INFISICAL_CLIENT_SECRET has no current value; " +
            "give it to Velvet, e.g. as the environment variable VELVET_SECRET_INFISICAL_CLIENT_SECRET", outcome.Message);
        Assert.Empty(fake.Received);
    }
}
