using Velvet.Dsn;

namespace Velvet.Database.Doctor;

/// <summary>
/// The three inputs of the runtime URL resolution (SPEC R7) as set, and what <see cref="RuntimeDatabaseUrl.Resolve(Func{string, string?}, RuntimeUrlOptions?)"/>
/// makes of them: the doctor has no resolution rules of its own, it reports the library's outcome and fail-fast message.
/// </summary>
internal sealed record RuntimeView(string? Owner, string? App, string? Flag, RuntimeUrlResolution? Resolution, DsnConfigurationException? Failure)
{
    public static RuntimeView Read(Func<string, string?> env, RuntimeUrlOptions options)
    {
        RuntimeUrlResolution? resolution = null;
        DsnConfigurationException? failure = null;
        try
        {
            resolution = RuntimeDatabaseUrl.Resolve(env, options);
        }
        catch (DsnConfigurationException ex)
        {
            failure = ex;
        }
        return new(Blank(env(options.OwnerVariable)), Blank(env(options.AppRoleVariable)), Blank(env(options.FlagVariable)), resolution, failure);
    }

    /// <summary>On for <c>1</c> or <c>true</c>, as the runtime reads it.</summary>
    public bool FlagOn => RuntimeDatabaseUrl.TryParseFlag(Flag, out var on) && on;

    /// <summary>Neither on nor one of the documented off values: the runtime refuses to start on a PostgreSQL owner URL.</summary>
    public bool FlagInvalid => !RuntimeDatabaseUrl.TryParseFlag(Flag, out _);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
