using System.Globalization;

namespace Velvet.Bench;

/// <summary>Minimal <c>--name value</c> parser: unknown options are an error, so a typo never runs the wrong benchmark.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Args(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{name}'");
            if (!e.MoveNext()) throw new ArgumentException($"{name} needs a value");
            _values[name[2..]] = e.Current;
        }
    }

    public int Int(string name, int fallback, int min, int max)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new ArgumentException($"--{name} must be an integer in [{min}, {max}]; got '{text}'");
        return v;
    }

    public string Text(string name, string fallback, params string[] allowed)
    {
        _used.Add(name);
        var v = _values.TryGetValue(name, out var text) ? text : fallback;
        if (allowed.Length > 0 && !allowed.Contains(v, StringComparer.Ordinal))
            throw new ArgumentException($"--{name} must be one of {string.Join(", ", allowed)}; got '{v}'");
        return v;
    }

    public string? Optional(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    /// <summary>Call after reading every option.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException("unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
    }
}
