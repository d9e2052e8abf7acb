using YamlDotNet.RepresentationModel;

namespace Velvet.Database.EnvContract;

/// <summary>
/// Reads the environment each service of a docker compose file gets: <c>env_file</c> entries (resolved relative to
/// the compose file) then <c>environment</c> (map or list form), with YAML anchors and merge keys applied.
/// </summary>
public static class ComposeReader
{
    /// <summary>Reads every service's variables with file:line.</summary>
    /// <param name="path">The compose file.</param>
    /// <param name="display">How messages name it.</param>
    /// <param name="displayOf">How messages name another file (an env_file), from its full path.</param>
    /// <returns>Service name → its entries (env_file first, then environment: later ones win, as in compose).</returns>
    /// <exception cref="EnvFileException">Malformed YAML, an unexpected shape, or a missing required env_file.</exception>
    public static IReadOnlyList<(string Service, IReadOnlyList<EnvEntry> Entries)> Read(string path, string display, Func<string, string> displayOf)
    {
        var root = YamlFile.Load(path, display);
        if (root is not YamlMappingNode top)
        {
            throw new EnvFileException(new SourceLocation(display, root is null ? 1 : (int)root.Start.Line), "expected a compose file with a 'services:' mapping");
        }

        var servicesNode = top.Merged(display).FirstOrDefault(e => e.Key.Value == "services").Value;
        if (servicesNode is not YamlMappingNode services)
        {
            throw new EnvFileException(servicesNode?.At(display) ?? new SourceLocation(display, 1), "expected 'services:' to be a mapping of service name → settings");
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var result = new List<(string, IReadOnlyList<EnvEntry>)>();
        foreach (var (nameNode, serviceNode) in services.Merged(display))
        {
            var name = nameNode.Value ?? "";
            if (serviceNode.IsNull())
            {
                result.Add((name, []));
                continue;
            }

            if (serviceNode is not YamlMappingNode service)
            {
                throw new EnvFileException(serviceNode.At(display), $"service '{name}' must be a mapping");
            }

            var settings = service.Merged(display);
            var entries = new List<EnvEntry>();
            if (settings.FirstOrDefault(e => e.Key.Value == "env_file").Value is { } envFile && !envFile.IsNull())
            {
                entries.AddRange(EnvFiles(envFile, display, dir, displayOf, name));
            }

            if (settings.FirstOrDefault(e => e.Key.Value == "environment").Value is { } environment && !environment.IsNull())
            {
                entries.AddRange(Environment(environment, display, name));
            }

            result.Add((name, entries));
        }

        return result;
    }

    private static IEnumerable<EnvEntry> Environment(YamlNode node, string display, string service)
    {
        if (node is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Merged(display))
            {
                yield return value switch
                {
                    _ when value.IsNull() => new EnvEntry(key.Value ?? "", null, key.At(display)),
                    YamlScalarNode scalar => new EnvEntry(key.Value ?? "", scalar.Value ?? "", key.At(display)),
                    _ => throw new EnvFileException(value.At(display), $"service '{service}': the value of {key.Value} must be a string"),
                };
            }

            yield break;
        }

        if (node is not YamlSequenceNode list)
        {
            throw new EnvFileException(node.At(display), $"service '{service}': 'environment' must be a mapping (KEY: value) or a list (- KEY=value)");
        }

        foreach (var item in list.Children)
        {
            if (item is not YamlScalarNode { Value: { Length: > 0 } text } || text.StartsWith('='))
            {
                throw new EnvFileException(item.At(display), $"service '{service}': every 'environment' item must be KEY=value or KEY");
            }

            var eq = text.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0 ? new EnvEntry(text, null, item.At(display)) : new EnvEntry(text[..eq], text[(eq + 1)..], item.At(display));
        }
    }

    private static IEnumerable<EnvEntry> EnvFiles(YamlNode node, string display, string dir, Func<string, string> displayOf, string service)
    {
        var items = node is YamlSequenceNode seq ? seq.Children : (IList<YamlNode>)[node];
        foreach (var item in items)
        {
            var (file, required) = item switch
            {
                YamlScalarNode { Value: { Length: > 0 } p } => (p, true),
                YamlMappingNode m => (
                    m.Merged(display).FirstOrDefault(e => e.Key.Value == "path").Value is YamlScalarNode { Value: { Length: > 0 } p } ? p
                        : throw new EnvFileException(item.At(display), $"service '{service}': an env_file entry needs a 'path'"),
                    m.Merged(display).FirstOrDefault(e => e.Key.Value == "required").Value is not YamlScalarNode { Value: "false" or "False" or "FALSE" }),
                _ => throw new EnvFileException(item.At(display), $"service '{service}': env_file must be a path, a list of paths, or a list of {{path, required}}"),
            };
            var full = Path.GetFullPath(Path.Combine(dir, file));
            if (!File.Exists(full))
            {
                if (required)
                {
                    throw new EnvFileException(item.At(display), $"service '{service}': env_file '{file}' not found (looked for {full}); create it or mark it required: false");
                }

                continue;
            }

            foreach (var entry in DotenvReader.Read(full, displayOf(full)))
            {
                yield return entry;
            }
        }
    }
}
