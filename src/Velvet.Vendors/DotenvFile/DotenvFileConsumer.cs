using System.Text;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.DotenvFile;

/// <summary>
/// A local dotenv file holding one copy of a credential under one key. Push rewrites only that key's line,
/// atomically and keeping the file's mode; validate compares fingerprints, never values.
/// </summary>
public sealed class DotenvFileConsumer : IConsumerAdapter, IHeldValueReader, IValuePresence
{
    public const string KindName = "dotenv-file";
    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly DotenvFileOptions _options;
    private readonly SecretMasker _masker;

    public DotenvFileConsumer(DotenvFileOptions options, SecretMasker masker)
    {
        _options = options;
        _masker = masker;
    }

    public string Kind => KindName;

    public async Task<Outcome> PushAsync(ConsumerContext ctx, SecretValue value, CancellationToken ct)
    {
        var path = TargetPath();
        var key = _options.Key;
        var gate = AtomicFile.LockFor(path);
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var dir = Path.GetDirectoryName(path);
            if (dir is not null && !Directory.Exists(dir))
                return Outcome.Permanent($"{_options.Path}: directory {dir} does not exist; create it or fix setting path");
            var exists = File.Exists(path);
            var (text, bom) = exists ? ReadText(path) : ("", false);
            var mode = exists && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(path) : NewFileMode;
            string updated;
            try { updated = DotenvText.Set(text, key, value.Reveal()); }
            catch (FormatException ex) { return Outcome.Permanent($"{_options.Path}: {ex.Message}"); }
            if (exists && string.Equals(updated, text, StringComparison.Ordinal))
                return Outcome.Ok($"{_options.Path}: {key} already holds {value.Fingerprint}");
            AtomicFile.Replace(path, updated, mode, bom);
            return Outcome.Ok($"{_options.Path}: {key} set to {value.Fingerprint}");
        }
        catch (UnauthorizedAccessException)
        {
            return Outcome.Permanent($"{_options.Path}: permission denied; give Velvet's user write access to the file and its directory");
        }
        catch (IOException ex)
        {
            return Outcome.Transient($"{_options.Path}: write failed ({ex.GetType().Name}); retry");
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<Outcome> ValidateAsync(ConsumerContext ctx, CancellationToken ct)
    {
        if (ctx.ExpectedFingerprint is null)
            return Task.FromResult(Outcome.Confirm($"{_options.Path}: no expected fingerprint to compare {_options.Key} with; confirm manually"));
        var held = ReadHeld();
        if (held.Value is null) return Task.FromResult(held.Problem!);
        var fingerprint = held.Value.Fingerprint;
        return Task.FromResult(string.Equals(fingerprint, ctx.ExpectedFingerprint, StringComparison.Ordinal)
            ? Outcome.Ok($"{_options.Path}: {_options.Key} holds {fingerprint}")
            : Outcome.Permanent($"{_options.Path}: {_options.Key} holds a different value (fingerprint {fingerprint}, expected {ctx.ExpectedFingerprint})"));
    }

    /// <summary>Provision check: a missing file, key or empty value is absent; an unreadable file is unknown.</summary>
    public Task<PresenceResult> PresenceAsync(ConsumerContext ctx, CancellationToken ct)
    {
        var held = ReadHeld();
        if (held.Value is not null) return Task.FromResult(new PresenceResult(Presence.Present, $"{_options.Path} has {_options.Key} ({held.Value.Fingerprint})"));
        var unreadable = held.Problem!.Kind == OutcomeKind.Transient || held.Problem.Message!.Contains("permission denied", StringComparison.Ordinal);
        return Task.FromResult(new PresenceResult(unreadable ? Presence.Unknown : Presence.Absent, held.Problem.Message!));
    }

    /// <summary>The key's value in the file now, registered with the masker before anything could print it.</summary>
    public HeldValue ReadHeld()
    {
        var path = TargetPath();
        string? held;
        try
        {
            if (!File.Exists(path)) return new HeldValue(null, Outcome.Permanent($"{_options.Path} does not exist; push again or fix setting path"));
            held = DotenvText.Read(ReadText(path).Text, _options.Key);
        }
        catch (UnauthorizedAccessException) { return new HeldValue(null, Outcome.Permanent($"{_options.Path}: permission denied reading it")); }
        catch (IOException ex) { return new HeldValue(null, Outcome.Transient($"{_options.Path}: read failed ({ex.GetType().Name}); retry")); }
        if (held is null)
            return new HeldValue(null, Outcome.Permanent($"{_options.Path} has no {_options.Key}; push again"));
        if (held.Length == 0)
            return new HeldValue(null, Outcome.Permanent($"{_options.Path}: {_options.Key} is empty"));
        // The value read is a credential too (old or new): mask it before anything could print it.
        _masker.Register(held);
        return new HeldValue(new SecretValue(held), null);
    }

    public Task<Outcome> ProbeRejectedAsync(ConsumerContext ctx, CancellationToken ct) =>
        Task.FromResult(Outcome.Confirm(
            $"{_options.Path} is a file: it cannot refuse a revoked credential. Confirm that what reads {_options.Key} from it is refused with the old value, or add a healthcheck_endpoint"));

    /// <summary>The file to replace: a symlink's final target, so the rename replaces the file and not the link.</summary>
    private string TargetPath()
    {
        var full = Path.GetFullPath(_options.Path);
        var target = File.Exists(full) ? new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) : null;
        return target?.FullName ?? full;
    }

    private static (string Text, bool Bom) ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var preamble = Encoding.UTF8.Preamble;
        var bom = bytes.AsSpan().StartsWith(preamble);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(bom ? bytes[preamble.Length..] : bytes);
        Array.Clear(bytes);
        return (text, bom);
    }
}
