using System.Text;
using Velvet.Core.Secrets;

namespace Velvet.Cli.Output;

/// <summary>Last line of defence for CLI output: every write passes the masker.</summary>
internal sealed class MaskingTextWriter(TextWriter inner, SecretMasker masker) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(masker.Scrub(value));

    public override void WriteLine(string? value) => inner.WriteLine(masker.Scrub(value));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush() => inner.Flush();
}
