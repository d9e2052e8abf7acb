namespace Velvet.Database.ScriptLint;

/// <summary>One line of a script that names a literal database host or port (dsn-alignment-spec invariant 4). Never holds a password.</summary>
/// <param name="File">The file, as found under the scanned directory.</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Rule">Which rule matched: <c>postgres-url</c>, <c>host-port</c>, <c>host-setting</c> or <c>port-setting</c>.</param>
/// <param name="Literal">What was written literally (a host, host:port, or port), never a password.</param>
public sealed record HostLintFinding(string File, int Line, string Rule, string Literal)
{
    /// <summary>What the rule means, for people.</summary>
    /// <returns>The explanation.</returns>
    public string Describe() => Rule switch
    {
        "postgres-url" => $"postgres URL with the literal host {Literal}",
        "host-port" => $"literal database host:port {Literal}",
        "host-setting" => $"literal database host {Literal}",
        _ => $"literal database port {Literal}",
    };

    /// <summary>"✗ scripts/ci/run.sh:12: literal database host:port localhost:5432 (host-port); fix: …".</summary>
    /// <returns>The line.</returns>
    public string Render() =>
        $"✗ {File}:{Line}: {Describe()} ({Rule}); fix: read host and port from the DSN at runtime (e.g. DATABASE_URL), or end the line with '{HostLint.AllowComment}' if it must stay";
}

/// <summary>The outcome of <see cref="HostLint.Scan"/>.</summary>
/// <param name="Directory">The scanned directory, as given.</param>
/// <param name="FilesScanned">Text files read.</param>
/// <param name="Findings">Every flagged line, by file then line.</param>
/// <param name="Exempt">Files skipped as example env files or docs.</param>
public sealed record HostLintReport(string Directory, int FilesScanned, IReadOnlyList<HostLintFinding> Findings, IReadOnlyList<string> Exempt)
{
    /// <summary>True when no line was flagged.</summary>
    public bool Passed => Findings.Count == 0;

    /// <summary>The lines to print.</summary>
    /// <returns>The lines.</returns>
    public IEnumerable<string> Render()
    {
        foreach (var f in Findings)
        {
            yield return f.Render();
        }

        var files = Findings.Select(f => f.File).Distinct(StringComparer.Ordinal).Count();
        yield return Passed
            ? $"scripts check: ok, {FilesScanned} file(s) in {Directory} scanned, no hard-coded database hosts ({Exempt.Count} example/doc file(s) exempt)"
            : $"scripts check: {Findings.Count} hard-coded database host(s)/port(s) in {files} file(s) ({FilesScanned} scanned)";
    }
}
