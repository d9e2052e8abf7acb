namespace Velvet.Database.Doctor;

/// <summary>
/// The three inputs of the runtime URL resolution (SPEC R7): owner URL, app URL and the role-separation flag, read
/// by name from an environment. A small internal seam: the runtime resolver in Velvet.Dsn is being built in parallel
/// and is not on this branch yet; when it lands, the doctor should take its names and flag parsing from there.
/// </summary>
internal sealed record RuntimeUrlInputs(string? Owner, string? App, string? Flag)
{
    public static RuntimeUrlInputs Read(Func<string, string?> env, DoctorOptions options) =>
        new(Blank(env(options.OwnerVariable)), Blank(env(options.AppVariable)), Blank(env(options.FlagVariable))?.Trim());

    /// <summary>On for <c>1</c> or <c>true</c> (any case), as the runtime resolution reads it; anything else is off.</summary>
    public bool FlagOn => Flag is not null && (Flag == "1" || Flag.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>Neither on nor one of the documented off values (0, false).</summary>
    public bool FlagUnrecognised => Flag is not null && !FlagOn && Flag != "0" && !Flag.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
