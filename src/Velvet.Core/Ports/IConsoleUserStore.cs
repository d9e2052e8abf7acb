using Velvet.Core.Auth;
using Velvet.Core.Results;

namespace Velvet.Core.Ports;

/// <summary>
/// Operator accounts of the web console (SPEC §6): people, separate from service tokens. Only a password hash is
/// stored. Lives in the job store's database (same object, same connection): <c>JobStoreFactory.ConsoleUsers(store)</c>.
/// </summary>
public interface IConsoleUserStore
{
    /// <summary>Stores a new account; a name already in use → <see cref="Invalid"/> with Field "name".</summary>
    Task<Result<ConsoleUser>> CreateConsoleUserAsync(ConsoleUser user, string passwordHash, CancellationToken ct);

    /// <summary>The account and its password hash; null when unknown.</summary>
    Task<(ConsoleUser User, string PasswordHash)?> FindConsoleUserAsync(string name, CancellationToken ct);

    /// <summary>Ordered by name.</summary>
    Task<IReadOnlyList<ConsoleUser>> ListConsoleUsersAsync(CancellationToken ct);

    /// <summary>Counts one failed sign-in atomically and returns the new count of consecutive failures (0 for an unknown name).</summary>
    Task<int> RecordFailedSignInAsync(string name, DateTimeOffset at, CancellationToken ct);

    /// <summary>Refuses sign-ins until <paramref name="until"/>.</summary>
    Task LockConsoleUserAsync(string name, DateTimeOffset until, CancellationToken ct);

    /// <summary>A successful sign-in: clears the failure count and the lock.</summary>
    Task RecordSignInAsync(string name, DateTimeOffset at, CancellationToken ct);

    /// <summary>Removes the account; false when there was none.</summary>
    Task<bool> DeleteConsoleUserAsync(string name, CancellationToken ct);
}
