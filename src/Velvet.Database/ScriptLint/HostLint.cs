using System.Text;
using System.Text.RegularExpressions;

namespace Velvet.Database.ScriptLint;

/// <summary>
/// `velvet env check --scripts DIR`: finds literal database hosts and ports in scripts (dsn-alignment-spec invariant 4,
/// NO_HARDCODED_HOSTS_IN_CODE: "no literal postgres or 5432 in scripts except in example .env files"). Example env
/// files (<c>*.example</c>, <c>*.example.*</c>) and docs (<c>*.md</c>, anything under <c>docs/</c>) are exempt; one line
/// is kept by ending it with <see cref="AllowComment"/>. Reports host and port only: a URL's password never leaves here.
/// </summary>
public static partial class HostLint
{
    /// <summary>The comment that keeps one line.</summary>
    public const string AllowComment = "velvet-lint: allow-hardcoded-host";

    /// <summary>The default PostgreSQL port, flagged wherever it is written literally.</summary>
    public const string DefaultPort = "5432";

    private const long MaxFileBytes = 1024 * 1024;
    private static readonly string[] SkippedDirectories = [".git", "node_modules", "bin", "obj", ".venv", "venv", "__pycache__"];

    /// <summary>Scans every text file under <paramref name="directory"/>.</summary>
    /// <param name="directory">The directory to scan.</param>
    /// <returns>The report.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static HostLintReport Scan(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"--scripts {directory}: no such directory; name the folder of scripts to check (e.g. scripts/)");
        }

        var findings = new List<HostLintFinding>();
        var exempt = new List<string>();
        var scanned = 0;
        foreach (var path in Files(directory))
        {
            var shown = Path.Combine(directory, Path.GetRelativePath(directory, path));
            if (IsExempt(Path.GetRelativePath(directory, path)))
            {
                exempt.Add(shown);
                continue;
            }

            if (ReadText(path) is not { } text)
            {
                continue;
            }

            scanned++;
            findings.AddRange(ScanText(shown, text));
        }

        return new HostLintReport(directory, scanned, findings, exempt);
    }

    /// <summary>Flags the lines of one file's text.</summary>
    /// <param name="file">The name to report.</param>
    /// <param name="text">The file's text.</param>
    /// <returns>One finding per flagged line (the most specific rule).</returns>
    public static IEnumerable<HostLintFinding> ScanText(string file, string text)
    {
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Contains(AllowComment, StringComparison.Ordinal))
            {
                continue;
            }

            if (Check(line) is { } hit)
            {
                yield return new HostLintFinding(file, number, hit.Rule, hit.Literal);
            }
        }
    }

    /// <summary>The first rule a line breaks, most specific first; null when it is clean.</summary>
    private static (string Rule, string Literal)? Check(string line)
    {
        foreach (Match m in PostgresUrl().Matches(line))
        {
            if (LiteralUrlHost(m.Groups["rest"].Value) is { } host)
            {
                return ("postgres-url", host);
            }
        }

        foreach (Match m in HostPort().Matches(line))
        {
            if (!IsTemplated(m.Groups["host"].Value))
            {
                return ("host-port", $"{m.Groups["host"].Value}:{m.Groups["port"].Value}");
            }
        }

        if (PgHost().Match(line) is { Success: true } pgHost && !IsTemplated(pgHost.Groups["host"].Value))
        {
            return ("host-setting", pgHost.Groups["host"].Value);
        }

        // libpq key=value DSNs: host= only counts next to another connection key, so a web server's host=0.0.0.0 passes.
        if (KeyValueHost().Match(line) is { Success: true } kv && !IsTemplated(kv.Groups["host"].Value) && KeyValueDsn().IsMatch(line))
        {
            return ("host-setting", kv.Groups["host"].Value);
        }

        return PortSetting().Match(line) is { Success: true } port ? ("port-setting", port.Groups["port"].Value) : null;
    }

    /// <summary>The host of a postgres URL's authority when it is written literally; null for templates and sockets.</summary>
    private static string? LiteralUrlHost(string rest)
    {
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        var hostPort = at < 0 ? authority : authority[(at + 1)..];
        if (hostPort.Length == 0 || IsTemplated(hostPort) || IsTemplated(authority))
        {
            return null;
        }

        return hostPort;
    }

    private static bool IsTemplated(string text) =>
        text.Contains('$', StringComparison.Ordinal) || text.Contains('{', StringComparison.Ordinal)
        || text.Contains('%', StringComparison.Ordinal) || text.Contains('<', StringComparison.Ordinal);

    private static bool IsExempt(string relative)
    {
        var name = Path.GetFileName(relative);
        var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return name.EndsWith(".example", StringComparison.OrdinalIgnoreCase)
            || name.Contains(".example.", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
            || parts[..^1].Contains("docs", StringComparer.OrdinalIgnoreCase);
    }

    private static IEnumerable<string> Files(string directory)
    {
        var pending = new Stack<string>([directory]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in System.IO.Directory.GetDirectories(dir).OrderByDescending(d => d, StringComparer.Ordinal))
            {
                if (!SkippedDirectories.Contains(Path.GetFileName(sub), StringComparer.Ordinal))
                {
                    pending.Push(sub);
                }
            }

            foreach (var file in System.IO.Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                yield return file;
            }
        }
    }

    /// <summary>The file's text; null for binaries (a NUL byte early on) and files over 1 MiB.</summary>
    private static string? ReadText(string path)
    {
        if (new FileInfo(path).Length > MaxFileBytes)
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.AsSpan(0, Math.Min(bytes.Length, 8000)).Contains((byte)0) ? null : Encoding.UTF8.GetString(bytes);
    }

    [GeneratedRegex(@"\bpostgres(?:ql)?://(?<rest>[^\s'""`]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PostgresUrl();

    [GeneratedRegex(@"(?<![\w.$-])(?<host>[A-Za-z0-9_.\-]+|\[[0-9A-Fa-f:]+\]):(?<port>5432)\b")]
    private static partial Regex HostPort();

    [GeneratedRegex(@"\bPGHOST\s*=\s*['""]?(?<host>[^\s'""]+)")]
    private static partial Regex PgHost();

    [GeneratedRegex(@"(?<![\w-])host\s*=\s*['""]?(?<host>[^\s'"";]+)", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueHost();

    [GeneratedRegex(@"(?<![\w-])(?:port|dbname|user|sslmode)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueDsn();

    [GeneratedRegex(@"(?:(?<![\w-])port\s*[=:]\s*['""]?|\bPGPORT\s*=\s*['""]?|--port[=\s]+|(?<![\w-])-p\s*)(?<port>5432)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PortSetting();
}
