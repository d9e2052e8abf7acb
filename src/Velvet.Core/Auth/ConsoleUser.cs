namespace Velvet.Core.Auth;

/// <summary>A person's console account (never the password: the store keeps a hash).</summary>
public sealed record ConsoleUser
{
    public required string Name { get; init; }
    public required ConsoleRole Role { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Consecutive failed sign-ins since the last success.</summary>
    public int FailedSignIns { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }
}

/// <summary>What a person may do in the console; each role maps to API scopes, so the API's rules apply unchanged.</summary>
public enum ConsoleRole
{
    /// <summary>Reads everything (scope read).</summary>
    Viewer,
    /// <summary>Runs rotations and revocations (scopes rotate, revoke).</summary>
    Operator,
    /// <summary>Everything (scope admin).</summary>
    Admin,
}

/// <summary>Role names on the wire and in the store, and the scopes each role holds.</summary>
public static class ConsoleRoles
{
    public static IReadOnlyList<string> AllNames { get; } = ["viewer", "operator", "admin"];

    public static string Name(this ConsoleRole role) => role switch
    {
        ConsoleRole.Viewer => "viewer",
        ConsoleRole.Operator => "operator",
        ConsoleRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParse(string? text, out ConsoleRole role)
    {
        var i = text is null ? -1 : AllNames.ToList().IndexOf(text.Trim().ToLowerInvariant());
        role = i < 0 ? ConsoleRole.Viewer : (ConsoleRole)i;
        return i >= 0;
    }

    /// <summary>viewer → read; operator → rotate, revoke (each implies read); admin → admin.</summary>
    public static IReadOnlyList<string> ScopesOf(ConsoleRole role) => role switch
    {
        ConsoleRole.Viewer => [Scopes.Read],
        ConsoleRole.Operator => [Scopes.Rotate, Scopes.Revoke],
        ConsoleRole.Admin => [Scopes.Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}
