using Velvet.Core.Auth;
using Velvet.Core.Results;

namespace Velvet.Store.Common;

/// <summary>Console-account rules and column list both backends share.</summary>
internal static class ConsoleUserRows
{
    public const string Columns = "name, role, password_hash, created_by, created_at, failed_sign_ins, locked_until, last_sign_in_at";

    /// <summary>A malformed row is a caller bug (the CLI validates input first), so it throws.</summary>
    public static void Valid(ConsoleUser user, string passwordHash)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrWhiteSpace(user.Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(user.CreatedBy);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
    }

    public static ConsoleRole Role(string text) =>
        ConsoleRoles.TryParse(text, out var role) ? role : throw new InvalidOperationException($"console_users has an unknown role '{text}'");

    public static Invalid NameTaken(string name) =>
        new($"a console user named '{name}' already exists; choose another name or remove it first (velvet console user remove {name})", "name");
}
