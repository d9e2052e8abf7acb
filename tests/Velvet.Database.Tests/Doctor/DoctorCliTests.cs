namespace Velvet.Database.Tests.Doctor;

/// <summary>`velvet db doctor`: exit 0 when healthy, 3 on any error finding; URLs masked; the variable names configurable.</summary>
public sealed class DoctorCliTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    private static readonly string[] SeedNames =
        ["--owner-var", DoctorWorld.OwnerVar, "--app-var", DoctorWorld.AppVar, "--flag-var", DoctorWorld.FlagVar];

    private static VelvetRun Cli(DoctorWorld w)
    {
        var cli = new VelvetRun();
        foreach (var (k, v) in w.Env) cli.Env[k] = v;
        return cli;
    }

    [Fact]
    public async Task Healthy_setup_exits_0_and_shows_the_URLs_masked()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "clihealthy");

        var (exit, stdout, stderr) = await Cli(w).RunAsync(["db", "doctor", .. SeedNames]);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains($"app    RAPTOR_APP_DATABASE_URL = postgres://{w.AppRole}@{db.Host}:{db.Port}/{w.Database}", stdout, StringComparison.Ordinal);
        Assert.Contains("flag   FLAG_RAPTOR_APP_ROLE_SEPARATION = 1 -> runtime connects as the app role", stdout, StringComparison.Ordinal);
        Assert.Contains("healthy: no error findings", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(DoctorWorld.AppPassword, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(db.OwnerPassword, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overwritten_app_URL_exits_3_with_the_finding_and_fix_and_no_password()
    {
        db.Require();
        await using var w = await DoctorWorld.CreateAsync(db, "clidowner");
        w.Env[DoctorWorld.AppVar] = w.OwnerUrl;
        var cli = Cli(w);

        var (exit, stdout, stderr) = await cli.RunAsync(["db", "doctor", .. SeedNames]);
        var json = await cli.RunAsync(["db", "doctor", "--json", .. SeedNames]);

        Assert.Equal(3, exit);
        Assert.Contains("ERROR D.app-url-is-owner:", stdout, StringComparison.Ordinal);
        Assert.Contains("       fix: re-seed RAPTOR_APP_DATABASE_URL from the canonical copy in your vault", stdout, StringComparison.Ordinal);
        Assert.Contains("1 error(s), 0 warning(s)", stdout, StringComparison.Ordinal);
        Assert.Equal(3, json.Exit);
        Assert.Contains("\"healthy\": false", json.Out, StringComparison.Ordinal);
        Assert.Contains("\"id\": \"D.app-url-is-owner\"", json.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(db.OwnerPassword, stdout + stderr + json.Out + json.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_names_are_the_runtime_resolutions_and_local_sqlite_is_healthy()
    {
        var cli = new VelvetRun();
        cli.Env["DATABASE_URL"] = "sqlite:///tmp/dev.db";

        var (exit, stdout, _) = await cli.RunAsync("db", "doctor");

        Assert.Equal(0, exit);
        Assert.Contains("INFO  local-sqlite: RAPTOR_APP_DATABASE_URL is unset and DATABASE_URL is a SQLite URL", stdout, StringComparison.Ordinal);
        Assert.Contains("runtime connection using local SQLite (", stdout, StringComparison.Ordinal);
    }
}
