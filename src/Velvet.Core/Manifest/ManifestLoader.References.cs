namespace Velvet.Core.Manifest;

/// <summary>Checks that span entries: uniqueness and every name that points at another entry.</summary>
public static partial class ManifestLoader
{
    private static List<ConsumerSpec> CheckReferences(List<CredentialDraft> credentials, List<ConsumerDraft> consumers, ManifestErrorSink errors)
    {
        var byName = UniqueCredentials(credentials, errors);
        var names = byName.Keys.ToList();
        var resolved = new List<ConsumerSpec>();
        foreach (var consumer in consumers)
        {
            CredentialDraft? owner = null;
            if (consumer.TokenName is { } token && !byName.TryGetValue(token.Value, out owner))
            {
                errors.At(token.Start, $"{consumer.Where}: token_name {token.Value} is not a credential in this manifest",
                    Suggest.Fix(token.Value, names, $"add a credential with token_name: {token.Value}, or correct the name"));
            }
            if (consumer.UpdateAuthTokenName is { } auth && !byName.ContainsKey(auth.Value))
            {
                errors.At(auth.Start, $"{consumer.Where}: update_auth_token_name {auth.Value} is not a credential in this manifest",
                    Suggest.Fix(auth.Value, names, $"add a credential with token_name: {auth.Value}, so Velvet can read it for the update call"));
            }
            resolved.Add(consumer.EnvGiven ? consumer.Spec : consumer.Spec with { Env = owner?.Spec.Env ?? "" });
        }
        CheckUniqueConsumers(consumers, resolved, errors);
        foreach (var credential in credentials)
        {
            CheckCanonical(credential, consumers, errors);
            foreach (var related in credential.RelatedTo.Where(r => !byName.ContainsKey(r.Value)))
            {
                errors.At(related.Start, $"{credential.Where}: related_to {related.Value} is not a credential in this manifest",
                    Suggest.Fix(related.Value, names, "correct the name, or add that credential"));
            }
        }
        return resolved;
    }

    private static Dictionary<string, CredentialDraft> UniqueCredentials(List<CredentialDraft> credentials, ManifestErrorSink errors)
    {
        var byName = new Dictionary<string, CredentialDraft>(StringComparer.Ordinal);
        foreach (var credential in credentials)
        {
            if (credential.TokenName is not { } name)
            {
                continue;
            }
            if (byName.TryGetValue(name.Value, out var first))
            {
                errors.At(name.Start, $"{credential.Where}: duplicate token_name, first defined at line {first.TokenName!.Value.Start.Line}",
                    "rename one of them or merge the two entries");
            }
            else
            {
                byName[name.Value] = credential;
            }
        }
        return byName;
    }

    /// <summary>consumer_id is unique within (token_name, env), the team's rule; the same id may serve prod and staging.</summary>
    private static void CheckUniqueConsumers(List<ConsumerDraft> consumers, List<ConsumerSpec> resolved, ManifestErrorSink errors)
    {
        var seen = new Dictionary<(string Token, string Env, string Id), ConsumerDraft>();
        for (var i = 0; i < consumers.Count; i++)
        {
            if (consumers[i].ConsumerId is not { } id || consumers[i].TokenName is null)
            {
                continue;
            }
            var key = (resolved[i].TokenName, resolved[i].Env, id.Value);
            if (seen.TryGetValue(key, out var first))
            {
                errors.At(id.Start, $"{consumers[i].Where}: duplicate consumer_id for {key.TokenName} in env {key.Env}, first defined at line {first.ConsumerId!.Value.Start.Line}",
                    "give each consumer of a credential in one env its own consumer_id");
            }
            else
            {
                seen[key] = consumers[i];
            }
        }
    }

    private static void CheckCanonical(CredentialDraft credential, List<ConsumerDraft> consumers, ManifestErrorSink errors)
    {
        if (credential.CanonicalConsumer is not { } canonical)
        {
            return;
        }
        var own = consumers.Where(c => c.Spec.TokenName == credential.Spec.TokenName).Select(c => c.Spec.ConsumerId).Distinct().ToList();
        if (own.Contains(canonical.Value, StringComparer.Ordinal))
        {
            return;
        }
        var fix = own.Count == 0
            ? $"add a consumer with consumer_id: {canonical.Value} and token_name: {credential.Spec.TokenName}"
            : Suggest.Fix(canonical.Value, own, $"use the consumer_id of one of its consumers: {string.Join(", ", own)}");
        errors.At(canonical.Start, $"{credential.Where}: canonical_consumer {canonical.Value} is not a consumer of this credential", fix);
    }
}
