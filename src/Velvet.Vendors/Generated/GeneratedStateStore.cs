using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Velvet.Core.Secrets;
using Velvet.Vendors.Local;

namespace Velvet.Vendors.Generated;

/// <summary>
/// One JSON file per credential under a directory. Writes replace the file atomically and are serialised
/// per file in this process; reads need no lock because a rename is never seen half done.
/// </summary>
public sealed class GeneratedStateStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public GeneratedStateStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>File of a credential. Names outside [A-Za-z0-9._-] get a hash suffix so two names never share a file.</summary>
    public string PathFor(string credential)
    {
        var safe = new string(credential.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        if (safe != credential || safe.StartsWith('.'))
            safe = $"{safe.TrimStart('.')}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)).AsSpan(0, 4))}";
        return Path.Combine(Directory, safe + ".json");
    }

    public GeneratedState Read(string credential)
    {
        var path = PathFor(credential);
        string text;
        try { text = File.ReadAllText(path); }
        catch (FileNotFoundException) { return GeneratedState.Empty(credential); }
        catch (DirectoryNotFoundException) { return GeneratedState.Empty(credential); }
        catch (IOException ex) { throw new GeneratedStateException($"cannot read the state file {path}: {ex.GetType().Name}", ex); }
        catch (UnauthorizedAccessException ex) { throw new GeneratedStateException($"cannot read the state file {path}: permission denied", ex); }
        try
        {
            var state = JsonSerializer.Deserialize<GeneratedState>(text, Json);
            if (state?.Ids is null || !string.Equals(state.Credential, credential, StringComparison.Ordinal))
                throw new GeneratedStateException($"the state file {path} is not the state of credential {credential}; move it away or restore it from backup");
            return state;
        }
        catch (JsonException ex)
        {
            throw new GeneratedStateException($"the state file {path} is not valid JSON (line {ex.LineNumber}); restore it from backup or move it away", ex);
        }
    }

    /// <summary>
    /// Reads, lets <paramref name="change"/> decide, and writes the new state when it returns one.
    /// The lock spans the whole cycle so two concurrent mints cannot both see "no id with this tag".
    /// </summary>
    public async Task<T> UpdateAsync<T>(string credential, Func<GeneratedState, (GeneratedState? Changed, T Result)> change, CancellationToken ct)
    {
        var path = PathFor(credential);
        var gate = AtomicFile.LockFor(path);
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var (changed, result) = change(Read(credential));
            if (changed is not null)
            {
                System.IO.Directory.CreateDirectory(Directory);
                AtomicFile.Replace(path, JsonSerializer.Serialize(changed, Json) + "\n", OwnerOnly);
            }
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>True when the value's fingerprint matches an id that is not revoked.</summary>
    public bool IsAccepted(string credential, string value)
    {
        var fingerprint = Fingerprints.Sha256(value);
        return Read(credential).Ids.Any(r => !r.IsRevoked && string.Equals(r.Fingerprint, fingerprint, StringComparison.Ordinal));
    }
}
