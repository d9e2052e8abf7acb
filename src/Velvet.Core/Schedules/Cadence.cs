using System.Globalization;
using Cronos;
using Velvet.Core.Manifest;

namespace Velvet.Core.Schedules;

/// <summary>A credential's rotation cadence: a five-field UTC cron expression or a fixed period (SPEC §8).</summary>
public sealed class Cadence
{
    private readonly CronExpression? _cron;

    private Cadence(string text, CronExpression? cron, TimeSpan? period)
    {
        Text = text;
        _cron = cron;
        Period = period;
    }

    /// <summary>As written in the manifest (<c>cron 0 3 1 * *</c> or <c>every 90d</c>).</summary>
    public string Text { get; }

    /// <summary>The period, when the cadence is one; for cron, null.</summary>
    public TimeSpan? Period { get; }

    /// <summary>Null when the spec has neither (the loader rejects that) or is not parseable.</summary>
    public static Cadence? From(ScheduleSpec? spec)
    {
        if (spec?.Every is { } every && TryParsePeriod(every, out var period)) return new Cadence($"every {every}", null, period);
        if (spec?.Cron is { } cron && TryParseCron(cron, out var expression, out _)) return new Cadence($"cron {cron}", expression, null);
        return null;
    }

    /// <summary>The first due time strictly after <paramref name="anchor"/>.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset anchor)
    {
        if (Period is { } p) return anchor + p;
        var next = _cron!.GetNextOccurrence(anchor.UtcDateTime, TimeZoneInfo.Utc, inclusive: false);
        return next is { } n ? new DateTimeOffset(n, TimeSpan.Zero) : null;
    }

    /// <summary>The longest gap between two due times, for "age against cadence" (a cron's gap is measured once, from <paramref name="from"/>).</summary>
    public TimeSpan? Interval(DateTimeOffset from)
    {
        if (Period is { } p) return p;
        return NextAfter(from) is { } first && NextAfter(first) is { } second ? second - first : null;
    }

    /// <summary><c>30d</c>, <c>12h</c>, <c>90m</c>: a whole number and a unit.</summary>
    public static bool TryParsePeriod(string text, out TimeSpan period)
    {
        period = default;
        if (text.Length < 2 || text[0] == '0') return false;
        if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        TimeSpan? p = text[^1] switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            _ => null,
        };
        if (p is null) return false;
        period = p.Value;
        return true;
    }

    /// <summary>Parses a five-field cron expression; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParseCron(string text, out CronExpression? expression, out string? error)
    {
        try
        {
            expression = CronExpression.Parse(text, CronFormat.Standard);
            error = null;
            return true;
        }
        catch (CronFormatException ex)
        {
            expression = null;
            error = ex.Message;
            return false;
        }
    }
}
