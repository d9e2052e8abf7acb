using System.Text.Json;
using System.Text.Json.Serialization;
using Velvet.Core.Manifest;

namespace Velvet.Core.Registry;

/// <summary>The wire and stored shape of one subscriber: the manifest's consumer fields, snake_case.</summary>
public sealed record SubscriberBody
{
    public required string ConsumerId { get; init; }
    public required string TokenName { get; init; }
    public required string Kind { get; init; }
    /// <summary>Defaults to the credential's env.</summary>
    public string? Env { get; init; }
    public bool Active { get; init; } = true;
    public IReadOnlyList<string>? Capabilities { get; init; }
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
    public string? UpdateEndpoint { get; init; }
    public string? UpdateMethod { get; init; }
    public string? UpdateAuthTokenName { get; init; }
    public string? HealthcheckEndpoint { get; init; }
    public int? HealthcheckSuccessStatus { get; init; }
}

/// <summary>ConsumerSpec ↔ stored JSON. Stored rows contain endpoints and names, never a credential value.</summary>
public static class SubscriberJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static SubscriberBody ToBody(ConsumerSpec c) => new()
    {
        ConsumerId = c.ConsumerId, TokenName = c.TokenName, Kind = c.Kind, Env = c.Env, Active = c.Active,
        Capabilities = c.Capabilities, Settings = c.Settings.Count == 0 ? null : c.Settings,
        UpdateEndpoint = c.UpdateEndpoint, UpdateMethod = c.UpdateMethod, UpdateAuthTokenName = c.UpdateAuthTokenName,
        HealthcheckEndpoint = c.HealthcheckEndpoint, HealthcheckSuccessStatus = c.HealthcheckSuccessStatus,
    };

    public static ConsumerSpec ToSpec(SubscriberBody b, string env) => new()
    {
        ConsumerId = b.ConsumerId, TokenName = b.TokenName, Kind = b.Kind, Env = b.Env ?? env, Active = b.Active,
        Capabilities = b.Capabilities ?? ["update"], Settings = b.Settings ?? new Dictionary<string, string>(),
        UpdateEndpoint = b.UpdateEndpoint, UpdateMethod = b.UpdateMethod, UpdateAuthTokenName = b.UpdateAuthTokenName,
        HealthcheckEndpoint = b.HealthcheckEndpoint, HealthcheckSuccessStatus = b.HealthcheckSuccessStatus,
    };

    public static string Serialize(ConsumerSpec c) => JsonSerializer.Serialize(ToBody(c), Options);

    public static ConsumerSpec Deserialize(string json) =>
        ToSpec(JsonSerializer.Deserialize<SubscriberBody>(json, Options) ?? throw new JsonException("empty subscriber row"), "");
}
