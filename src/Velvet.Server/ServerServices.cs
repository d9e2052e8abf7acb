using Velvet.Core.Auth;
using Velvet.Core.Engine;
using Velvet.Core.Inventory;
using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Server;

/// <summary>Everything the HTTP host needs, composed by the caller (the CLI's `serve`, or tests).</summary>
public sealed record ServerServices
{
    public required VelvetManifest Manifest { get; init; }
    public required IJobStore Store { get; init; }
    public required IServiceTokenStore Tokens { get; init; }
    public required RotationService Service { get; init; }
    public required JobRunner Runner { get; init; }
    public required SecretMasker Masker { get; init; }
    public required string Env { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Feature flag <c>rotation_enabled</c> (the team's <c>velvet_v2_rotation</c>): off → rotation endpoints answer 503.</summary>
    public bool RotationEnabled { get; init; } = true;
    /// <summary>Why rotation is off, shown in the 503 and in /flags.</summary>
    public string? RotationDisabledReason { get; init; }
    /// <summary>How often the worker looks for jobs left behind (crashed replica, expired lease).</summary>
    public TimeSpan WorkerPollInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How often an event stream looks for new events in the store (works across replicas).</summary>
    public TimeSpan StreamPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public bool RunWorker { get; init; } = true;
    /// <summary>
    /// How long a job's view is served from memory when no write went through this replica (ADR 0008); writes by
    /// another replica or the CLI show after at most this long. Same default as <see cref="StreamPollInterval"/>.
    /// </summary>
    public TimeSpan JobViewCacheTtl { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How long a token row is reused before it is read again (a revocation elsewhere takes up to this long).</summary>
    public TimeSpan TokenCacheTtl { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Runtime subscriber registration (ADR-0041); null when the store has no registry (then the manifest rules).</summary>
    public Velvet.Core.Registry.SubscriberRegistry? Registry { get; init; }
    /// <summary>How often a replica checks whether another one changed the subscribers table.</summary>
    public TimeSpan RegistryPollInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Sends the notification outbox (docs/notifications.md); null = this replica sends none.</summary>
    public Velvet.Core.Notifications.NotificationDispatcher? Notifier { get; init; }
    /// <summary>Scheduled rotations: pass interval, pair gap (docs/operations.md).</summary>
    public Velvet.Core.Schedules.SchedulerOptions Schedules { get; init; } = new();
    /// <summary>Seals the console's key ring in the store (sessions survive restarts, work on every replica); null = in memory.</summary>
    public SecretBox? MasterKey { get; init; }
    /// <summary>Describes consumer targets for the inventory (the CLI passes the built-in kinds' formatter).</summary>
    public IConsumerTargets Targets { get; init; } = new KindOnlyTargets();
}
