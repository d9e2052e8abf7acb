using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Velvet.Vendors.Tests.Schema;

/// <summary>
/// docs/manifest.schema.json as NJsonSchema 11.6.2 can apply it. NJsonSchema validates draft-04 keywords only: it does
/// not resolve <c>$defs</c> and silently ignores <c>const</c>, <c>if</c>/<c>then</c>/<c>else</c> and <c>contains</c>,
/// which is where the per-kind settings checks live. So the schema is rewritten here, in memory, into their draft-04
/// equivalents (<c>definitions</c>; <c>enum: [x]</c>; <c>anyOf: [not if, then]</c> / <c>anyOf: [allOf [if, then],
/// allOf [not if, else]]</c>; <c>not: {items: {not: S}}</c>); docs/manifest.schema.json itself stays draft 2020-12.
/// <see cref="Untranslated"/> lists any keyword NJsonSchema would still ignore, so a new one cannot slip past unnoticed.
/// </summary>
public static class ManifestSchema
{
    /// <summary>Keywords of drafts 06–2020-12 that NJsonSchema 11.6.2 does not apply.</summary>
    public static readonly string[] Ignored =
    [
        "$defs", "const", "if", "then", "else", "contains", "minContains", "maxContains", "prefixItems", "unevaluatedProperties",
        "unevaluatedItems", "dependentRequired", "dependentSchemas", "propertyNames", "$anchor", "$dynamicRef", "$dynamicAnchor",
    ];

    private static readonly string[] SchemaMaps = ["properties", "$defs", "definitions", "patternProperties"];
    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] SchemaValues = ["items", "additionalProperties", "not", "if", "then", "else", "contains"];

    public static string RepoPath(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Velvet.slnx"))) dir = dir.Parent;
        return Path.Combine([dir?.FullName ?? throw new InvalidOperationException("repository root (Velvet.slnx) not found"), .. parts]);
    }

    public static JsonObject Source() => JsonNode.Parse(File.ReadAllText(RepoPath("docs", "manifest.schema.json")))!.AsObject();

    public static async Task<JsonSchema> LoadAsync(CancellationToken ct)
    {
        var translated = Translate(Source());
        translated["$schema"] = "http://json-schema.org/draft-07/schema#";
        return await JsonSchema.FromJsonAsync(translated.ToJsonString(), ct).ConfigureAwait(false);
    }

    /// <summary>Every violation of <paramref name="yaml"/>, one line each: path, kind, property, nested under anyOf/oneOf.</summary>
    public static List<string> Violations(JsonSchema schema, string yaml)
    {
        var lines = new List<string>();
        foreach (var error in schema.Validate(YamlJson.Read(yaml)?.ToJsonString() ?? "null")) Describe(error, "", lines);
        return lines;
    }

    private static void Describe(ValidationError error, string indent, List<string> lines)
    {
        lines.Add($"{indent}{error.Path}: {error.Kind}{(error.Property is { } p ? $" ({p})" : "")}");
        if (error is not ChildSchemaValidationError child) return;
        foreach (var nested in child.Errors.Values.SelectMany(e => e)) Describe(nested, indent + "  ", lines);
    }

    /// <summary>A copy of <paramref name="schema"/> with the keywords NJsonSchema ignores replaced by their draft-04 equivalents.</summary>
    public static JsonNode Translate(JsonNode schema)
    {
        if (schema is not JsonObject source) return schema.DeepClone();
        var result = new JsonObject();
        var extraAllOf = new List<JsonNode>();
        foreach (var (key, value) in source)
        {
            if (value is null) { result[key] = null; continue; }
            switch (key)
            {
                case "$ref":
                    result[key] = value.GetValue<string>().Replace("#/$defs/", "#/definitions/", StringComparison.Ordinal);
                    break;
                case "const":
                    result["enum"] = new JsonArray(value.DeepClone());
                    break;
                case "contains":
                    extraAllOf.Add(new JsonObject { ["not"] = new JsonObject { ["items"] = new JsonObject { ["not"] = Translate(value) } } });
                    break;
                case "if":
                    extraAllOf.Add(Conditional(source));
                    break;
                case "then" or "else":
                    break;
                case var map when SchemaMaps.Contains(map):
                    result[map == "$defs" ? "definitions" : map] = new JsonObject(value.AsObject().Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Translate(p.Value))));
                    break;
                case var list when SchemaLists.Contains(list):
                    result[list] = new JsonArray([.. value.AsArray().Select(s => s is null ? null : Translate(s))]);
                    break;
                case var single when SchemaValues.Contains(single):
                    result[single] = Translate(value);
                    break;
                default:
                    result[key] = value.DeepClone();
                    break;
            }
        }
        if (extraAllOf.Count > 0)
        {
            var allOf = result["allOf"] as JsonArray ?? [];
            foreach (var s in extraAllOf) allOf.Add(s);
            result["allOf"] = allOf;
        }
        return result;
    }

    /// <summary>if/then/else as anyOf: (not if) or then; with else: (if and then) or (not if and else).</summary>
    private static JsonObject Conditional(JsonObject source)
    {
        var condition = Translate(source["if"]!);
        var then = source["then"] is { } t ? Translate(t) : new JsonObject();
        if (source["else"] is not { } e)
            return new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["not"] = condition }, then) };
        return new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["allOf"] = new JsonArray(condition, then) },
                new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["not"] = condition.DeepClone() }, Translate(e)) }),
        };
    }

    /// <summary>Paths of the keywords in <paramref name="schema"/> that NJsonSchema would ignore.</summary>
    public static List<string> Untranslated(JsonNode schema, string path = "#")
    {
        var found = new List<string>();
        if (schema is not JsonObject obj) return found;
        foreach (var (key, value) in obj)
        {
            if (Ignored.Contains(key)) found.Add($"{path}/{key}");
            if (value is null) continue;
            if (SchemaMaps.Contains(key))
                foreach (var (name, sub) in value.AsObject()) found.AddRange(sub is null ? [] : Untranslated(sub, $"{path}/{key}/{name}"));
            else if (SchemaLists.Contains(key))
                found.AddRange(value.AsArray().SelectMany((s, i) => s is null ? [] : Untranslated(s, $"{path}/{key}/{i}")));
            else if (SchemaValues.Contains(key))
                found.AddRange(Untranslated(value, $"{path}/{key}"));
        }
        return found;
    }
}
