using System.Collections.Concurrent;
using System.Text;

namespace Velvet.Vendors.Local;

/// <summary>
/// Replaces files whole (temp file in the same directory, then rename) so a reader never sees half a file,
/// and serialises read-modify-write cycles per path inside this process.
/// </summary>
public static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    /// <summary>The in-process lock for a file; hold it across read, modify and write.</summary>
    public static SemaphoreSlim LockFor(string path) =>
        Locks.GetOrAdd(Path.GetFullPath(path), _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically. The mode is set on the temp file
    /// before the rename, so the file never exists, even briefly, with looser permissions than intended.
    /// </summary>
    public static void Replace(string path, string content, UnixFileMode mode, bool withBom = false)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        // Same directory as the target: a rename across file systems would not be atomic.
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            using (var stream = new FileStream(temp, options))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
                // A file that had a byte-order mark keeps it: some Windows tools read it to pick the encoding.
                if (withBom) stream.Write(Encoding.UTF8.Preamble);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            // UnixCreateMode is filtered by the umask; set it again so 0640 stays 0640.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, mode);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
