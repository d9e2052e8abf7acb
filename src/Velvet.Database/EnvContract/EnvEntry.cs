namespace Velvet.Database.EnvContract;

/// <summary>Where something was written: a file (as displayed, relative to the contract) and a 1-based line.</summary>
/// <param name="File">The file.</param>
/// <param name="Line">The line, or 0 when unknown.</param>
public sealed record SourceLocation(string File, int Line)
{
    /// <summary>"docker-compose.yml:14".</summary>
    /// <returns>The location.</returns>
    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;
}

/// <summary>One variable given to a container. Its value is a secret: <see cref="ToString"/> leaves it out.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Value">The literal value, or null when the file gives none (compose <c>- KEY</c> / <c>KEY:</c>, passed through from the deploy environment).</param>
/// <param name="Location">Where it is written.</param>
public sealed record EnvEntry(string Name, string? Value, SourceLocation Location)
{
    /// <summary>The value uses <c>${VAR}</c>/<c>$VAR</c> interpolation: it is known only at deploy time.</summary>
    public bool Interpolated => Value is not null && IsInterpolated(Value);

    /// <summary>The value is written literally in the file (not passed through, not interpolated).</summary>
    public bool HasLiteralValue => Value is not null && !Interpolated;

    /// <summary>"NAME at file:line", never the value.</summary>
    /// <returns>The redacted description.</returns>
    public override string ToString() => $"{Name} at {Location}";

    /// <summary>True when <paramref name="value"/> contains compose interpolation (<c>$$</c> is a literal dollar).</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether it interpolates.</returns>
    public static bool IsInterpolated(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var v = value.Replace("$$", "", StringComparison.Ordinal);
        for (var i = 0; i + 1 < v.Length; i++)
        {
            if (v[i] == '$' && (v[i + 1] == '{' || v[i + 1] == '_' || char.IsAsciiLetter(v[i + 1])))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A contract, compose, dotenv or JSON file is malformed or missing. The message starts with file:line and never quotes a value.</summary>
public sealed class EnvFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EnvFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public EnvFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EnvFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates "file:line: message".</summary>
    /// <param name="at">Where.</param>
    /// <param name="message">What is wrong and what to do (never a value).</param>
    public EnvFileException(SourceLocation at, string message)
        : base($"{at}: {message}")
    {
        ArgumentNullException.ThrowIfNull(at);
        Location = at;
    }

    /// <summary>Where the problem is, when known.</summary>
    public SourceLocation? Location { get; }
}
