using Velvet.Core.Ports;
using YamlDotNet.RepresentationModel;

namespace Velvet.Core.Manifest;

/// <summary>A parsed consumer; <see cref="EnvGiven"/> false means its env is the credential's, filled in once credentials are known.</summary>
internal sealed record ConsumerDraft(ConsumerSpec Spec, string Where, Located? ConsumerId, Located? TokenName, bool EnvGiven, Located? UpdateAuthTokenName);

public static partial class ManifestLoader
{
    private static List<ConsumerDraft> ReadConsumers(YamlMap root, IReadOnlyList<AdapterKind> kinds, ManifestErrorSink errors) =>
        Entries(root, "consumers", "consumer_id: ID", errors)
            .Select(e => ReadConsumer(e.Node, e.Number, kinds, errors))
            .ToList();

    private static ConsumerDraft ReadConsumer(YamlMappingNode node, int number, IReadOnlyList<AdapterKind> kinds, ManifestErrorSink errors)
    {
        var where = YamlMap.Peek(node, "consumer_id") is { } name ? $"consumer {name}" : $"consumer #{number}";
        var map = YamlMap.Open(node, where, ManifestKeys.Consumer, errors);
        var consumerId = map.RequiredText("consumer_id", "add consumer_id: ID, unique among the consumers of this credential in this env");
        var tokenName = map.RequiredText("token_name", "add token_name: NAME of the credential this consumer holds");
        var kind = map.RequiredText("kind", $"add kind: with one of: {KindList(kinds, AdapterRole.Consumer)}");
        var adapterKind = kind is { } k ? ResolveKind(map, k, AdapterRole.Consumer, kinds, errors) : null;
        var settings = map.Settings() ?? [];
        if (adapterKind is not null)
        {
            CheckSettings(map, adapterKind, settings, errors);
        }
        var env = map.Text("env");
        var authToken = map.Text("update_auth_token_name");
        var spec = new ConsumerSpec
        {
            ConsumerId = consumerId?.Value ?? "",
            TokenName = tokenName?.Value ?? "",
            Kind = kind?.Value ?? "",
            Env = env?.Value ?? "",
            Active = map.Bool("active") ?? true,
            Capabilities = ReadCapabilities(map, errors),
            Settings = settings.ToDictionary(s => s.Key, s => s.Value.Value),
            UpdateEndpoint = Endpoint(map, "update_endpoint", adapterKind, errors),
            UpdateMethod = UpdateMethod(map, errors),
            UpdateAuthTokenName = authToken?.Value,
            HealthcheckEndpoint = Endpoint(map, "healthcheck_endpoint", adapterKind, errors),
            HealthcheckSuccessStatus = map.Int("healthcheck_success_status", s => s is >= 100 and <= 599,
                "must be an HTTP status from 100 to 599", "use the status a healthy consumer answers with, e.g. 200 or 204"),
            Check = ReadCheck(map, errors),
            Fallback = ReadFallback(map, errors),
            Line = (int)node.Start.Line,
        };
        return new ConsumerDraft(spec, where, consumerId, tokenName, env is not null, authToken);
    }

    private static List<string> ReadCapabilities(YamlMap consumer, ManifestErrorSink errors)
    {
        if (!consumer.Has("capabilities"))
        {
            return ["update"];
        }
        var capabilities = Choices(consumer, "capabilities", ManifestKeys.Capabilities, "update, healthcheck", errors);
        var node = consumer.Raw("capabilities")!;
        var isList = node is YamlSequenceNode || node is YamlScalarNode scalar && YamlMap.IsNull(scalar);
        // The team's rule (ADR-0040): a consumer that cannot receive the new value is not a consumer.
        if (isList && !capabilities.Contains("update"))
        {
            errors.At(node, $"{consumer.Where}: capabilities must include update", "add update to capabilities: every consumer receives the new value");
        }
        return capabilities;
    }

    private static string? UpdateMethod(YamlMap consumer, ManifestErrorSink errors)
    {
        if (consumer.Text("update_method") is not { } method)
        {
            return null;
        }
        if (!ManifestKeys.UpdateMethods.Contains(method.Value, StringComparer.Ordinal))
        {
            errors.At(method.Start, $"{consumer.Where}: unknown update_method \"{method.Value}\"", Suggest.OneOf(method.Value, ManifestKeys.UpdateMethods));
        }
        return method.Value;
    }

    private static string? Endpoint(YamlMap consumer, string key, AdapterKind? kind, ManifestErrorSink errors)
    {
        if (consumer.Text(key) is not { } url)
        {
            return null;
        }
        // Without a known kind there is no telling whether it is local; that kind error is already reported.
        if (kind is not null && EndpointRule.Check(url.Value, kind?.IsLocal ?? false) is { } problem)
        {
            errors.At(url.Start, $"{consumer.Where}: {key} \"{url.Value}\" {problem.Message}", problem.Fix);
        }
        return url.Value;
    }
}
