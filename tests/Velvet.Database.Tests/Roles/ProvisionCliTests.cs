using Npgsql;
using Velvet.Database.Roles;
using Velvet.Vendors.DotenvFile;

namespace Velvet.Database.Tests.Roles;

/// <summary>`velvet db provision` end to end: admin URL from the environment, the new URL only in the chosen file or consumer.</summary>
public sealed class ProvisionCliTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("velvet-provision-").FullName;

    private VelvetRun Cli()
    {
        var cli = new VelvetRun();
        cli.Env["DATABASE_ROOT_URL"] = db.AdminConnectionString;
        return cli;
    }

    private string AdminPassword => new NpgsqlConnectionStringBuilder(db.AdminConnectionString).Password!;

    private static string? Read(string path, string key) => File.Exists(path) ? DotenvText.Read(File.ReadAllText(path), key) : null;

    private static void NoSecret(string secret, params string[] outputs)
    {
        foreach (var o in outputs) Assert.DoesNotContain(secret, o, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_place_writes_the_URL_to_a_0600_file_never_to_the_terminal_and_is_idempotent()
    {
        db.Require();
        var role = db.RolePrefix + "cliapp";
        var file = Path.Combine(_dir, "app.env");
        await File.WriteAllTextAsync(file, "# app settings\nOTHER=keep-me\n", TestContext.Current.CancellationToken);
        var cli = Cli();

        var (exit, stdout, stderr) = await cli.RunAsync("db", "provision", "--role", role, "--write-env-file", file, "--env-key", "APP_DATABASE_URL");

        Assert.True(exit == 0, stderr);
        var url = Read(file, "APP_DATABASE_URL")!;
        var password = Dsn.Dsn.Parse(url).Password!;
        Assert.Contains($"created login role {role} with a generated password", stdout, StringComparison.Ordinal);
        Assert.Contains($"wrote postgres://{role}@{db.Host}:{db.Port}/{db.DatabaseName} (password not shown) to {file} as APP_DATABASE_URL (mode 600)", stdout, StringComparison.Ordinal);
        Assert.Contains($"checked: the new URL logs in as {role}", stdout, StringComparison.Ordinal);
        Assert.Contains("velvet grants apply --policy FILE", stdout, StringComparison.Ordinal);
        NoSecret(password, stdout, stderr);
        NoSecret(AdminPassword, stdout, stderr);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal("keep-me", Read(file, "OTHER"));
        Assert.Equal(role, (await PgLogin.TryAsync(Dsn.Dsn.Parse(url), TestContext.Current.CancellationToken)).CurrentUser);

        var again = await cli.RunAsync("db", "provision", "--role", role, "--write-env-file", file, "--env-key", "APP_DATABASE_URL");
        Assert.Equal(0, again.Exit);
        Assert.Contains($"role {role} already exists (it can log in); password unchanged", again.Out, StringComparison.Ordinal);
        Assert.Equal(url, Read(file, "APP_DATABASE_URL"));

        var reset = await cli.RunAsync("db", "provision", "--role", role, "--reset-password", "--write-env-file", file, "--env-key", "APP_DATABASE_URL");
        Assert.Equal(0, reset.Exit);
        Assert.Contains($"set a new password on existing role {role}", reset.Out, StringComparison.Ordinal);
        Assert.NotEqual(url, Read(file, "APP_DATABASE_URL"));
        Assert.Equal(LoginOutcome.Refused, (await PgLogin.TryAsync(Dsn.Dsn.Parse(url), TestContext.Current.CancellationToken)).Outcome);
        NoSecret(Dsn.Dsn.Parse(Read(file, "APP_DATABASE_URL")!).Password!, reset.Out, reset.Err);
    }

    [Fact]
    public async Task Alternating_creates_the_group_and_two_logins_and_writes_the_first_logins_URL()
    {
        db.Require();
        var group = db.RolePrefix + "cligrp";
        var file = Path.Combine(_dir, "alt.env");

        var (exit, stdout, stderr) = await Cli().RunAsync("db", "provision", "--mode", "alternating", "--role", group,
            "--login-roles", $"{group}_blue,{group}_green", "--write-env-file", file, "--env-key", "APP_DATABASE_URL", "--json");

        Assert.True(exit == 0, stderr);
        Assert.Contains($"\"active_login\": \"{group}_blue\"", stdout, StringComparison.Ordinal);
        Assert.Contains($"created group role {group} (NOLOGIN: it holds every grant and owns nothing)", stdout, StringComparison.Ordinal);
        Assert.Contains($"enabled {group}_blue with a generated password ({group}_green stays disabled until the first rotation)", stdout, StringComparison.Ordinal);
        Assert.Equal($"{group}_blue", Dsn.Dsn.Parse(Read(file, "APP_DATABASE_URL")!).User);
        NoSecret(Dsn.Dsn.Parse(Read(file, "APP_DATABASE_URL")!).Password!, stdout, stderr);
    }

    [Fact]
    public async Task Without_a_destination_a_new_password_is_refused_and_nothing_is_created()
    {
        db.Require();
        var role = db.RolePrefix + "nowhere";

        var (exit, stdout, stderr) = await Cli().RunAsync("db", "provision", "--role", role);

        Assert.Equal(2, exit);
        Assert.Contains("say where the new URL goes: --write-env-file PATH --env-key NAME", stderr, StringComparison.Ordinal);
        Assert.Contains("stdout is not an option", stderr, StringComparison.Ordinal);
        Assert.Contains("(nothing was changed)", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
        await using var conn = new NpgsqlConnection(db.AdminConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Empty((await RoleInspector.ReadAsync(conn, RoleLayout.InPlace(role), TestContext.Current.CancellationToken)).Roles);
    }

    [Fact]
    public async Task The_admin_URL_comes_only_from_the_environment()
    {
        var cli = new VelvetRun();

        var missing = await cli.RunAsync("db", "provision", "--role", "app", "--write-env-file", Path.Combine(_dir, "x.env"), "--env-key", "K");
        Assert.Equal(6, missing.Exit);
        Assert.Contains("no admin URL: set $DATABASE_ROOT_URL", missing.Err, StringComparison.Ordinal);
        Assert.Contains("Velvet never takes a URL on the command line", missing.Err, StringComparison.Ordinal);

        cli.Env["PG_ADMIN"] = "postgres://root:hunter2-secret@db:notaport/app";
        var malformed = await cli.RunAsync("db", "provision", "--role", "app", "--admin-var", "PG_ADMIN", "--write-env-file", Path.Combine(_dir, "x.env"), "--env-key", "K");
        Assert.Equal(6, malformed.Exit);
        Assert.Contains("$PG_ADMIN is not a PostgreSQL URL (invalid port", malformed.Err, StringComparison.Ordinal);
        NoSecret("hunter2-secret", malformed.Out, malformed.Err);
    }

    [Fact]
    public async Task An_admin_without_CREATEROLE_gets_the_fix_and_no_file_is_written()
    {
        db.Require();
        var limited = db.RolePrefix + "clilimited";
        await PgDatabaseFixture.ExecAsync(db.AdminConnectionString, $"CREATE ROLE {limited} LOGIN PASSWORD 'limited-pw-0002'");
        var cli = new VelvetRun();
        cli.Env["DATABASE_ROOT_URL"] = db.Url(limited, "limited-pw-0002");
        var file = Path.Combine(_dir, "never.env");

        var (exit, stdout, stderr) = await cli.RunAsync("db", "provision", "--role", db.RolePrefix + "wanted2", "--write-env-file", file, "--env-key", "K");

        Assert.Equal(4, exit);
        Assert.True(stderr.Contains($"42501: {limited} must be superuser or have CREATEROLE to create {db.RolePrefix}wanted2 or set its password (\"permission denied to create role\")", StringComparison.Ordinal), stderr);
        Assert.Contains($"Fix: as a superuser run: ALTER ROLE \"{limited}\" CREATEROLE;", stderr, StringComparison.Ordinal);
        Assert.Contains("(nothing was changed)", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        NoSecret("limited-pw-0002", stdout, stderr);
    }

    [Fact]
    public async Task With_a_manifest_credential_the_URL_goes_to_its_canonical_consumer()
    {
        db.Require();
        var role = db.RolePrefix + "fromman";
        var vault = Path.Combine(_dir, "vault.env");
        var manifest = Path.Combine(_dir, "velvet.yaml");
        await File.WriteAllTextAsync(manifest, $$"""
            version: 1
            credentials:
              - token_name: RAPTOR_APP_DATABASE_URL
                vendor: { kind: postgres-role, settings: { mode: alternating, role: {{role}}, admin_url_env: PG_ROOT_URL } }
                env: prod
                canonical_consumer: vault
            consumers:
              - consumer_id: vault
                token_name: RAPTOR_APP_DATABASE_URL
                kind: dotenv-file
                settings: { path: {{vault}}, key: RAPTOR_APP_DATABASE_URL }
            """, TestContext.Current.CancellationToken);
        var cli = new VelvetRun();
        cli.Env["PG_ROOT_URL"] = db.AdminConnectionString;

        var (exit, stdout, stderr) = await cli.RunAsync("db", "provision", "--manifest", manifest, "--credential", "RAPTOR_APP_DATABASE_URL", "--to-consumer", "vault");

        Assert.True(exit == 0, stderr);
        Assert.Contains("to consumer vault (dotenv-file)", stdout, StringComparison.Ordinal);
        Assert.Equal(role + "_a", Dsn.Dsn.Parse(Read(vault, "RAPTOR_APP_DATABASE_URL")!).User);
        Assert.True((await PgLogin.TryAsync(Dsn.Dsn.Parse(Read(vault, "RAPTOR_APP_DATABASE_URL")!), TestContext.Current.CancellationToken)).IsOk);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
