namespace Velvet.Dsn.Tests;

public sealed class RuntimeDatabaseUrlTests
{
    private const string Canary = "CanaryPw-7f3a9c";
    private const string Owner = "postgres://u8owner:" + Canary + "owner@db.example.com:5432/raptor";
    private const string App = "postgres://raptor_app:" + Canary + "@db.example.com:5432/raptor";

    public static TheoryData<string?, string?, string?, RuntimeRole, string?> Table => new()
    {
        // owner URL,           flag,     app URL, → role,              variable
        { null,                 null,     null,    RuntimeRole.Sqlite,  null },
        { "",                   "1",      null,    RuntimeRole.Sqlite,  null },
        { null,                 "1",      App,     RuntimeRole.Sqlite,  null },
        { "sqlite:///dev.db",   "1",      null,    RuntimeRole.Sqlite,  "DATABASE_URL" },
        { "sqlite:///dev.db",   "yes",    null,    RuntimeRole.Sqlite,  "DATABASE_URL" },
        { Owner,                null,     null,    RuntimeRole.Owner,   "DATABASE_URL" },
        { Owner,                "",       App,     RuntimeRole.Owner,   "DATABASE_URL" },
        { Owner,                "0",      App,     RuntimeRole.Owner,   "DATABASE_URL" },
        { Owner,                "false",  null,    RuntimeRole.Owner,   "DATABASE_URL" },
        { Owner,                " FALSE ", App,    RuntimeRole.Owner,   "DATABASE_URL" },
        { Owner,                "1",      App,     RuntimeRole.AppRole, "RAPTOR_APP_DATABASE_URL" },
        { Owner,                "true",   App,     RuntimeRole.AppRole, "RAPTOR_APP_DATABASE_URL" },
        { Owner,                "TRUE",   App,     RuntimeRole.AppRole, "RAPTOR_APP_DATABASE_URL" },
        { Owner,                " True ", App,     RuntimeRole.AppRole, "RAPTOR_APP_DATABASE_URL" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Truth_table(string? owner, string? flag, string? app, RuntimeRole role, string? variable)
    {
        var result = RuntimeDatabaseUrl.Resolve(Env(owner, flag, app));
        Assert.Equal(role, result.Role);
        Assert.Equal(variable, result.Variable);
        var expectedUrl = role switch { RuntimeRole.AppRole => App, RuntimeRole.Owner => Owner, _ => variable is null ? "sqlite:///app.db" : owner };
        Assert.Equal(expectedUrl, result.Url);
        Assert.DoesNotContain(Canary, result.LogLine, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, result.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, string.Join("\n", result.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Flag_on_without_the_app_url_fails_fast_naming_both_variables_and_the_flag(string? app)
    {
        var ex = Assert.Throws<DsnConfigurationException>(() => RuntimeDatabaseUrl.Resolve(Env(Owner, "1", app)));
        Assert.StartsWith(
            "RAPTOR_APP_DATABASE_URL is required when FLAG_RAPTOR_APP_ROLE_SEPARATION=1 and DATABASE_URL resolves to a Postgres URL.",
            ex.Message, StringComparison.Ordinal);
        Assert.Contains("or set FLAG_RAPTOR_APP_ROLE_SEPARATION=0 to fall back to DATABASE_URL (owner credential, emergency rollback)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("2")]
    [InlineData("tru")]
    public void An_invalid_flag_value_names_the_variable_and_the_accepted_values(string flag)
    {
        var ex = Assert.Throws<DsnConfigurationException>(() => RuntimeDatabaseUrl.Resolve(Env(Owner, flag, App)));
        Assert.Equal("FLAG_RAPTOR_APP_ROLE_SEPARATION has an invalid value: accepted values are 1 or true (use RAPTOR_APP_DATABASE_URL) " +
            "and 0, false or unset (use DATABASE_URL).", ex.Message);
    }

    [Fact]
    public void A_malformed_app_url_fails_fast_without_echoing_it()
    {
        var ex = Assert.Throws<DsnConfigurationException>(() =>
            RuntimeDatabaseUrl.Resolve(Env(Owner, "1", "postgres://raptor_app:" + Canary + "@db:notaport/raptor")));
        Assert.StartsWith("RAPTOR_APP_DATABASE_URL is not a valid DSN (invalid port", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FLAG_RAPTOR_APP_ROLE_SEPARATION=0", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sqlite_app_url_with_a_postgres_owner_fails_fast()
    {
        var ex = Assert.Throws<DsnConfigurationException>(() => RuntimeDatabaseUrl.Resolve(Env(Owner, "1", "sqlite:///x.db")));
        Assert.StartsWith("RAPTOR_APP_DATABASE_URL must be a PostgreSQL URL when DATABASE_URL is one", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_owner_url_fails_naming_it()
    {
        var ex = Assert.Throws<DsnConfigurationException>(() => RuntimeDatabaseUrl.Resolve(Env("mysql://root:" + Canary + "@h/d", null, null)));
        Assert.StartsWith("DATABASE_URL is not a valid DSN (unsupported scheme 'mysql'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_lines_say_which_role_without_the_password()
    {
        var app = RuntimeDatabaseUrl.Resolve(Env(Owner, "1", App));
        Assert.Equal("runtime connection using restricted raptor_app role (postgres://raptor_app@db.example.com:5432/raptor from RAPTOR_APP_DATABASE_URL)", app.LogLine);
        Assert.True(app.FlagEnabled);
        Assert.Equal("postgres://raptor_app@db.example.com:5432/raptor", app.Masked);
        Assert.Empty(app.Warnings);

        var owner = RuntimeDatabaseUrl.Resolve(Env(Owner, "0", App));
        Assert.Equal("runtime connection using owner u8owner role (postgres://u8owner@db.example.com:5432/raptor from DATABASE_URL): " +
            "FLAG_RAPTOR_APP_ROLE_SEPARATION is off, least privilege is not enforced", owner.LogLine);

        var sqlite = RuntimeDatabaseUrl.Resolve(Env(null, null, null));
        Assert.Equal("runtime connection using local SQLite (sqlite:///app.db; DATABASE_URL is not set): no database roles", sqlite.LogLine);
        Assert.Equal("runtime connection using local SQLite (sqlite:///dev.db from DATABASE_URL): no database roles",
            RuntimeDatabaseUrl.Resolve(Env("sqlite:///dev.db", null, null)).LogLine);
    }

    [Fact]
    public void The_app_url_overwritten_with_the_owner_url_is_a_warning()
    {
        var result = RuntimeDatabaseUrl.Resolve(Env(Owner, "1", Owner));
        Assert.Equal(RuntimeRole.AppRole, result.Role);
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("RAPTOR_APP_DATABASE_URL logs in as 'u8owner', the same user as DATABASE_URL", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Flag_on_with_sqlite_warns_that_it_has_no_effect()
    {
        var result = RuntimeDatabaseUrl.Resolve(Env(null, "true", null));
        Assert.Equal("FLAG_RAPTOR_APP_ROLE_SEPARATION=true has no effect: DATABASE_URL is not set, so the app uses local SQLite.", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Variable_names_and_the_sqlite_fallback_are_configurable()
    {
        var options = new RuntimeUrlOptions
        {
            OwnerVariable = "OWNER_DSN", AppRoleVariable = "APP_DSN", FlagVariable = "SPLIT", SqliteFallbackUrl = "sqlite:////var/lib/app/local.db",
        };
        var env = new Dictionary<string, string> { ["OWNER_DSN"] = Owner, ["SPLIT"] = "1", ["APP_DSN"] = App };
        Assert.Equal("APP_DSN", RuntimeDatabaseUrl.Resolve(env, options).Variable);
        env.Remove("APP_DSN");
        var ex = Assert.Throws<DsnConfigurationException>(() => RuntimeDatabaseUrl.Resolve(env, options));
        Assert.StartsWith("APP_DSN is required when SPLIT=1 and OWNER_DSN resolves to a Postgres URL.", ex.Message, StringComparison.Ordinal);
        Assert.Equal("/var/lib/app/local.db", RuntimeDatabaseUrl.Resolve(new Dictionary<string, string>(), options).Dsn.Path);
        Assert.Throws<DsnConfigurationException>(() =>
            RuntimeDatabaseUrl.Resolve(new Dictionary<string, string>(), new RuntimeUrlOptions { SqliteFallbackUrl = "postgres://h/d" }));
    }

    [Fact]
    public void Resolves_from_a_lookup_function()
    {
        string? Lookup(string name) => name switch { "DATABASE_URL" => Owner, "FLAG_RAPTOR_APP_ROLE_SEPARATION" => "1", "RAPTOR_APP_DATABASE_URL" => App, _ => null };
        Assert.Equal(RuntimeRole.AppRole, RuntimeDatabaseUrl.Resolve(Lookup).Role);
    }

    private static Dictionary<string, string> Env(string? owner, string? flag, string? app)
    {
        var env = new Dictionary<string, string>();
        if (owner is not null) env["DATABASE_URL"] = owner;
        if (flag is not null) env["FLAG_RAPTOR_APP_ROLE_SEPARATION"] = flag;
        if (app is not null) env["RAPTOR_APP_DATABASE_URL"] = app;
        return env;
    }

    [Theory]
    [InlineData(null, true, false)]
    [InlineData("", true, false)]
    [InlineData("0", true, false)]
    [InlineData(" false ", true, false)]
    [InlineData("FALSE", true, false)]
    [InlineData("1", true, true)]
    [InlineData(" True ", true, true)]
    [InlineData("yes", false, false)]
    [InlineData("2", false, false)]
    public void TryParseFlag_reads_the_flag_as_Resolve_does(string? value, bool recognised, bool enabled)
    {
        Assert.Equal(recognised, RuntimeDatabaseUrl.TryParseFlag(value, out var on));
        Assert.Equal(enabled, on);
        var env = new Dictionary<string, string> { ["DATABASE_URL"] = Owner, ["RAPTOR_APP_DATABASE_URL"] = App };
        if (value is not null) env["FLAG_RAPTOR_APP_ROLE_SEPARATION"] = value;
        if (recognised) Assert.Equal(enabled, RuntimeDatabaseUrl.Resolve(env).FlagEnabled);
        else Assert.Throws<DsnConfigurationException>(() => RuntimeDatabaseUrl.Resolve(env));
    }
}
