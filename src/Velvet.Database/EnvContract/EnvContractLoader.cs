using Velvet.Dsn;
using YamlDotNet.RepresentationModel;

namespace Velvet.Database.EnvContract;

/// <summary>
/// Loads an env contract (YAML). Every problem is an <see cref="EnvFileException"/> naming file:line.
/// <code>
/// runtime: [app, scheduler-worker, migrate]
/// provisioning: [db-provision]
/// forbidden: [DATABASE_ROOT_URL, "APP_DB_*", "POSTGRES_ROOT_*"]   # default
/// dsn: { variables: [DATABASE_URL, DATABASE_SERVICE_URL], denied_users: [postgres, root, admin, superuser] }
/// unlisted: runtime                                             # or ignore
/// sources:
///   - compose: docker-compose.yml
///   - dotenv: deploy/worker.env
///     container: scheduler-worker
///   - heroku: heroku-prod.json
///     app: raxx-api-prod
///     optional: true
/// </code>
/// </summary>
public static class EnvContractLoader
{
    private static readonly string[] TopKeys = ["version", "runtime", "provisioning", "unlisted", "forbidden", "dsn", "sources"];
    private static readonly string[] SourceKeys = ["compose", "dotenv", "heroku", "container", "app", "optional"];

    /// <summary>Loads and validates a contract.</summary>
    /// <param name="path">The contract file.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="EnvFileException">Missing file or a malformed contract (file:line).</exception>
    public static EnvContract Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new EnvFileException($"{path}: contract file not found (pass its path, or create velvet-env.yaml; see docs/db/dsn.md)");
        }

        if (YamlFile.Load(path, path) is not YamlMappingNode root)
        {
            throw new EnvFileException(new SourceLocation(path, 1), "expected a mapping with runtime:, provisioning: and sources:");
        }

        var entries = root.Merged(path);
        foreach (var (key, _) in entries.Where(e => !TopKeys.Contains(e.Key.Value)))
        {
            throw new EnvFileException(key.At(path), $"unknown key '{key.Value}': expected one of {string.Join(", ", TopKeys)}");
        }

        YamlNode? Get(string key) => entries.FirstOrDefault(e => e.Key.Value == key).Value;
        if (Get("version") is { } version && version is not YamlScalarNode { Value: "1" })
        {
            throw new EnvFileException(version.At(path), "version must be 1");
        }

        var runtime = Names(Get("runtime"), path, "runtime");
        var provisioning = Names(Get("provisioning"), path, "provisioning");
        foreach (var (name, at) in provisioning.Where(p => runtime.Any(r => r.Value == p.Value)))
        {
            throw new EnvFileException(at, $"'{name}' is listed as both runtime and provisioning: a container is one or the other");
        }

        var unlisted = Get("unlisted");
        if (unlisted is not null && unlisted is not YamlScalarNode { Value: "runtime" or "ignore" })
        {
            throw new EnvFileException(unlisted.At(path), "unlisted must be 'runtime' (check containers named in neither list as runtime) or 'ignore'");
        }

        var defaults = new EnvInvariantOptions();
        var invariants = new EnvInvariantOptions
        {
            ForbiddenVariables = Get("forbidden") is { } f ? [.. f.Strings(path, "forbidden").Select(s => s.Value)] : defaults.ForbiddenVariables,
            DsnVariables = Dsn(Get("dsn"), path, "variables") ?? defaults.DsnVariables,
            DeniedUsers = Dsn(Get("dsn"), path, "denied_users") ?? defaults.DeniedUsers,
        };
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return new EnvContract
        {
            File = path,
            BaseDirectory = baseDir,
            Runtime = [.. runtime.Select(r => r.Value)],
            Provisioning = [.. provisioning.Select(p => p.Value)],
            UnlistedAsRuntime = unlisted is not YamlScalarNode { Value: "ignore" },
            Invariants = invariants,
            Sources = Sources(Get("sources"), path, baseDir, root),
        };
    }

    private static IReadOnlyList<(string Value, SourceLocation At)> Names(YamlNode? node, string path, string what) =>
        node is null || node.IsNull() ? [] : node.Strings(path, what);

    private static IReadOnlyList<string>? Dsn(YamlNode? dsn, string path, string key)
    {
        if (dsn is null)
        {
            return null;
        }

        if (dsn is not YamlMappingNode map)
        {
            throw new EnvFileException(dsn.At(path), "dsn must be a mapping with variables: and/or denied_users:");
        }

        var entries = map.Merged(path);
        foreach (var (unknown, _) in entries.Where(e => e.Key.Value is not ("variables" or "denied_users")))
        {
            throw new EnvFileException(unknown.At(path), $"unknown key 'dsn.{unknown.Value}': expected variables or denied_users");
        }

        var node = entries.FirstOrDefault(e => e.Key.Value == key).Value;
        return node is null ? null : node.IsNull() ? [] : [.. node.Strings(path, "dsn." + key).Select(s => s.Value)];
    }

    private static IReadOnlyList<EnvSourceSpec> Sources(YamlNode? node, string path, string baseDir, YamlNode root)
    {
        if (node is not YamlSequenceNode { Children.Count: > 0 } list)
        {
            throw new EnvFileException(node?.At(path) ?? root.At(path),
                "sources must list at least one file: - compose: FILE, - dotenv: FILE with container: NAME, or - heroku: FILE with app: NAME");
        }

        return [.. list.Children.Select(item => Source(item, path, baseDir))];
    }

    private static EnvSourceSpec Source(YamlNode item, string path, string baseDir)
    {
        if (item is not YamlMappingNode map)
        {
            throw new EnvFileException(item.At(path), "each source must be a mapping, e.g. - compose: docker-compose.yml");
        }

        var entries = map.Merged(path);
        foreach (var (unknown, _) in entries.Where(e => !SourceKeys.Contains(e.Key.Value)))
        {
            throw new EnvFileException(unknown.At(path), $"unknown source key '{unknown.Value}': expected one of {string.Join(", ", SourceKeys)}");
        }

        string? Scalar(string key) => entries.FirstOrDefault(e => e.Key.Value == key).Value switch
        {
            null => null,
            YamlScalarNode { Value: { Length: > 0 } v } => v,
            var other => throw new EnvFileException(other.At(path), $"'{key}' must be a non-empty string"),
        };

        var kinds = new[] { ("compose", EnvSourceKind.Compose), ("dotenv", EnvSourceKind.Dotenv), ("heroku", EnvSourceKind.Heroku) }
            .Where(k => Scalar(k.Item1) is not null).ToList();
        if (kinds.Count != 1)
        {
            throw new EnvFileException(item.At(path), "a source names exactly one file: compose:, dotenv: or heroku:");
        }

        var (key, kind) = kinds[0];
        var container = Scalar("container") ?? Scalar("app");
        if (kind == EnvSourceKind.Compose && container is not null)
        {
            throw new EnvFileException(item.At(path), "a compose source takes its container names from services: drop container:/app:");
        }

        if (kind != EnvSourceKind.Compose && container is null)
        {
            throw new EnvFileException(item.At(path), kind == EnvSourceKind.Heroku
                ? "a heroku source needs app: NAME (the Heroku app the dump came from)"
                : "a dotenv source needs container: NAME (the container that loads it)");
        }

        var optional = Scalar("optional") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw new EnvFileException(item.At(path), "optional must be true or false"),
        };
        var full = Path.GetFullPath(Path.Combine(baseDir, Scalar(key)!));
        return new EnvSourceSpec(kind, full, EnvContract.DisplayPath(path, baseDir, full), container, optional, item.At(path));
    }
}
