using System.Globalization;

namespace Velvet.Core.Notifications;

/// <summary>Durations as the manifest and the CLI write them: a whole number and a unit, <c>90s</c>, <c>15m</c>, <c>6h</c>, <c>30d</c>.</summary>
public static class DurationText
{
    /// <summary>What to write, for error messages.</summary>
    public const string Expected = "a whole number and a unit: s, m, h or d (e.g. 30d, 6h)";

    /// <summary>Parses <paramref name="text"/>; false for anything else, zero, or more than 100 years.</summary>
    public static bool TryParse(string? text, out TimeSpan span)
    {
        span = default;
        text = text?.Trim();
        if (text is null || text.Length < 2 || !long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        var seconds = text[^1] switch { 's' => 1L, 'm' => 60L, 'h' => 3600L, 'd' => 86_400L, _ => 0L };
        if (seconds == 0 || n > 36_500L * 86_400L / seconds) return false;
        span = TimeSpan.FromSeconds(n * seconds);
        return true;
    }

    /// <summary>The shortest exact form: <c>30d</c>, <c>6h</c>, <c>90m</c>, <c>45s</c>.</summary>
    public static string Format(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalDays}d")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalHours}h")
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMinutes}m")
        : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s");
}
