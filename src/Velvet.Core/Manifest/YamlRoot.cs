using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

/// <summary>How a YAML file is named in messages and what to tell a person whose file is empty or not a mapping.</summary>
internal sealed record YamlRootText(string What, string EmptyFix, string NotMappingMessage, string NotMappingFix);

/// <summary>
/// Reads the single top-level mapping of a YAML file (the manifest, a grants policy), reporting syntax errors,
/// duplicate keys, an empty file and extra documents at file:line:column instead of throwing.
/// </summary>
internal static class YamlRoot
{
    private const string SyntaxFix = "correct the YAML at this position (indentation, a missing colon or an unclosed quote or bracket are the usual causes)";

    public static YamlMappingNode? Read(string text, ManifestErrorSink errors, YamlRootText texts)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex) when (ex.Message.StartsWith("Duplicate key ", StringComparison.Ordinal))
        {
            errors.At(ex.Start, $"duplicate key \"{ex.Message["Duplicate key ".Length..]}\"", "keep only one of the two entries with this key in this mapping");
            return null;
        }
        catch (YamlException ex)
        {
            errors.At(ex.Start, $"YAML syntax error: {ex.Message}", SyntaxFix);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            errors.At(parser.LastGood, "YAML syntax error: the YAML cannot be read past this point", SyntaxFix);
            return null;
        }
        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        if (root is null || root is YamlScalarNode scalar && YamlMap.IsNull(scalar))
        {
            errors.AtStart($"the {texts.What} is empty", texts.EmptyFix);
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            errors.At(stream.Documents[1].RootNode, $"the {texts.What} must be a single YAML document", "remove the --- separator and merge the documents");
        }
        if (root is not YamlMappingNode mapping)
        {
            errors.At(root, texts.NotMappingMessage, texts.NotMappingFix);
            return null;
        }
        return mapping;
    }
}
