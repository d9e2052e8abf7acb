using Velvet.Core.Auth;
using Velvet.Core.Ports;

namespace Velvet.Server.WebConsole;

/// <summary>The outcome of checking a person's password.</summary>
public sealed record SignInResult(ConsoleUser? User, string? Refusal);

/// <summary>
/// Checks console passwords with a lockout backoff: after <see cref="FreeFailures"/> consecutive failures an account
/// is locked for 1 minute, doubling with each further failure up to an hour. Used for sign-in and for step-up.
/// </summary>
public sealed class SignInService(IConsoleUserStore users, TimeProvider time)
{
    public const int FreeFailures = 5;
    public const string WrongPassword = "wrong user name or password";

    public async Task<SignInResult> CheckAsync(string name, string password, CancellationToken ct)
    {
        var found = string.IsNullOrWhiteSpace(name) ? null : await users.FindConsoleUserAsync(name.Trim(), ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (found is { User.LockedUntil: { } until } && until > now)
            return new(null, $"too many failed sign-ins: this account is locked until {until.ToUniversalTime():HH:mm:ss} UTC; try again then or ask an admin");
        if (found is null || string.IsNullOrEmpty(password))
        {
            ConsolePasswords.Verify(null, password ?? ""); // same cost as a real check
            return new(null, WrongPassword);
        }
        if (!ConsolePasswords.Verify(found.Value.PasswordHash, password))
        {
            var failures = await users.RecordFailedSignInAsync(found.Value.User.Name, now, ct).ConfigureAwait(false);
            if (failures >= FreeFailures)
            {
                var minutes = Math.Min(60, 1 << Math.Min(6, failures - FreeFailures));
                await users.LockConsoleUserAsync(found.Value.User.Name, now.AddMinutes(minutes), ct).ConfigureAwait(false);
                return new(null, $"{WrongPassword}; after {failures} failed sign-ins this account is locked for {minutes} minute(s)");
            }
            return new(null, WrongPassword);
        }
        await users.RecordSignInAsync(found.Value.User.Name, now, ct).ConfigureAwait(false);
        return new(found.Value.User, null);
    }
}
