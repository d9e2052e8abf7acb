using Microsoft.Extensions.Time.Testing;
using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Server.WebConsole;
using Velvet.Store;

namespace Velvet.Console.Tests;

/// <summary>Password checks and the lockout backoff, on a real SQLite store with a fake clock (no browser).</summary>
public sealed class SignInServiceTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("velvet-signin-").FullName;
    private readonly IJobStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public SignInServiceTests() => _store = JobStoreFactory.Open("sqlite:" + Path.Combine(_dir, "v.db"));

    private async Task<SignInService> ServiceAsync()
    {
        await _store.MigrateAsync(Ct);
        var users = JobStoreFactory.ConsoleUsers(_store);
        await users.CreateConsoleUserAsync(new ConsoleUser { Name = "alice", Role = ConsoleRole.Operator, CreatedBy = "t", CreatedAt = _time.GetUtcNow() },
            ConsolePasswords.Hash("correct horse battery staple"), Ct);
        return new SignInService(users, _time);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_with_a_doubling_backoff_and_a_success_resets_it()
    {
        var signIn = await ServiceAsync();
        for (var i = 1; i < SignInService.FreeFailures; i++)
            Assert.Equal(SignInService.WrongPassword, (await signIn.CheckAsync("alice", "nope " + i, Ct)).Refusal);
        var fifth = await signIn.CheckAsync("alice", "nope 5", Ct);
        Assert.Contains("locked for 1 minute(s)", fifth.Refusal, StringComparison.Ordinal);

        // Locked: even the right password is refused until the lock ends.
        var locked = await signIn.CheckAsync("alice", "correct horse battery staple", Ct);
        Assert.Null(locked.User);
        Assert.Contains("too many failed sign-ins: this account is locked until 04:01:00 UTC", locked.Refusal, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Contains("locked for 2 minute(s)", (await signIn.CheckAsync("alice", "nope 6", Ct)).Refusal, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var ok = await signIn.CheckAsync("alice", "correct horse battery staple", Ct);
        Assert.Equal("alice", ok.User?.Name);
        var row = (await JobStoreFactory.ConsoleUsers(_store).FindConsoleUserAsync("alice", Ct))!.Value.User;
        Assert.Equal(0, row.FailedSignIns);
        Assert.Null(row.LockedUntil);
    }

    [Fact]
    public async Task An_unknown_name_and_an_empty_password_get_the_same_answer_as_a_wrong_password()
    {
        var signIn = await ServiceAsync();
        Assert.Equal(SignInService.WrongPassword, (await signIn.CheckAsync("mallory", "correct horse battery staple", Ct)).Refusal);
        Assert.Equal(SignInService.WrongPassword, (await signIn.CheckAsync("alice", "", Ct)).Refusal);
        Assert.Equal(SignInService.WrongPassword, (await signIn.CheckAsync("", "x", Ct)).Refusal);
    }

    [Fact]
    public void Password_hashes_are_salted_and_never_contain_the_password()
    {
        const string password = "canary-password-123456";
        var a = ConsolePasswords.Hash(password);
        var b = ConsolePasswords.Hash(password);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain(password, a, StringComparison.Ordinal);
        Assert.True(ConsolePasswords.Verify(a, password));
        Assert.False(ConsolePasswords.Verify(a, password + "x"));
        Assert.Contains("at least 12", ConsolePasswords.Problem("short"), StringComparison.Ordinal);
        Assert.Null(ConsolePasswords.Problem(password));
    }

    public async ValueTask DisposeAsync()
    {
        await ((IAsyncDisposable)_store).DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
