using Velvet.Core.Manifest;

namespace Velvet.Core.Registry;

/// <summary>One subscriber whose manifest entry and registry row disagree, and on which fields.</summary>
public sealed record MismatchedSubscriber(string TokenName, string ConsumerId, string Env, IReadOnlyList<string> Fields);

/// <summary>The team's ADR-0041 drift report: informational, corrects nothing.</summary>
public sealed record DriftReport(
    IReadOnlyList<string> ManifestOnly,
    IReadOnlyList<string> DbOnly,
    IReadOnlyList<MismatchedSubscriber> MismatchedField)
{
    public bool HasDrift => ManifestOnly.Count + DbOnly.Count + MismatchedField.Count > 0;
}

public static class SubscriberDrift
{
    /// <summary>Compares the manifest's consumers with the registry's; keys are token_name/env/consumer_id.</summary>
    public static DriftReport Compare(IReadOnlyList<ConsumerSpec> manifest, IReadOnlyList<ConsumerSpec> registry)
    {
        static string Key(ConsumerSpec c) => $"{c.TokenName}/{c.Env}/{c.ConsumerId}";
        var m = manifest.GroupBy(Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var d = registry.GroupBy(Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var mismatched = new List<MismatchedSubscriber>();
        foreach (var key in m.Keys.Intersect(d.Keys).Order(StringComparer.Ordinal))
        {
            var a = SubscriberJson.ToBody(m[key]);
            var b = SubscriberJson.ToBody(d[key]);
            var fields = new List<string>();
            if (a.Kind != b.Kind) fields.Add("kind");
            if (a.Active != b.Active) fields.Add("active");
            if (!(a.Capabilities ?? []).SequenceEqual(b.Capabilities ?? [])) fields.Add("capabilities");
            if (!SameSettings(a.Settings, b.Settings)) fields.Add("settings");
            if (a.UpdateEndpoint != b.UpdateEndpoint) fields.Add("update_endpoint");
            if (a.UpdateMethod != b.UpdateMethod) fields.Add("update_method");
            if (a.UpdateAuthTokenName != b.UpdateAuthTokenName) fields.Add("update_auth_token_name");
            if (a.HealthcheckEndpoint != b.HealthcheckEndpoint) fields.Add("healthcheck_endpoint");
            if (a.HealthcheckSuccessStatus != b.HealthcheckSuccessStatus) fields.Add("healthcheck_success_status");
            if (fields.Count > 0) mismatched.Add(new MismatchedSubscriber(m[key].TokenName, m[key].ConsumerId, m[key].Env, fields));
        }
        return new DriftReport(
            m.Keys.Except(d.Keys).Order(StringComparer.Ordinal).ToList(),
            d.Keys.Except(m.Keys).Order(StringComparer.Ordinal).ToList(),
            mismatched);
    }

    private static bool SameSettings(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        a ??= new Dictionary<string, string>();
        b ??= new Dictionary<string, string>();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
