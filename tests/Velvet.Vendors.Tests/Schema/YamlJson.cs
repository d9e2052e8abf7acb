using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Velvet.Vendors.Tests.Schema;

/// <summary>
/// A YAML document as the JSON an editor's schema check sees (YAML 1.2 core schema): plain scalars become null,
/// booleans, integers or floats when they read as such, everything quoted or otherwise is a string.
/// </summary>
public static class YamlJson
{
    public static JsonNode? Read(string yaml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml)) stream.Load(reader);
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode s when s.Style != ScalarStyle.Plain => JsonValue.Create(s.Value ?? ""),
        YamlScalarNode s => Plain(s.Value ?? ""),
        _ => throw new InvalidOperationException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonNode? Plain(string v)
    {
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return JsonValue.Create(i);
        if (System.Text.RegularExpressions.Regex.IsMatch(v, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$") &&
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}
