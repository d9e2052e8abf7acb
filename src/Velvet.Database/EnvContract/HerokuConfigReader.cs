using System.Text;
using System.Text.Json;

namespace Velvet.Database.EnvContract;

/// <summary>Reads a <c>heroku config --json</c> dump: one JSON object of variable → string value.</summary>
public static class HerokuConfigReader
{
    /// <summary>Reads every variable with the line of its key.</summary>
    /// <param name="path">The file.</param>
    /// <param name="display">How messages name it.</param>
    /// <returns>The entries, in file order.</returns>
    /// <exception cref="EnvFileException">Malformed JSON or a non-string value (file:line; values never quoted).</exception>
    public static IReadOnlyList<EnvEntry> Read(string path, string display)
    {
        var bytes = File.ReadAllBytes(path);
        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var json = bytes.AsSpan(start);
        var entries = new List<EnvEntry>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new EnvFileException(new SourceLocation(display, 1),
                    "expected a JSON object of VARIABLE: \"value\" (the output of `heroku config --json -a APP`)");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var at = new SourceLocation(display, LineOf(json, (int)reader.TokenStartIndex));
                var name = reader.GetString()!;
                reader.Read();
                entries.Add(reader.TokenType switch
                {
                    JsonTokenType.String => new EnvEntry(name, reader.GetString(), at),
                    JsonTokenType.Null => new EnvEntry(name, null, at),
                    _ => throw new EnvFileException(at, $"the value of {name} must be a string"),
                });
            }

            // Trailing content after the object: the reader throws a JsonException on the next Read.
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            // The reader's message can quote a character of the input: say only where.
            throw new EnvFileException(new SourceLocation(display, (int)(ex.LineNumber ?? 0) + 1),
                $"malformed JSON (byte {ex.BytePositionInLine + 1} of the line): expected the output of `heroku config --json`");
        }

        return entries;
    }

    private static int LineOf(ReadOnlySpan<byte> json, int index) => json[..index].Count((byte)'\n') + 1;
}
