using Velvet.Database.Tests.Grants;
using Velvet.Vendors.DotenvFile;

namespace Velvet.Database.Tests.Roles;

/// <summary>
/// `velvet db provision --policy FILE`: the role is created, its URL stored, then the grants policy applied through the
/// grants code; `grants verify` finds no drift and `grants prove` (as the new login) is refused what the policy forbids.
/// </summary>
public sealed class ProvisionGrantsTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    private sealed record Setup(VelvetRun Velvet, string Role, string Schema, string Policy, string EnvFile);

    private async Task<Setup> SetupAsync(string tag, string? policyRole = null)
    {
        var role = db.RolePrefix + tag + "_app";
        var dir = Directory.CreateTempSubdirectory("velvet-provgrants-").FullName;
        var policy = Path.Combine(dir, "grants.yaml");
        await File.WriteAllTextAsync(policy,
            $"app_role: {policyRole ?? role}\nowner: {db.OwnerRole}\nschemas: [{tag}]\nappend_only: [customer_audit_events, \"*_history\"]\n",
            TestContext.Current.CancellationToken);
        await PgDatabaseFixture.ExecAsync(db.OwnerConnectionString,
            $"CREATE SCHEMA {tag}",
            $"CREATE TABLE {tag}.orders (id bigserial PRIMARY KEY, total int NOT NULL)",
            $"CREATE TABLE {tag}.customer_audit_events (id bigserial PRIMARY KEY, what text NOT NULL)",
            $"CREATE TABLE {tag}.alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)");
        var velvet = new VelvetRun();
        velvet.Env["DATABASE_ROOT_URL"] = db.AdminConnectionString;
        return new Setup(velvet, role, tag, policy, Path.Combine(dir, "app.env"));
    }

    [Fact]
    public async Task Provision_with_a_policy_applies_it_then_verify_passes_and_prove_is_refused()
    {
        db.Require();
        var s = await SetupAsync("provgr");

        var (exit, stdout, stderr) = await s.Velvet.RunAsync("db", "provision", "--role", s.Role, "--policy", s.Policy,
            "--write-env-file", s.EnvFile, "--env-key", "APP_DATABASE_URL");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains($"created login role {s.Role} with a generated password", stdout, StringComparison.Ordinal);
        Assert.Contains("BEGIN;", stdout, StringComparison.Ordinal);
        Assert.Contains($"GRANT SELECT, INSERT ON TABLE {s.Schema}.customer_audit_events TO {s.Role};", stdout, StringComparison.Ordinal);
        Assert.Contains("COMMIT;", stdout, StringComparison.Ordinal);
        Assert.Contains($"velvet grants verify --policy {s.Policy}", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("velvet grants apply --policy", stdout, StringComparison.Ordinal);

        // As CI would: the owner checks for drift, the new login proves the policy holds.
        s.Velvet.Env["DATABASE_ROOT_URL"] = db.Url(db.OwnerRole, db.OwnerPassword);
        s.Velvet.Env["DATABASE_URL"] = DotenvText.Read(await File.ReadAllTextAsync(s.EnvFile, TestContext.Current.CancellationToken), "APP_DATABASE_URL")!;
        var verify = await s.Velvet.RunAsync("grants", "verify", "--policy", s.Policy);
        Assert.True(verify.Exit == 0, verify.Out + verify.Err);
        Assert.Contains("grants verify: no drift", verify.Out, StringComparison.Ordinal);

        var prove = await s.Velvet.RunAsync("grants", "prove", "--policy", s.Policy);
        Assert.True(prove.Exit == 0, prove.Out + prove.Err);
        Assert.Contains($"connected as {s.Role} (the app role)", prove.Out, StringComparison.Ordinal);
        foreach (var op in new[] { "UPDATE", "DELETE" })
            Assert.Matches($@"table {s.Schema}\.customer_audit_events +{op} +refused \(42501\)", prove.Out);
        Assert.Matches($@"table {s.Schema}\.alembic_version +\w+ +refused \(42501\)", prove.Out);
        Assert.Contains("all as the policy says", prove.Out, StringComparison.Ordinal);
        s.Velvet.AssertNeverPrinted(Dsn.Dsn.Parse(s.Velvet.Env["DATABASE_URL"]).Password!);
        s.Velvet.AssertNeverPrinted(db.OwnerPassword);
    }

    [Fact]
    public async Task A_policy_for_another_role_is_refused_before_anything_is_created()
    {
        db.Require();
        var other = db.RolePrefix + "someone_else";
        var s = await SetupAsync("provmis", policyRole: other);

        var (exit, stdout, stderr) = await s.Velvet.RunAsync("db", "provision", "--role", s.Role, "--policy", s.Policy,
            "--write-env-file", s.EnvFile, "--env-key", "APP_DATABASE_URL");

        Assert.Equal(4, exit);
        Assert.Contains($"is for app_role {other}", stderr, StringComparison.Ordinal);
        Assert.Contains($"but this provisions the role {s.Role}", stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("created", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(s.EnvFile));
        Assert.Equal(0L, await CountRolesAsync(s.Role));
    }

    private async Task<long> CountRolesAsync(string role)
    {
        await using var conn = new Npgsql.NpgsqlConnection(db.AdminConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = $1", conn) { Parameters = { new() { Value = role } } };
        return (long)(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
