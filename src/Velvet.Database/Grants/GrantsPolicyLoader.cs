using System.Text;
using Velvet.Core.Manifest;

namespace Velvet.Database.Grants;

/// <summary>A policy, or every error found in the file (file:line:column and the fix), never both.</summary>
public sealed record GrantsPolicyLoadResult(GrantsPolicy? Policy, IReadOnlyList<ManifestError> Errors)
{
    /// <summary>True when the file loaded without errors.</summary>
    public bool IsValid => Policy is not null && Errors.Count == 0;
}

/// <summary>
/// Reads a grants policy (docs/db/grants.md). Like the manifest loader it reports every problem at once, with
/// file:line:column, rejects unknown keys, and never throws on bad input.
/// </summary>
public static class GrantsPolicyLoader
{
    private static readonly string[] Keys =
    [
        "version", "database", "app_role", "owner", "schemas", "tables", "append_only", "migration_tables",
        "table_privileges", "sequence_privileges", "default_privileges",
    ];

    private static readonly YamlRootText RootText = new("grants policy",
        "write at least app_role: <role> (see docs/db/grants.md)",
        "the grants policy must be a mapping of keys such as app_role, owner, schemas",
        "start the file with app_role: <role>");

    /// <summary>Reads and validates a policy file.</summary>
    public static GrantsPolicyLoadResult Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failed(path, "cannot read the grants policy: the file does not exist", "check the --policy path");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(path, $"cannot read the grants policy: {ex.Message}", "check that the file is readable by this user");
        }
        return LoadFromText(text, path);
    }

    /// <param name="text">The YAML.</param>
    /// <param name="fileName">Shown in every error as given.</param>
    public static GrantsPolicyLoadResult LoadFromText(string text, string fileName)
    {
        var errors = new ManifestErrorSink(fileName);
        if (YamlRoot.Read(text, errors, RootText) is not { } node)
        {
            return new GrantsPolicyLoadResult(null, errors.Sorted());
        }
        var root = YamlMap.Open(node, "grants policy", Keys, errors);
        var positions = new Dictionary<string, string>(StringComparer.Ordinal);
        string At(Located value) => $"{fileName}:{value.Start.Line}:{value.Start.Column}";

        root.Int("version", v => v == 1, "must be 1", "write version: 1 (the only grants policy version) or leave it out");
        var database = root.Text("database");
        var app = root.RequiredText("app_role", "name the role that receives the grants, e.g. app_role: app (a login role, or a NOLOGIN group role whose members log in)");
        var owner = root.Text("owner");
        foreach (var (key, value) in new[] { ("database", database), ("app_role", app), ("owner", owner) })
        {
            if (value is { } v)
            {
                positions[key] = At(v);
                CheckName(key, v, errors);
            }
        }
        if (app is { } a && (a.Value.Equals("public", StringComparison.OrdinalIgnoreCase) || owner?.Value == a.Value))
        {
            errors.At(a.Start, a.Value.Equals("public", StringComparison.OrdinalIgnoreCase)
                    ? "grants policy: app_role cannot be PUBLIC (every role)"
                    : "grants policy: app_role and owner are the same role",
                "the app role must be its own restricted role, distinct from the owner that runs migrations");
        }

        var schemas = Names(root, "schemas", errors);
        var tables = Patterns(root, "tables", errors);
        var appendOnly = Patterns(root, "append_only", errors);
        var migration = Patterns(root, "migration_tables", errors);
        var tablePrivileges = PrivilegeList(root, "table_privileges", Privileges.TableDml, errors);
        var sequencePrivileges = PrivilegeList(root, "sequence_privileges", Privileges.Sequence, errors);
        var defaults = root.Bool("default_privileges");
        if (defaults != false && owner is null)
        {
            const string fix = "add owner: <the role that runs migrations and owns the tables>, or write default_privileges: false";
            if (root.Has("owner"))
            {
                errors.At(root.KeyStart("owner"), "grants policy: owner is empty", fix);
            }
            else
            {
                errors.At(node, "grants policy: missing required key owner (default privileges are set FOR ROLE the owner)", fix);
            }
        }
        if (errors.Count > 0 || app is null)
        {
            return new GrantsPolicyLoadResult(null, errors.Sorted());
        }
        var policy = new GrantsPolicy
        {
            SourcePath = fileName,
            Database = database?.Value,
            AppRole = app.Value.Value,
            Owner = owner?.Value,
            DefaultPrivileges = defaults ?? true,
            Positions = positions,
        };
        policy = schemas is null ? policy : policy with { Schemas = schemas };
        policy = tables is null ? policy : policy with { Tables = tables };
        policy = appendOnly is null ? policy : policy with { AppendOnly = appendOnly };
        policy = migration is null ? policy : policy with { MigrationTables = migration };
        policy = tablePrivileges is null ? policy : policy with { TablePrivileges = tablePrivileges };
        policy = sequencePrivileges is null ? policy : policy with { SequencePrivileges = sequencePrivileges };
        return new GrantsPolicyLoadResult(policy, []);
    }

    private static GrantsPolicyLoadResult Failed(string file, string message, string fix) =>
        new(null, [new ManifestError(file, 1, 1, message, fix)]);

    private static void CheckName(string key, Located value, ManifestErrorSink errors)
    {
        if (value.Value.Trim().Length == 0 || value.Value.Any(char.IsControl))
        {
            errors.At(value.Start, $"grants policy: {key} \"{value.Value}\" is not a usable name", $"write the name as it is in PostgreSQL, e.g. {key}: app");
        }
        else if (Encoding.UTF8.GetByteCount(value.Value) > 63)
        {
            errors.At(value.Start, $"grants policy: {key} is longer than 63 bytes (PostgreSQL truncates such names)", "use the name exactly as stored in PostgreSQL");
        }
    }

    private static List<string>? Names(YamlMap root, string key, ManifestErrorSink errors)
    {
        if (root.List(key, "public") is not { } items)
        {
            return null;
        }
        if (items.Count == 0)
        {
            errors.At(root.KeyStart(key), $"grants policy: {key} is empty", $"list at least one schema, e.g. {key}: [public], or leave the key out for public");
        }
        var names = new List<string>();
        foreach (var item in items)
        {
            CheckName("schema", item, errors);
            if (names.Contains(item.Value, StringComparer.Ordinal))
            {
                errors.At(item.Start, $"grants policy: schema \"{item.Value}\" is listed twice", "keep one entry");
            }
            names.Add(item.Value);
        }
        return names;
    }

    private static List<NamePattern>? Patterns(YamlMap root, string key, ManifestErrorSink errors)
    {
        if (root.List(key, "customer_audit_events, \"*_history\"") is not { } items)
        {
            return null;
        }
        var patterns = new List<NamePattern>();
        foreach (var item in items)
        {
            if (NamePattern.TryParse(item.Value, out var pattern, out var error))
            {
                patterns.Add(pattern!);
            }
            else
            {
                errors.At(item.Start, $"grants policy: {key}: {error}", "write a table name, a glob such as \"*_history\" (quote a leading *), or schema.table");
            }
        }
        return patterns;
    }

    private static List<string>? PrivilegeList(YamlMap root, string key, IReadOnlyList<string> allowed, ManifestErrorSink errors)
    {
        if (root.List(key, string.Join(", ", allowed)) is not { } items)
        {
            return null;
        }
        var privileges = new List<string>();
        foreach (var item in items)
        {
            var name = item.Value.Trim().ToUpperInvariant();
            if (allowed.Contains(name, StringComparer.Ordinal))
            {
                privileges.Add(name);
            }
            else
            {
                errors.At(item.Start, $"grants policy: {key}: unknown privilege \"{item.Value}\"", $"use some of: {string.Join(", ", allowed)}");
            }
        }
        return Privileges.Sorted(privileges).ToList();
    }
}
