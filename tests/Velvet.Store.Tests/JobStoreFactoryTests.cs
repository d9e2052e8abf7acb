using Npgsql;
using Velvet.Store.Postgres;
using Velvet.Store.Sqlite;

namespace Velvet.Store.Tests;

public sealed class JobStoreFactoryTests
{
    [Theory]
    [InlineData("sqlite:/tmp/velvet-x.db", "/tmp/velvet-x.db")]
    [InlineData("sqlite:///tmp/velvet-y.sqlite", "/tmp/velvet-y.sqlite")]
    [InlineData("/tmp/velvet-z.db", "/tmp/velvet-z.db")]
    public void Sqlite_locations_open_a_sqlite_store(string location, string path)
    {
        using var store = Assert.IsType<SqliteJobStore>(JobStoreFactory.Open(location));
        Assert.Equal(path, store.DatabasePath);
    }

    [Fact]
    public void Relative_db_path_is_made_absolute()
    {
        using var store = Assert.IsType<SqliteJobStore>(JobStoreFactory.Open("data/velvet.db"));
        Assert.Equal(Path.GetFullPath("data/velvet.db"), store.DatabasePath);
    }

    [Theory]
    [InlineData("postgres://app:s3cr%40t@db.example:6543/velvet?sslmode=require&application_name=velvet")]
    [InlineData("postgresql://app:s3cr%40t@db.example:6543/velvet?sslmode=require&application_name=velvet")]
    public void Postgres_urls_become_npgsql_connection_strings(string url)
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(url));
        Assert.Equal(("db.example", 6543, "velvet", "app", "s3cr@t"), (b.Host, b.Port, b.Database, b.Username, b.Password));
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("velvet", b.ApplicationName);
        using var store = Assert.IsType<PostgresJobStore>(JobStoreFactory.Open(url));
        Assert.Equal("app", store.AppRole);
    }

    [Fact]
    public void Url_without_port_uses_5432_and_key_value_strings_are_accepted()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://u@localhost/db"));
        Assert.Equal(5432, b.Port);
        using var store = Assert.IsType<PostgresJobStore>(JobStoreFactory.Open(
            "Host=localhost;Database=db;Username=app;Password=pw", "Host=localhost;Database=db;Username=owner;Password=pw2", appRole: "velvet_app"));
        Assert.Equal("velvet_app", store.AppRole);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mysql://root:hunter2secret@h/db")]
    [InlineData("postgres://root:hunter2secret@/db")]
    [InlineData("postgres://root:hunter2secret@h:5432/")]
    [InlineData("postgres://root:hunter2secret@h:5432/db?password_file=hunter2secret")]
    [InlineData("Host=h;Password=hunter2secret;Port=notaport")]
    [InlineData("Hostx=h;Password=hunter2secret")]
    [InlineData("Password=hunter2secret;Database=db")]
    [InlineData("hunter2secret")]
    public void Bad_locations_fail_clearly_without_the_password(string location)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => JobStoreFactory.Open(location));
        Assert.DoesNotContain("hunter2secret", ex.ToString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Sqlite_rejects_a_migration_connection()
    {
        Assert.Throws<ArgumentException>(() => JobStoreFactory.Open("sqlite:x.db", "Host=h;Database=d"));
    }
}
