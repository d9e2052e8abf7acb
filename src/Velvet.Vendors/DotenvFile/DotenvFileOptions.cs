using System.Text.RegularExpressions;
using Velvet.Core.Manifest;

namespace Velvet.Vendors.DotenvFile;

/// <summary>Settings of a <c>dotenv-file</c> consumer: which file and which key in it.</summary>
public sealed partial record DotenvFileOptions(string Path, string Key)
{
    public static DotenvFileOptions FromSpec(ConsumerSpec consumer)
    {
        var owner = $"consumer {consumer.ConsumerId} (line {consumer.Line}, kind dotenv-file)";
        var path = consumer.Setting("path");
        var key = consumer.Setting("key");
        if (string.IsNullOrWhiteSpace(path))
            throw new AdapterSettingsException($"{owner}: setting path is required; name the dotenv file, e.g. path: ./app/.env");
        if (string.IsNullOrWhiteSpace(key))
            throw new AdapterSettingsException($"{owner}: setting key is required; name the variable, e.g. key: {consumer.TokenName}");
        if (!KeyPattern().IsMatch(key))
            throw new AdapterSettingsException($"{owner}: setting key '{key}' is not a dotenv variable name; use letters, digits, '_', '.' or '-', not starting with a digit");
        return new DotenvFileOptions(path, key);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex KeyPattern();
}
