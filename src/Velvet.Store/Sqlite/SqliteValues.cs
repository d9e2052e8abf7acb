using System.Globalization;

namespace Velvet.Store.Sqlite;

/// <summary>Conversions between .NET values and the text/integer forms the SQLite schema stores.</summary>
internal static class SqliteValues
{
    // Fixed width, so text comparison in SQL (ORDER BY, lease expiry) equals time comparison.
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static object TimeOrNull(DateTimeOffset? t) => t is { } v ? Time(v) : DBNull.Value;

    public static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    // Microsoft.Data.Sqlite would bind a Guid as a BLOB; the schema keeps readable text.
    public static string Id(Guid id) => id.ToString("D");

    public static object OrNull(string? s) => s is null ? DBNull.Value : s;
}
