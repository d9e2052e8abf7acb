using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Velvet.Core.Auth;

namespace Velvet.Server.WebConsole;

/// <summary>
/// Password hashes of console accounts: ASP.NET Core Identity's PasswordHasher (PBKDF2-HMAC-SHA512, salted, versioned
/// format) at 210,000 iterations (OWASP's figure for PBKDF2-HMAC-SHA512).
/// </summary>
public static class ConsolePasswords
{
    public const int MinLength = 12;

    private static readonly PasswordHasher<ConsoleUser> Hasher =
        new(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3, IterationCount = 210_000 }));

    /// <summary>A hash computed once for unknown user names, so a wrong name costs as long as a wrong password.</summary>
    private static readonly Lazy<string> Decoy = new(() => Hash("decoy password that matches no account"));

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static bool Verify(string? hash, string password) =>
        Hasher.VerifyHashedPassword(null!, hash ?? Decoy.Value, password) != PasswordVerificationResult.Failed && hash is not null;

    /// <summary>Null when acceptable, else what is wrong (never echoing the password).</summary>
    public static string? Problem(string? password) =>
        string.IsNullOrEmpty(password) ? "the password is empty"
        : password.Length < MinLength ? $"the password is {password.Length} characters; use at least {MinLength}"
        : null;
}
