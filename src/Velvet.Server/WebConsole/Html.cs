using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Velvet.Server.WebConsole;

/// <summary>
/// A piece of HTML. Built with <see cref="Of"/> from an interpolated string: literal parts are markup, every hole is
/// HTML-encoded unless it is itself <see cref="Html"/>. So nothing a user or the manifest wrote reaches a page raw.
/// </summary>
public readonly record struct Html(string Value)
{
    public static Html Empty { get; } = new("");

    public static Html Of([InterpolatedStringHandlerArgument] ref HtmlHandler handler) => handler.Build();

    /// <summary>Concatenates pieces (rows of a table, items of a list).</summary>
    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary>Encoded text (for one value outside an interpolation).</summary>
    public static Html Text(string? text) => new(HtmlEncoder.Default.Encode(text ?? ""));

    public static Html When(bool condition, Html html) => condition ? html : Empty;

    public override string ToString() => Value;
}

/// <summary>The interpolation handler behind <see cref="Html.Of"/>.</summary>
[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    private readonly StringBuilder _b;

    public HtmlHandler(int literalLength, int formattedCount) => _b = new StringBuilder(literalLength + formattedCount * 16);

    public readonly void AppendLiteral(string s) => _b.Append(s);

    public readonly void AppendFormatted(Html html) => _b.Append(html.Value);

    public readonly void AppendFormatted<T>(T value)
    {
        var text = value switch
        {
            null => "",
            DateTimeOffset d => d.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        _b.Append(HtmlEncoder.Default.Encode(text));
    }

    internal readonly Html Build() => new(_b.ToString());
}
