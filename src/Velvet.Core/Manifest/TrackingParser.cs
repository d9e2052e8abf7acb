using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Velvet.Core.Manifest;

/// <summary>
/// Remembers where the last well-formed YAML event ended. YamlDotNet 18.1.0 throws a bare
/// InvalidOperationException, with no position, on some malformed input (an unclosed flow mapping
/// followed by more lines); this gives that error a line and column anyway.
/// </summary>
internal sealed class TrackingParser(IParser inner) : IParser
{
    public Mark LastGood { get; private set; } = Mark.Empty;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (inner.Current is { } current)
        {
            LastGood = current.End;
        }
        return inner.MoveNext();
    }
}
