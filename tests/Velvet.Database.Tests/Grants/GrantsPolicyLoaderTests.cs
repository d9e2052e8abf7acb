using Velvet.Database.Grants;

namespace Velvet.Database.Tests.Grants;

public sealed class GrantsPolicyLoaderTests
{
    private static IReadOnlyList<string> Errors(string yaml) =>
        GrantsPolicyLoader.LoadFromText(yaml, "grants.yaml").Errors.Select(e => e.ToString()).ToList();

    private static GrantsPolicy Load(string yaml)
    {
        var result = GrantsPolicyLoader.LoadFromText(yaml, "grants.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    [Fact]
    public void Defaults_fill_in_schema_tables_migration_journals_and_privileges()
    {
        var p = Load("app_role: app\nowner: raptor_owner\n");
        Assert.Equal("app", p.AppRole);
        Assert.Equal("raptor_owner", p.Owner);
        Assert.Equal(["public"], p.Schemas);
        Assert.Equal(["SELECT", "INSERT", "UPDATE", "DELETE"], p.TablePrivileges);
        Assert.Equal(["USAGE"], p.SequencePrivileges);
        Assert.True(p.DefaultPrivileges);
        Assert.Equal(TableClass.Dml, p.Classify("public", "orders"));
        Assert.Equal(TableClass.Migration, p.Classify("public", "alembic_version"));
        Assert.Equal(TableClass.Migration, p.Classify("public", "schema_migrations"));
        Assert.Equal("grants.yaml:1:11", p.At("app_role"));
    }

    [Fact]
    public void Migration_beats_append_only_beats_dml_and_unlisted_tables_get_nothing()
    {
        var p = Load("""
            app_role: app
            owner: o
            schemas: [public, audit]
            tables: [orders, "inv*", audit.ledger]
            append_only: [customer_audit_events, "*_history"]
            migration_tables: [alembic_version, flyway_schema_history]
            """);
        Assert.Equal(TableClass.AppendOnly, p.Classify("public", "orders_history"));
        Assert.Equal(TableClass.Migration, p.Classify("public", "flyway_schema_history"));
        Assert.Equal(TableClass.AppendOnly, p.Classify("audit", "customer_audit_events"));
        Assert.Equal(TableClass.Dml, p.Classify("public", "invoices"));
        Assert.Equal(TableClass.Dml, p.Classify("audit", "ledger"));
        Assert.Equal(TableClass.Unmanaged, p.Classify("public", "ledger"));
        Assert.Equal(TableClass.Unmanaged, p.Classify("public", "users"));
        Assert.Equal([], p.WantedOn(TableClass.Unmanaged));
        Assert.Equal(["SELECT", "INSERT"], p.WantedOn(TableClass.AppendOnly));
    }

    [Fact]
    public void Unknown_key_is_reported_at_file_line_column_with_a_suggestion()
    {
        var errors = Errors("app_role: app\nowner: o\nappend_onyl: [x]\n");
        Assert.Equal(["grants.yaml:3:1: grants policy: unknown key \"append_onyl\" — fix: did you mean append_only?"], errors);
    }

    [Fact]
    public void Bad_glob_is_reported_where_it_is_written()
    {
        var errors = Errors("app_role: app\nowner: o\nappend_only:\n  - customer_audit_events\n  - \"[a-z]_history\"\n");
        var error = Assert.Single(errors);
        Assert.StartsWith("grants.yaml:5:5: grants policy: append_only: bad glob \"[a-z]_history\": '[' is not supported", error, StringComparison.Ordinal);
        Assert.Contains(Errors("app_role: app\nowner: o\ntables: [a.b.c]\n"), e => e.StartsWith("grants.yaml:3:10: grants policy: tables: bad glob \"a.b.c\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_app_role_is_an_error_with_the_fix()
    {
        var error = Assert.Single(Errors("owner: o\nschemas: [public]\n"));
        Assert.Equal("grants.yaml:1:1: grants policy: missing required key app_role — fix: name the role that receives the grants, e.g. app_role: app " +
            "(a login role, or a NOLOGIN group role whose members log in)", error);
    }

    [Fact]
    public void Default_privileges_need_an_owner_unless_switched_off()
    {
        Assert.Contains(Errors("app_role: app\n"), e => e.Contains("missing required key owner", StringComparison.Ordinal));
        var p = Load("app_role: app\ndefault_privileges: false\n");
        Assert.False(p.DefaultPrivileges);
        Assert.Null(p.Owner);
    }

    [Fact]
    public void Every_error_is_reported_at_once_in_file_order()
    {
        var errors = Errors("""
            version: 2
            app_role: app
            owner: app
            table_privileges: [SELECT, TRUNCATE]
            sequence_privileges: [usage, ALL]
            schemas: [public, public]
            default_privileges: yes
            """);
        Assert.Collection(errors,
            e => Assert.StartsWith("grants.yaml:1:10: grants policy: version must be 1", e, StringComparison.Ordinal),
            e => Assert.StartsWith("grants.yaml:2:11: grants policy: app_role and owner are the same role", e, StringComparison.Ordinal),
            e => Assert.StartsWith("grants.yaml:4:28: grants policy: table_privileges: unknown privilege \"TRUNCATE\"", e, StringComparison.Ordinal),
            e => Assert.StartsWith("grants.yaml:5:30: grants policy: sequence_privileges: unknown privilege \"ALL\"", e, StringComparison.Ordinal),
            e => Assert.StartsWith("grants.yaml:6:19: grants policy: schema \"public\" is listed twice", e, StringComparison.Ordinal),
            e => Assert.StartsWith("grants.yaml:7:21: grants policy: default_privileges must be true or false", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Yaml_syntax_errors_and_empty_files_are_reported()
    {
        Assert.Equal(["grants.yaml:1:1: the grants policy is empty — fix: write at least app_role: <role> (see docs/db/grants.md)"], Errors(""));
        Assert.Contains(Errors("app_role: [app\nowner: o\n"), e => e.Contains("YAML syntax error", StringComparison.Ordinal));
        Assert.Contains(Errors("- app\n"), e => e.Contains("must be a mapping", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var result = GrantsPolicyLoader.Load("/nonexistent/grants.yaml");
        Assert.Equal("/nonexistent/grants.yaml:1:1: cannot read the grants policy: the file does not exist — fix: check the --policy path", Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("*_history", "public", "orders_history", true)]
    [InlineData("*_history", "public", "history", false)]
    [InlineData("audit_?", "public", "audit_1", true)]
    [InlineData("audit_?", "public", "audit_12", false)]
    [InlineData("audit.*", "audit", "anything", true)]
    [InlineData("audit.*", "public", "anything", false)]
    [InlineData("Orders", "public", "orders", false)]
    [InlineData("a.b", "a", "b", true)]
    public void Name_patterns_match_names_exactly_with_star_and_question_mark(string pattern, string schema, string name, bool matches) =>
        Assert.Equal(matches, NamePattern.Parse(pattern).Matches(schema, name));

    [Theory]
    [InlineData("orders", "orders")]
    [InlineData("Orders", "\"Orders\"")]
    [InlineData("user", "\"user\"")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("we\"ird", "\"we\"\"ird\"")]
    [InlineData("t_1$", "\"t_1$\"")]
    [InlineData("1abc", "\"1abc\"")]
    public void Identifiers_are_quoted_when_a_bare_word_would_mean_something_else(string name, string sql) =>
        Assert.Equal(sql, SqlIdent.Quote(name));
}
