using System.Globalization;

namespace Velvet.Bench;

internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public static string F(double v, int decimals = 2) => v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A line for bench/run.sh to collect into its summary: "RESULT key=value ...".</summary>
    public static void Result(params (string Key, string Value)[] pairs) =>
        Console.WriteLine("RESULT " + string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")));
}
