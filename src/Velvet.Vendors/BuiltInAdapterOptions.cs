using Velvet.Core.Secrets;

namespace Velvet.Vendors;

/// <summary>What the built-in adapters share: where local state lives, how HTTP is sent, the clock and the masker.</summary>
public sealed record BuiltInAdapterOptions
{
    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        // Connections are recycled so DNS changes of an endpoint are picked up by a long-running server.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // Each call has its own timeout (HttpTimeout); the client-wide one would only blur it.
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    });

    /// <summary>Default <c>state_dir</c> of <c>generated</c> credentials.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The client for HTTP consumers and healthchecks; called per request, so a factory's pooled clients fit.</summary>
    public Func<HttpClient> HttpClient { get; init; } = () => SharedClient.Value;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Per HTTP call; an endpoint silent for longer is a transient failure.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where values read back from consumers are registered before anything could print them.</summary>
    public SecretMasker Masker { get; init; } = SecretMasker.Shared;

    /// <summary>Environment lookup for settings that name a variable (postgres-role's admin_url_env); tests pass their own.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}
