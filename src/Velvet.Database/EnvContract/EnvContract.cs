using Velvet.Dsn;

namespace Velvet.Database.EnvContract;

/// <summary>What a container is in the contract.</summary>
public enum ContainerRole
{
    /// <summary>Serves traffic, runs jobs or migrations: must never hold provisioning credentials.</summary>
    Runtime = 1,

    /// <summary>Creates roles and grants (db-provision): may hold provisioning credentials.</summary>
    Provisioning = 2,

    /// <summary>Found in a source but named in neither list.</summary>
    Unlisted = 3,
}

/// <summary>The kind of file an env source is.</summary>
public enum EnvSourceKind
{
    /// <summary>A docker compose file: every service is a container.</summary>
    Compose = 1,

    /// <summary>A dotenv file mapped to one container.</summary>
    Dotenv = 2,

    /// <summary>A <c>heroku config --json</c> dump mapped to one app.</summary>
    Heroku = 3,
}

/// <summary>One file the contract reads.</summary>
/// <param name="Kind">Compose, dotenv or heroku.</param>
/// <param name="Path">Full path.</param>
/// <param name="Display">The path as messages show it (relative to the contract).</param>
/// <param name="Container">The container/app it belongs to (dotenv, heroku); null for compose.</param>
/// <param name="Optional">A missing file is skipped with a note instead of failing.</param>
/// <param name="DeclaredAt">Where the contract names it.</param>
public sealed record EnvSourceSpec(EnvSourceKind Kind, string Path, string Display, string? Container, bool Optional, SourceLocation DeclaredAt);

/// <summary>
/// The runtime/provisioning boundary for CI: which containers are runtime and which provisioning, which variables
/// runtime containers must not hold, and where their environments are written. Loaded by <see cref="EnvContractLoader"/>.
/// </summary>
public sealed class EnvContract
{
    /// <summary>The contract file as given.</summary>
    public required string File { get; init; }

    /// <summary>Folder the source paths are relative to (the contract's folder).</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>Runtime containers/apps.</summary>
    public IReadOnlyList<string> Runtime { get; init; } = [];

    /// <summary>Provisioning containers/apps.</summary>
    public IReadOnlyList<string> Provisioning { get; init; } = [];

    /// <summary>Check containers named in neither list as runtime (default), or ignore them.</summary>
    public bool UnlistedAsRuntime { get; init; } = true;

    /// <summary>What runtime environments must satisfy (forbidden names, DSN variables, denied users).</summary>
    public EnvInvariantOptions Invariants { get; init; } = new();

    /// <summary>The files to read, in order.</summary>
    public IReadOnlyList<EnvSourceSpec> Sources { get; init; } = [];

    /// <summary>
    /// How messages name a file: relative to the contract's folder as the contract path was given (so
    /// <c>deploy/velvet-env.yaml</c> shows <c>deploy/docker-compose.yml</c>), or the full path when outside it.
    /// </summary>
    /// <param name="fullPath">The file's full path.</param>
    /// <returns>The display path, with '/' separators.</returns>
    public string Display(string fullPath) => DisplayPath(File, BaseDirectory, fullPath);

    internal static string DisplayPath(string contractFile, string baseDirectory, string fullPath)
    {
        var relative = System.IO.Path.GetRelativePath(baseDirectory, fullPath);
        if (relative.StartsWith("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative))
        {
            return fullPath;
        }

        var shownDir = System.IO.Path.GetDirectoryName(contractFile);
        return (string.IsNullOrEmpty(shownDir) ? relative : System.IO.Path.Combine(shownDir, relative)).Replace('\\', '/');
    }

    /// <summary>The role of a container.</summary>
    /// <param name="container">Its name.</param>
    /// <returns>Runtime, provisioning or unlisted.</returns>
    public ContainerRole RoleOf(string container) =>
        Runtime.Contains(container, StringComparer.Ordinal) ? ContainerRole.Runtime
        : Provisioning.Contains(container, StringComparer.Ordinal) ? ContainerRole.Provisioning
        : ContainerRole.Unlisted;
}
