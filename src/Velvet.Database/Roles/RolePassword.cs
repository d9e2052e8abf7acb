using System.Security.Cryptography;
using System.Text;
using Velvet.Core.Secrets;

namespace Velvet.Database.Roles;

/// <summary>
/// Role passwords: generated from a CSPRNG (256 bits, base64url: safe in a URL without escaping) and sent to the
/// server only as a SCRAM-SHA-256 verifier, so the plain password never crosses the wire, never lands in the server
/// log (log_statement = ddl) and never shows in pg_stat_activity.
/// </summary>
public static class RolePassword
{
    /// <summary>Iterations of the verifier: PostgreSQL's default (scram_iterations).</summary>
    public const int ScramIterations = 4096;

    /// <summary>43 characters of [A-Za-z0-9-_] from 32 random bytes.</summary>
    public static SecretValue Generate()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        try { return new SecretValue(Base64Url(bytes)); }
        finally { CryptographicOperations.ZeroMemory(bytes); }
    }

    /// <summary>
    /// Why a password cannot be set through a verifier, or null when it can. The verifier is computed without
    /// SASLprep, which is the identity only for printable ASCII.
    /// </summary>
    public static string? Problem(string password)
    {
        if (password.Length == 0) return "the password is empty";
        if (password.Any(c => c is < ' ' or > '~')) return "the password has characters outside printable ASCII; use letters, digits and punctuation";
        return null;
    }

    /// <summary>The SCRAM-SHA-256 verifier PostgreSQL stores for <paramref name="password"/> (fresh random salt).</summary>
    public static string ScramVerifier(string password, int iterations = ScramIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var secret = Encoding.UTF8.GetBytes(password);
        var salted = Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, 32);
        try
        {
            var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
            var storedKey = SHA256.HashData(clientKey);
            var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
            return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(salted);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
