using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    private static ServiceToken Token(string name, string id, params string[] scopes) => new()
    {
        Name = name,
        TokenId = id,
        ScopeList = scopes,
        CreatedBy = "alice",
        CreatedAt = TestData.T0,
    };

    private static string TokenName() => "tok-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<IServiceTokenStore> TokensAsync() => JobStoreFactory.Tokens(await StoreAsync());

    [Fact]
    public async Task Token_create_find_list_revoke()
    {
        var tokens = await TokensAsync();
        var (presented, id, hash) = ServiceTokenFormat.Generate();
        var name = TokenName();
        var created = await tokens.CreateTokenAsync(Token(name, id, Scopes.Rotate, Scopes.Read), hash, Ct);
        Assert.True(created.IsOk, created.Error?.Message);
        Assert.Equal(name, created.Value.Name);
        Assert.Equal(["read", "rotate"], created.Value.ScopeList);
        Assert.Null(created.Value.RevokedAt);

        var found = await tokens.FindTokenAsync(id, Ct);
        Assert.NotNull(found);
        Assert.Equal(name, found.Value.Token.Name);
        Assert.Equal("alice", found.Value.Token.CreatedBy);
        Assert.Equal(TestData.T0, found.Value.Token.CreatedAt);
        Assert.True(ServiceTokenFormat.TryParse(presented, out var parsedId, out var secret));
        Assert.Equal(id, parsedId);
        Assert.True(ServiceTokenFormat.Matches(secret, found.Value.SecretHash));
        Assert.False(ServiceTokenFormat.Matches(secret + "x", found.Value.SecretHash));
        Assert.Null(await tokens.FindTokenAsync("000000000000", Ct));

        var listed = Assert.Single(await tokens.ListTokensAsync(Ct), t => t.Name == name);
        Assert.Equal(id, listed.TokenId);

        var at = TestData.T0.AddHours(2);
        Assert.True(await tokens.RevokeTokenAsync(name, at, Ct));
        Assert.False(await tokens.RevokeTokenAsync(name, at.AddHours(1), Ct)); // already revoked: no change
        Assert.False(await tokens.RevokeTokenAsync(TokenName(), at, Ct));
        Assert.Equal(at, Assert.Single(await tokens.ListTokensAsync(Ct), t => t.Name == name).RevokedAt);
    }

    [Fact]
    public async Task Revoked_token_is_still_found_with_its_revocation_time()
    {
        var tokens = await TokensAsync();
        var (_, id, hash) = ServiceTokenFormat.Generate();
        var name = TokenName();
        Assert.True((await tokens.CreateTokenAsync(Token(name, id, Scopes.Admin), hash, Ct)).IsOk);
        var at = TestData.T0.AddMinutes(5);
        Assert.True(await tokens.RevokeTokenAsync(name, at, Ct));

        var found = await tokens.FindTokenAsync(id, Ct);
        Assert.NotNull(found);
        Assert.True(found.Value.Token.IsRevoked);
        Assert.Equal(at, found.Value.Token.RevokedAt);
        Assert.Equal(hash, found.Value.SecretHash);
    }

    [Fact]
    public async Task Duplicate_token_name_is_invalid_and_names_it_even_after_revocation()
    {
        var tokens = await TokensAsync();
        var name = TokenName();
        var first = ServiceTokenFormat.Generate();
        Assert.True((await tokens.CreateTokenAsync(Token(name, first.TokenId, Scopes.Read), first.SecretHash, Ct)).IsOk);

        var second = ServiceTokenFormat.Generate();
        var dup = await tokens.CreateTokenAsync(Token(name, second.TokenId, Scopes.Admin), second.SecretHash, Ct);
        var error = Assert.IsType<Invalid>(dup.Error);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Null(await tokens.FindTokenAsync(second.TokenId, Ct));

        Assert.True(await tokens.RevokeTokenAsync(name, TestData.T0.AddHours(1), Ct));
        var third = ServiceTokenFormat.Generate();
        Assert.IsType<Invalid>((await tokens.CreateTokenAsync(Token(name, third.TokenId, Scopes.Read), third.SecretHash, Ct)).Error);
    }

    [Fact]
    public async Task Twenty_parallel_creates_of_one_token_name_make_exactly_one()
    {
        var tokens = await TokensAsync();
        var name = TokenName();
        var attempts = Enumerable.Range(0, 20).Select(_ => ServiceTokenFormat.Generate()).ToArray();
        var results = await Task.WhenAll(attempts.Select(a =>
            Task.Run(() => tokens.CreateTokenAsync(Token(name, a.TokenId, Scopes.Rotate), a.SecretHash, Ct), Ct)));

        var winner = Assert.Single(results, r => r.IsOk);
        Assert.All(results.Where(r => !r.IsOk), r => Assert.IsType<Invalid>(r.Error));
        var stored = Assert.Single(await tokens.ListTokensAsync(Ct), t => t.Name == name);
        Assert.Equal(winner.Value!.TokenId, stored.TokenId);
        var found = await tokens.FindTokenAsync(stored.TokenId, Ct);
        Assert.Equal(attempts.Single(a => a.TokenId == stored.TokenId).SecretHash, found!.Value.SecretHash);
    }

    [Fact]
    public async Task Malformed_tokens_are_refused_as_caller_bugs()
    {
        var tokens = await TokensAsync();
        var (_, id, hash) = ServiceTokenFormat.Generate();
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateTokenAsync(Token(TokenName(), id, "superuser"), hash, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateTokenAsync(Token(TokenName(), id), hash, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateTokenAsync(Token(TokenName(), "not-hex", Scopes.Read), hash, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateTokenAsync(Token(TokenName(), id, Scopes.Read), [1, 2, 3], Ct));
    }

    [Fact]
    public async Task Migrating_a_current_store_applies_nothing()
    {
        var store = (IStoreMigrations)await StoreAsync();
        Assert.Empty(await store.ApplyMigrationsAsync(Ct));
    }
}
