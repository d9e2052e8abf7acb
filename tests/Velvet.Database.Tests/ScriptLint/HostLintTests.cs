using Velvet.Database.ScriptLint;
using Velvet.Database.Tests.EnvContract;

namespace Velvet.Database.Tests.ScriptLint;

/// <summary>dsn-alignment-spec invariant 4: literal database hosts/ports in scripts are flagged with file:line; examples and docs are exempt.</summary>
public sealed class HostLintTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("psql -h db -p 5432 app", "port-setting", "5432")]
    [InlineData("until pg_isready -d postgres:5432; do sleep 1; done", "host-port", "postgres:5432")]
    [InlineData("curl http://localhost:5432/", "host-port", "localhost:5432")]
    [InlineData("wait-for 127.0.0.1:5432", "host-port", "127.0.0.1:5432")]
    [InlineData("DSN='host=db port=5432 dbname=app'", "host-setting", "db")]
    [InlineData("export PGHOST=postgres", "host-setting", "postgres")]
    [InlineData("export PGPORT=5432", "port-setting", "5432")]
    [InlineData("DATABASE_URL: postgresql://postgres:" + TempFiles.Canary + "@localhost/raptor_test", "postgres-url", "localhost")]
    [InlineData("url = \"postgres://app@db.internal:6543/app\"", "postgres-url", "db.internal:6543")]
    public void Flags_literal_hosts_and_ports(string line, string rule, string literal)
    {
        var finding = Assert.Single(HostLint.ScanText("run.sh", "#!/bin/sh\n" + line + "\n"));
        Assert.Equal(("run.sh", 2, rule, literal), (finding.File, finding.Line, finding.Rule, finding.Literal));
        Assert.DoesNotContain(TempFiles.Canary, finding.Render(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("psql \"$DATABASE_URL\" -c 'select 1'")]
    [InlineData("url = f\"postgres://{user}:{pw}@{host}:{port}/{db}\"")]
    [InlineData("postgres://${DB_USER}@${DB_HOST}:${DB_PORT}/app")]
    [InlineData("python -m http.server --bind 0.0.0.0 8000 host=0.0.0.0")]
    [InlineData("host, port = urlparse(os.environ['DATABASE_URL']).hostname, 5433")]
    [InlineData("psql postgres:///app")]
    [InlineData("pg_isready -d postgres:5432 # velvet-lint: allow-hardcoded-host (CI service container)")]
    public void Passes_templates_sockets_and_allowed_lines(string line) =>
        Assert.Empty(HostLint.ScanText("run.sh", line));

    [Fact]
    public void Scans_a_directory_exempting_example_env_files_and_docs()
    {
        _files.Write("scripts/ci/run_smoke.sh", "#!/bin/sh\nset -e\nexport DATABASE_URL=postgres://smoke:" + TempFiles.Canary + "@postgres:5432/smoke\n");
        _files.Write("scripts/provision.py", "import os\nurl = os.environ['DATABASE_URL']\n");
        _files.Write("scripts/.env.example", "DATABASE_URL=postgres://app:app@localhost:5432/app\n");
        _files.Write("scripts/compose.example.yml", "DATABASE_URL: postgres://app@postgres:5432/app\n");
        _files.Write("scripts/docs/setup.txt", "connect to localhost:5432\n");
        _files.Write("scripts/README.md", "localhost:5432\n");
        _files.Write("scripts/node_modules/pg/index.js", "port: 5432\n");
        _files.Write("scripts/bin.dat", "\0\0postgres:5432");

        var report = HostLint.Scan(_files.Path_("scripts"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal((_files.Path_("scripts/ci/run_smoke.sh"), 3, "postgres-url", "postgres:5432"), (finding.File, finding.Line, finding.Rule, finding.Literal));
        Assert.Equal(2, report.FilesScanned); // run_smoke.sh and provision.py; bin.dat is binary
        Assert.Equal(4, report.Exempt.Count);
        Assert.False(report.Passed);
        var text = string.Join("\n", report.Render());
        Assert.Contains("run_smoke.sh:3: postgres URL with the literal host postgres:5432 (postgres-url); fix: read host and port from the DSN at runtime", text, StringComparison.Ordinal);
        Assert.DoesNotContain(TempFiles.Canary, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_is_a_clear_error() =>
        Assert.Contains("no such directory", Assert.Throws<DirectoryNotFoundException>(() => HostLint.Scan(_files.Path_("nope"))).Message, StringComparison.Ordinal);
}
