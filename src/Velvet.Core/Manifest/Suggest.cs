namespace Velvet.Core.Manifest;

/// <summary>"Did you mean …?" for misspelt keys, kinds and values.</summary>
internal static class Suggest
{
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        var wanted = Normalize(input);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(wanted, Normalize(candidate));
            // A third of the word may be wrong: catches typos and case/separator slips without suggesting unrelated keys.
            if (distance < bestDistance && distance <= Math.Max(1, candidate.Length / 3))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>"did you mean X?" when something is close, else <paramref name="otherwise"/>.</summary>
    public static string Fix(string input, IEnumerable<string> candidates, string otherwise) =>
        Closest(input, candidates) is { } closest ? $"did you mean {closest}?" : otherwise;

    /// <summary>"did you mean X?" when something is close, else the whole list.</summary>
    public static string OneOf(string input, IReadOnlyList<string> candidates) =>
        Fix(input, candidates, $"use one of: {string.Join(", ", candidates)}");

    private static string Normalize(string s) => s.ToLowerInvariant().Replace('-', '_');

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
