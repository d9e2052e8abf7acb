using YamlDotNet.RepresentationModel;

namespace Velvet.Engine.Tests.Support;

/// <summary>
/// examples/seeds.velvet.yaml as shipped, with settings added to some entries (base URLs of the local fakes, a
/// healthcheck) through the YAML tree: the test runs the example file itself, not a hand-made copy of it.
/// </summary>
public static class SeedsManifest
{
    public static string Path()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Velvet.slnx"))) dir = dir.Parent;
        return System.IO.Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root (Velvet.slnx) not found"), "examples", "seeds.velvet.yaml");
    }

    /// <summary>
    /// The example with <paramref name="credentialSettings"/> merged into the vendor settings of named credentials,
    /// <paramref name="consumerSettings"/> into the settings of named consumers and <paramref name="consumerFields"/>
    /// into the consumer entries themselves (e.g. healthcheck_endpoint).
    /// </summary>
    public static string With(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> credentialSettings,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> consumerSettings,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> consumerFields)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path())) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (var entry in Entries(root, "credentials"))
            if (credentialSettings.TryGetValue(Scalar(entry, "token_name"), out var add))
                Merge(Child(Child(entry, "vendor"), "settings"), add);
        foreach (var entry in Entries(root, "consumers"))
        {
            var id = Scalar(entry, "consumer_id");
            if (consumerSettings.TryGetValue(id, out var add)) Merge(Child(entry, "settings"), add);
            if (consumerFields.TryGetValue(id, out var fields)) Merge(entry, fields);
        }
        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static IEnumerable<YamlMappingNode> Entries(YamlMappingNode root, string key) =>
        ((YamlSequenceNode)root.Children[new YamlScalarNode(key)]).Children.Cast<YamlMappingNode>();

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static YamlMappingNode Child(YamlMappingNode node, string key)
    {
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var child)) return (YamlMappingNode)child;
        var created = new YamlMappingNode();
        node.Children[new YamlScalarNode(key)] = created;
        return created;
    }

    private static void Merge(YamlMappingNode node, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (k, v) in values) node.Children[new YamlScalarNode(k)] = new YamlScalarNode(v) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted };
    }
}
