using System.Globalization;
using System.Text.RegularExpressions;

namespace Velvet.Database.Roles;

/// <summary>What Velvet last did to a role.</summary>
public enum RoleMarkKind
{
    /// <summary>A password was set (provision or rotation).</summary>
    KeySet = 0,
    /// <summary>The login was disabled (revocation).</summary>
    Revoked = 1,
}

/// <summary>
/// Velvet's note on a role, kept in the database as the role's comment (<c>\du+</c> shows it):
/// <c>velvet postgres-role: key set by velvet-job-… at 2026-11-23T00:50:07.1234567Z</c>. It makes a rotation's
/// progress discoverable from the database itself: a retried mint finds the login its job already re-keyed, and the
/// in-place revoke knows when the old password stopped working.
/// </summary>
public sealed partial record RoleMarker(RoleMarkKind Kind, string Tag, DateTimeOffset At)
{
    private const string Prefix = "velvet postgres-role: ";

    public string Text => $"{Prefix}{(Kind == RoleMarkKind.KeySet ? "key set" : "login revoked")} by {Tag} at {At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}";

    /// <summary>The marker in a role comment, or null when the comment is not Velvet's.</summary>
    public static RoleMarker? Parse(string? comment)
    {
        if (comment is null) return null;
        var m = Pattern().Match(comment);
        if (!m.Success) return null;
        if (!DateTimeOffset.TryParse(m.Groups["at"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return null;
        return new RoleMarker(m.Groups["what"].Value == "key set" ? RoleMarkKind.KeySet : RoleMarkKind.Revoked, m.Groups["tag"].Value, at);
    }

    /// <summary>A tag is written into SQL as a literal and parsed back: keep it to a safe alphabet.</summary>
    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);

    [GeneratedRegex(@"^velvet postgres-role: (?<what>key set|login revoked) by (?<tag>[A-Za-z0-9._:-]+) at (?<at>\S+)$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,120}$")]
    private static partial Regex TagPattern();
}
