using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

/// <summary>A value read from the manifest with the position it came from, for messages about it later.</summary>
internal readonly record struct Located(string Value, Mark Start);

/// <summary>
/// Typed access to one YAML mapping that reports, instead of throwing, every key it does not know and every value
/// of the wrong type. <see cref="Where"/> prefixes each message so a person knows which entry is meant.
/// </summary>
internal sealed class YamlMap
{
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries = new(StringComparer.Ordinal);
    private readonly ManifestErrorSink errors;

    private YamlMap(YamlMappingNode node, string where, ManifestErrorSink errors)
    {
        Node = node;
        Where = where;
        this.errors = errors;
    }

    public YamlMappingNode Node { get; }

    public string Where { get; }

    public static YamlMap Open(YamlMappingNode node, string where, IReadOnlyList<string> known, ManifestErrorSink errors)
    {
        var map = new YamlMap(node, where, errors);
        foreach (var (keyNode, value) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                errors.At(keyNode, $"{where}: a key must be a plain name", "write each entry as name: value");
                continue;
            }
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                errors.At(keyNode, $"{where}: unknown key \"{key}\"",
                    Suggest.Fix(key, known, $"remove it; the keys here are: {string.Join(", ", known)}"));
                continue;
            }
            map.entries[key] = (scalarKey, value);
        }
        return map;
    }

    /// <summary>The raw text of a key, unchecked: used only to name an entry in messages before it is validated.</summary>
    public static string? Peek(YamlMappingNode node, string key) =>
        node.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: var k } && k == key).Value is YamlScalarNode s
        && !IsNull(s) ? s.Value : null;

    public bool Has(string key) => entries.ContainsKey(key);

    public YamlNode? Raw(string key) => entries.TryGetValue(key, out var e) ? e.Value : null;

    public Mark KeyStart(string key) => entries.TryGetValue(key, out var e) ? e.Key.Start : Node.Start;

    /// <summary>An optional single value; null when absent or written as null.</summary>
    public Located? Text(string key)
    {
        if (Raw(key) is not { } node)
        {
            return null;
        }
        if (node is not YamlScalarNode scalar)
        {
            errors.At(node, $"{Where}: {key} must be a single value, not a {Shape(node)}", $"give {key} one value, e.g. {key}: text");
            return null;
        }
        return IsNull(scalar) ? null : new Located(scalar.Value ?? "", scalar.Start);
    }

    public Located? RequiredText(string key, string fix)
    {
        if (!Has(key))
        {
            errors.At(Node, $"{Where}: missing required key {key}", fix);
            return null;
        }
        var value = Text(key);
        if (value is null && Raw(key) is YamlScalarNode)
        {
            errors.At(KeyStart(key), $"{Where}: {key} is empty", fix);
        }
        return value;
    }

    public bool? Bool(string key)
    {
        if (Raw(key) is not { } node)
        {
            return null;
        }
        // Only plain true/false: a quoted "true" or YAML 1.1's yes/no/on are exactly the ambiguity to refuse.
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } && bool.TryParse(v, out var b)
            && v is "true" or "false" or "True" or "False" or "TRUE" or "FALSE")
        {
            return b;
        }
        errors.At(node, $"{Where}: {key} must be true or false, not {Describe(node)}", $"write {key}: true or {key}: false");
        return null;
    }

    /// <summary>A plain whole number; anything else is reported with <paramref name="message"/> and <paramref name="fix"/>.</summary>
    public int? Int(string key, Func<int, bool> inRange, string message, string fix)
    {
        if (Raw(key) is not { } node)
        {
            return null;
        }
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v }
            && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && inRange(n))
        {
            return n;
        }
        errors.At(node, $"{Where}: {key} {message}, not {Describe(node)}", fix);
        return null;
    }

    /// <summary>A list of single values; null when absent.</summary>
    public IReadOnlyList<Located>? List(string key, string example)
    {
        if (Raw(key) is not { } node)
        {
            return null;
        }
        if (node is YamlScalarNode scalar && IsNull(scalar))
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            errors.At(node, $"{Where}: {key} must be a list, not {Describe(node)}", $"write it as {key}: [{example}]");
            return null;
        }
        var items = new List<Located>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { } v } s && !IsNull(s))
            {
                items.Add(new Located(v, s.Start));
            }
            else
            {
                errors.At(item, $"{Where}: each {key} entry must be a single value, not {Describe(item)}", $"write it as {key}: [{example}]");
            }
        }
        return items;
    }

    /// <summary>A nested mapping; null (reported) when it is something else, null (silent) when absent.</summary>
    public YamlMap? Map(string key, string where, IReadOnlyList<string> known, string example)
    {
        if (Raw(key) is not { } node)
        {
            return null;
        }
        if (node is YamlMappingNode mapping)
        {
            return Open(mapping, where, known, errors);
        }
        errors.At(node, $"{Where}: {key} must be a mapping, not {Describe(node)}", $"write it as {key}: {example}");
        return null;
    }

    /// <summary>Kind-specific settings: names to single values, kept as text whatever their YAML type.</summary>
    public Dictionary<string, Located>? Settings()
    {
        if (Raw("settings") is not { } node)
        {
            return null;
        }
        if (node is YamlScalarNode scalar && IsNull(scalar))
        {
            return [];
        }
        if (node is not YamlMappingNode mapping)
        {
            errors.At(node, $"{Where}: settings must be a mapping, not {Describe(node)}", "write it as settings: { name: value }");
            return null;
        }
        var settings = new Dictionary<string, Located>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                errors.At(keyNode, $"{Where}: a setting name must be a plain name", "write each setting as name: value");
            }
            else if (value is YamlScalarNode { Value: { } v } s && !IsNull(s))
            {
                settings[name] = new Located(v, keyNode.Start);
            }
            else
            {
                errors.At(value, $"{Where}: setting {name} must be a single value, not {Describe(value)}", $"give {name} one value, e.g. {name}: \"text\"");
            }
        }
        return settings;
    }

    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Shape(YamlNode node) => node switch
    {
        YamlSequenceNode => "list",
        YamlMappingNode => "mapping",
        _ => "value",
    };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when IsNull(s) => "empty",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => $"a {Shape(node)}",
    };
}
