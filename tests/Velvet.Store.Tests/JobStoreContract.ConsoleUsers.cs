using Velvet.Core.Auth;
using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    private static ConsoleUser Person(string name, ConsoleRole role) =>
        new() { Name = name, Role = role, CreatedBy = "admin", CreatedAt = TestData.T0 };

    private static string PersonName() => "user-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Console_user_create_find_list_delete_and_a_taken_name()
    {
        var users = JobStoreFactory.ConsoleUsers(await StoreAsync());
        var name = PersonName();
        var created = await users.CreateConsoleUserAsync(Person(name, ConsoleRole.Operator), "hash-1", Ct);
        Assert.True(created.IsOk, created.Error?.Message);
        Assert.Equal(ConsoleRole.Operator, created.Value.Role);

        var taken = await users.CreateConsoleUserAsync(Person(name, ConsoleRole.Admin), "hash-2", Ct);
        Assert.Equal("name", Assert.IsType<Invalid>(taken.Error).Field);
        Assert.Contains("already exists", taken.Error.Message, StringComparison.Ordinal);

        var found = await users.FindConsoleUserAsync(name, Ct);
        Assert.NotNull(found);
        Assert.Equal("hash-1", found.Value.PasswordHash);
        Assert.Equal(ConsoleRole.Operator, found.Value.User.Role);
        Assert.Equal(TestData.T0, found.Value.User.CreatedAt);
        Assert.Equal("admin", found.Value.User.CreatedBy);
        Assert.Null(await users.FindConsoleUserAsync(PersonName(), Ct));
        Assert.Single(await users.ListConsoleUsersAsync(Ct), u => u.Name == name);

        Assert.True(await users.DeleteConsoleUserAsync(name, Ct));
        Assert.False(await users.DeleteConsoleUserAsync(name, Ct));
        Assert.Null(await users.FindConsoleUserAsync(name, Ct));
    }

    [Fact]
    public async Task Console_user_failed_sign_ins_count_up_lock_and_reset_on_success()
    {
        var users = JobStoreFactory.ConsoleUsers(await StoreAsync());
        var name = PersonName();
        Assert.True((await users.CreateConsoleUserAsync(Person(name, ConsoleRole.Viewer), "h", Ct)).IsOk);

        // Concurrent failures are each counted (an atomic increment, not read-then-write).
        var counts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => users.RecordFailedSignInAsync(name, TestData.T0, Ct)));
        Assert.Equal([1, 2, 3, 4, 5, 6], counts.Order());
        Assert.Equal(0, await users.RecordFailedSignInAsync(PersonName(), TestData.T0, Ct));
        await users.LockConsoleUserAsync(name, TestData.T0.AddMinutes(2), Ct);
        var locked = (await users.FindConsoleUserAsync(name, Ct))!.Value.User;
        Assert.Equal(6, locked.FailedSignIns);
        Assert.Equal(TestData.T0.AddMinutes(2), locked.LockedUntil);

        await users.RecordSignInAsync(name, TestData.T0.AddMinutes(5), Ct);
        var fresh = (await users.FindConsoleUserAsync(name, Ct))!.Value.User;
        Assert.Equal(0, fresh.FailedSignIns);
        Assert.Null(fresh.LockedUntil);
        Assert.Equal(TestData.T0.AddMinutes(5), fresh.LastSignInAt);
    }
}
