using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Results;

namespace Velvet.Core.Registry;

/// <summary>The manifest's consumer rules, applied to a subscriber registered at runtime (ADR-0040's list).</summary>
public static class SubscriberRules
{
    public static Result<ConsumerSpec> Validate(SubscriberBody body, VelvetManifest manifest, IAdapterCatalog catalog)
    {
        var credential = manifest.FindCredential(body.TokenName);
        if (credential is null)
            return new Invalid($"token_name '{body.TokenName}' is not a credential in the manifest; known: {string.Join(", ", manifest.Credentials.Select(c => c.TokenName))}", "token_name");
        if (string.IsNullOrWhiteSpace(body.ConsumerId)) return new Invalid("consumer_id must not be empty", "consumer_id");
        var spec = SubscriberJson.ToSpec(body, credential.Env);
        var kind = catalog.Kinds.FirstOrDefault(k => k.Name == spec.Kind && k.Role == AdapterRole.Consumer);
        if (kind is null)
            return new Invalid($"unknown consumer kind '{spec.Kind}'; known kinds: {string.Join(", ", catalog.Kinds.Where(k => k.Role == AdapterRole.Consumer).Select(k => k.Name))}", "kind");
        if (!spec.Capabilities.Contains("update")) return new Invalid("capabilities must include update: every consumer receives the new value", "capabilities");
        if (spec.Capabilities.FirstOrDefault(c => !ManifestKeys.Capabilities.Contains(c)) is { } badCap)
            return new Invalid($"unknown capability '{badCap}'; use: {string.Join(", ", ManifestKeys.Capabilities)}", "capabilities");
        if (spec.UpdateMethod is { } m && !ManifestKeys.UpdateMethods.Contains(m))
            return new Invalid($"update_method must be one of {string.Join(", ", ManifestKeys.UpdateMethods)}", "update_method");
        if (spec.HealthcheckSuccessStatus is { } st && st is < 100 or > 599)
            return new Invalid("healthcheck_success_status must be an HTTP status (100-599)", "healthcheck_success_status");
        foreach (var (field, url) in new[] { ("update_endpoint", spec.UpdateEndpoint), ("healthcheck_endpoint", spec.HealthcheckEndpoint) })
            if (url is not null && EndpointRule.Check(url, kind.IsLocal) is { } problem)
                return new Invalid($"{field} {problem.Message}: {problem.Fix}", field);
        if (spec.UpdateAuthTokenName is { } auth && manifest.FindCredential(auth) is null)
            return new Invalid($"update_auth_token_name '{auth}' is not a credential in the manifest", "update_auth_token_name");
        var allowed = kind.RequiredSettings.Concat(kind.OptionalSettings).ToHashSet(StringComparer.Ordinal);
        if (spec.Settings.Keys.FirstOrDefault(k => !allowed.Contains(k)) is { } badKey)
            return new Invalid($"setting '{badKey}' is not accepted by kind {kind.Name}; accepted: {string.Join(", ", allowed)}", "settings");
        if (kind.RequiredSettings.FirstOrDefault(k => !spec.Settings.ContainsKey(k)) is { } missing)
            return new Invalid($"kind {kind.Name} needs setting '{missing}'", "settings");
        try
        {
            // The adapter judges what only it can (e.g. an http consumer without update_endpoint).
            catalog.CreateConsumer(credential, spec);
        }
        catch (ArgumentException ex)
        {
            return new Invalid(ex.Message, "settings");
        }
        return spec;
    }
}
