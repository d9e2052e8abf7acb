using Velvet.Database.Grants;
using Velvet.Database.Migrations;
using Velvet.Database.Tests.Grants;

namespace Velvet.Database.Tests.GrantsLint;

public sealed class MigrationLintTests
{
    private const string NoDefaults = "app_role: raptor_app\ndefault_privileges: false\nappend_only: [customer_audit_events, \"*_history\"]\n";
    private const string WithDefaults = "app_role: raptor_app\nowner: raptor_owner\nappend_only: [customer_audit_events, \"*_history\"]\n";

    /// <summary>A temp folder of migrations plus a policy; returns (dir, policy path).</summary>
    private static (string Dir, string Policy) Fixture(string policy, params (string Name, string Sql)[] files)
    {
        var root = Directory.CreateTempSubdirectory("velvet-lint-").FullName;
        var dir = Directory.CreateDirectory(Path.Combine(root, "migrations")).FullName;
        foreach (var (name, sql) in files)
        {
            File.WriteAllText(Path.Combine(dir, name), sql);
        }
        var policyPath = Path.Combine(root, "grants.yaml");
        File.WriteAllText(policyPath, policy);
        return (dir, policyPath);
    }

    private static List<string> Lint(string policy, params (string Name, string Sql)[] files)
    {
        var loaded = GrantsPolicyLoader.LoadFromText(policy, "grants.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return MigrationLinter.Lint(files, loaded.Policy!).Findings.Select(f => f.ToString()).ToList();
    }

    [Fact]
    public void A_table_created_without_a_grant_is_flagged_at_the_line_of_its_create_table()
    {
        var findings = Lint(NoDefaults, ("0001_orders.sql", """
            -- orders
            /* CREATE TABLE in a comment is not a table */
            CREATE TABLE orders (
                id bigserial PRIMARY KEY,
                note text DEFAULT 'CREATE TABLE nope (x int); GRANT ALL ON nope TO raptor_app'
            );

            create table if not exists public.invoices (id int);
            GRANT SELECT, INSERT, UPDATE, DELETE ON public.invoices TO raptor_app;
            """));
        Assert.Equal(["0001_orders.sql:3: CREATE TABLE public.orders without a grant to raptor_app: add GRANT SELECT, INSERT, UPDATE, DELETE ON public.orders TO raptor_app; " +
            "(or declare default privileges in the policy: owner: and default_privileges: true)"], findings);
    }

    [Fact]
    public void Function_bodies_strings_and_nested_comments_are_not_statements()
    {
        var findings = Lint(NoDefaults, ("0001.sql", """
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$
            BEGIN
              CREATE TABLE inside_function (x int);
              EXECUTE 'CREATE TABLE dynamic (x int)';
            END $body$;
            /* outer /* nested CREATE TABLE c (x int); */ still comment CREATE TABLE d (x int); */
            SELECT E'it\'s CREATE TABLE e (x int);', $$CREATE TABLE f (x int)$$;
            CREATE TEMP TABLE scratch (x int);
            """));
        Assert.Empty(findings);
    }

    [Fact]
    public void Quoted_identifiers_and_schemas_must_match_exactly()
    {
        var findings = Lint("app_role: raptor_app\ndefault_privileges: false\nschemas: [public, audit]\n",
            ("0001.sql", """
                CREATE TABLE "Order Items" (id int);
                GRANT SELECT ON "Order Items" TO raptor_app;
                CREATE TABLE "Ledger" (id int);
                GRANT SELECT ON ledger TO raptor_app;
                CREATE TABLE audit.entries (id int);
                GRANT SELECT ON TABLE Audit.Entries TO "raptor_app";
                CREATE TABLE audit.other (id int);
                GRANT SELECT ON public.other TO raptor_app;
                CREATE TABLE elsewhere.untracked (id int);
                """));
        Assert.Equal(2, findings.Count);
        Assert.StartsWith("0001.sql:3: CREATE TABLE public.Ledger without a grant", findings[0], StringComparison.Ordinal);
        Assert.Contains("ON public.\"Ledger\" TO raptor_app", findings[0], StringComparison.Ordinal);
        Assert.StartsWith("0001.sql:7: CREATE TABLE audit.other without a grant", findings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_grant_list_covers_each_table_it_names_for_each_role_it_names()
    {
        var findings = Lint(NoDefaults, ("0001.sql", """
            CREATE TABLE a (id int); CREATE TABLE b (id int); CREATE TABLE c (id int);
            GRANT SELECT, INSERT ON TABLE a, public.b TO reporting, raptor_app WITH GRANT OPTION;
            GRANT SELECT (id) ON c TO reporting;
            """));
        Assert.StartsWith("0001.sql:1: CREATE TABLE public.c without a grant", Assert.Single(findings), StringComparison.Ordinal);
    }

    [Fact]
    public void On_all_tables_in_schema_covers_the_tables_created_before_it_in_run_order_only()
    {
        var findings = Lint(NoDefaults,
            ("0001_first.sql", "CREATE TABLE first (id int);\n"),
            ("0002_grant.sql", "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO raptor_app;\n"),
            ("0003_later.sql", "\n\nCREATE TABLE later (id int);\n"));
        Assert.StartsWith("0003_later.sql:3: CREATE TABLE public.later without a grant", Assert.Single(findings), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_privileges_cover_new_tables_but_an_append_only_table_then_needs_a_revoke()
    {
        var findings = Lint(WithDefaults,
            ("0001.sql", "CREATE TABLE orders (id int);\nCREATE TABLE customer_audit_events (id int);\nCREATE TABLE orders_history (id int);\n"),
            ("0002.sql", "REVOKE UPDATE, DELETE ON orders_history FROM raptor_app;\n"));
        Assert.Equal("0001.sql:2: CREATE TABLE public.customer_audit_events is append-only, but default privileges give raptor_app UPDATE and DELETE on it: " +
            "add REVOKE UPDATE, DELETE, TRUNCATE ON public.customer_audit_events FROM raptor_app; (or run velvet grants apply after migrating)", Assert.Single(findings));
    }

    [Fact]
    public void Alter_default_privileges_in_a_migration_covers_the_tables_created_after_it()
    {
        var findings = Lint(NoDefaults, ("0001.sql", """
            CREATE TABLE before_defaults (id int);
            ALTER DEFAULT PRIVILEGES FOR ROLE raptor_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO raptor_app;
            CREATE TABLE after_defaults (id int);
            """));
        Assert.StartsWith("0001.sql:1: CREATE TABLE public.before_defaults", Assert.Single(findings), StringComparison.Ordinal);
    }

    [Fact]
    public void Migration_journals_dropped_tables_renames_and_search_path_are_followed()
    {
        var findings = Lint(NoDefaults, ("0001.sql", """
            CREATE TABLE alembic_version (version_num varchar(32));
            CREATE TABLE scratch (id int);
            DROP TABLE IF EXISTS scratch, nothing_else;
            CREATE TABLE old_name (id int);
            ALTER TABLE old_name RENAME TO new_name;
            GRANT SELECT ON new_name TO raptor_app;
            SET search_path TO audit, public;
            CREATE TABLE unqualified (id int);
            CREATE TABLE audit_log_history (id int);
            GRANT SELECT, INSERT ON audit_log_history TO raptor_app;
            """));
        Assert.Empty(findings); // unqualified went to schema audit, outside the policy; the history table is granted.
    }

    [Fact]
    public void An_append_only_table_without_default_privileges_needs_its_grant()
    {
        var findings = Lint(NoDefaults, ("0001.sql", "CREATE TABLE customer_audit_events (id int);\n"));
        Assert.Equal("0001.sql:1: CREATE TABLE public.customer_audit_events (append-only) without a grant to raptor_app: add GRANT SELECT, INSERT ON public.customer_audit_events TO raptor_app;",
            Assert.Single(findings));
    }

    [Fact]
    public void An_unterminated_comment_is_a_finding()
    {
        var findings = Lint(NoDefaults, ("0001.sql", "GRANT SELECT ON x TO raptor_app;\n/* never closed\nCREATE TABLE hidden (id int);\n"));
        Assert.Equal("0001.sql:2: a /* comment is not closed before the end of the file (the statements after it are not checked)", Assert.Single(findings));
    }

    [Fact]
    public async Task Cli_exits_3_with_findings_0_when_clean_and_reads_files_in_name_order()
    {
        var (dir, policy) = Fixture(NoDefaults,
            ("0002_grant.sql", "GRANT SELECT ON orders TO raptor_app;\n"),
            ("0001_create.sql", "CREATE TABLE orders (id int);\nCREATE TABLE payments (id int);\n"),
            ("README.md", "CREATE TABLE not_sql (id int);"));
        var velvet = new VelvetRun();
        var run = await velvet.RunAsync("migrations", "lint", dir, "--policy", policy);
        Assert.Equal(3, run.Exit);
        Assert.Contains($"{Path.Combine(dir, "0001_create.sql")}:2: CREATE TABLE public.payments without a grant to raptor_app", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("orders", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 finding(s) in 2 file(s)", run.Out, StringComparison.Ordinal);

        File.AppendAllText(Path.Combine(dir, "0002_grant.sql"), "GRANT ALL ON payments TO raptor_app;\n");
        var clean = await velvet.RunAsync("migrations", "lint", dir, "--policy", policy);
        Assert.Equal(0, clean.Exit);
        Assert.Contains("2 file(s), 2 CREATE TABLE(s)", clean.Out, StringComparison.Ordinal);

        var missing = await velvet.RunAsync("migrations", "lint", Path.Combine(dir, "nope"), "--policy", policy);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("not found", missing.Err, StringComparison.Ordinal);

        File.WriteAllText(policy, "owner: o\n");
        var badPolicy = await velvet.RunAsync("migrations", "lint", dir, "--policy", policy);
        Assert.Equal(6, badPolicy.Exit);
        Assert.Contains("missing required key app_role", badPolicy.Err, StringComparison.Ordinal);
    }
}
