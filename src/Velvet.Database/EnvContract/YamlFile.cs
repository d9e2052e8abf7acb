using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Velvet.Database.EnvContract;

/// <summary>YAML loading with file:line errors, plus the bits of YAML the compose format leans on (merge keys).</summary>
internal static partial class YamlFile
{
    /// <summary>The first document's root, or null for an empty file.</summary>
    public static YamlNode? Load(string path, string display)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new EnvFileException(new SourceLocation(display, (int)ex.Start.Line), "malformed YAML: " + LocationPrefix().Replace(ex.Message, ""));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this for some unterminated flow collections, without a position: replay the
            // event parser to find the last place that still made sense.
            throw new EnvFileException(new SourceLocation(display, LastGoodLine(path)), "malformed YAML: an unterminated [ ] or { } collection");
        }

        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static int LastGoodLine(string path)
    {
        var line = 0;
        using var reader = new StreamReader(path);
        var parser = new Parser(reader);
        try
        {
            while (parser.MoveNext())
            {
                line = (int)parser.Current!.End.Line;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // Stop at the failure: `line` is where the input last made sense.
        }

        return line;
    }

    public static SourceLocation At(this YamlNode node, string display) => new(display, (int)node.Start.Line);

    public static bool IsNull(this YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>A mapping's entries with YAML merge keys (<c>&lt;&lt;: *anchor</c>) applied: explicit keys win, then earlier merges.</summary>
    public static IReadOnlyList<(YamlScalarNode Key, YamlNode Value)> Merged(this YamlMappingNode mapping, string display)
    {
        var result = new List<(YamlScalarNode Key, YamlNode Value)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var merges = new List<YamlNode>();
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode scalar)
            {
                throw new EnvFileException(key.At(display), "a mapping key must be a plain name");
            }

            if (scalar.Value == "<<" && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
            {
                merges.AddRange(value is YamlSequenceNode seq ? seq.Children : [value]);
            }
            else if (seen.Add(scalar.Value ?? ""))
            {
                result.Add((scalar, value));
            }
        }

        foreach (var merge in merges)
        {
            if (merge is not YamlMappingNode source)
            {
                throw new EnvFileException(merge.At(display), "a merge key (<<) must refer to a mapping");
            }

            foreach (var entry in source.Merged(display))
            {
                if (seen.Add(entry.Key.Value ?? ""))
                {
                    result.Add(entry);
                }
            }
        }

        return result;
    }

    /// <summary>A list of plain strings (a single scalar counts as a one-item list when <paramref name="allowScalar"/>).</summary>
    public static IReadOnlyList<(string Value, SourceLocation At)> Strings(this YamlNode node, string display, string what, bool allowScalar = false)
    {
        if (allowScalar && node is YamlScalarNode one && !one.IsNull())
        {
            return [(one.Value!, one.At(display))];
        }

        if (node is not YamlSequenceNode seq)
        {
            throw new EnvFileException(node.At(display), $"{what} must be a list of names, e.g. [a, b]");
        }

        return [.. seq.Children.Select(item => item is YamlScalarNode { Value: { Length: > 0 } v }
            ? (v, item.At(display))
            : throw new EnvFileException(item.At(display), $"every item of {what} must be a non-empty name"))];
    }

    [GeneratedRegex(@"^\(?Line: \d+, Col: \d+, Idx: \d+\)?( - \(?Line: \d+, Col: \d+, Idx: \d+\)?)?:?\s*")]
    private static partial Regex LocationPrefix();
}
