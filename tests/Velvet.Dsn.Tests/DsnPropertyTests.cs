using System.Data.Common;
using System.Text;

namespace Velvet.Dsn.Tests;

/// <summary>Properties over random users and passwords (seeded, so a failure reproduces), reserved characters included.</summary>
public sealed class DsnPropertyTests
{
    private const string Reserved = "@:/?#[]%&=+;,'\"\\ !$()*<>{}|^`~";
    private const string Plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._";
    private const string Unicode = "éßж中😀";
    private static readonly string[] Hosts = ["h", "db.example.com", "10.0.0.7", "::1", "2001:db8::7", "/var/run/postgresql"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ToUri_then_Parse_gives_back_the_same_parts(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 300; i++)
        {
            var user = Text(random, 1, 20);
            var password = Text(random, 0, 30);
            var host = Hosts[random.Next(Hosts.Length)];
            int? port = random.Next(3) == 0 ? null : random.Next(1, 65536);
            var database = random.Next(4) == 0 ? null : Text(random, 1, 15);
            var parameters = Enumerable.Range(0, random.Next(3)).ToDictionary(n => "p" + n + Text(random, 0, 5), _ => Text(random, 0, 10));
            var baseDsn = Dsn.Parse(BaseUri(host, port, database, parameters));

            var uri = baseDsn.ToUri(user, password);
            var parsed = Dsn.Parse(uri);

            var context = $"seed {seed} case {i}";
            Assert.True(user == parsed.User, context + ": user");
            Assert.True(password == parsed.Password, context + ": password");
            Assert.True(host == parsed.Host, context + ": host");
            Assert.True(port == parsed.Port, context + ": port");
            Assert.True(database == parsed.Database, context + ": database");
            Assert.Equal(parameters.OrderBy(p => p.Key), parsed.Parameters.OrderBy(p => p.Key));

            var cs = new DbConnectionStringBuilder { ConnectionString = parsed.ToConnectionString() };
            // An empty password is no password for the driver.
            Assert.True(password == (cs.TryGetValue("password", out var pw) ? (string)pw : ""), context + ": connection string password");
            Assert.True(user == (string)cs["username"], context + ": connection string user");
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Masked_never_contains_the_password(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 300; i++)
        {
            var password = Text(random, 8, 40);
            var user = "u" + Text(random, 0, 8);
            var uri = Dsn.Parse("postgresql://x@db.example.com:5432/app?sslmode=require").ToUri(user, password);
            var keyValue = $"host=db user=app password='{password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}' dbname=d";
            foreach (var text in new[] { uri, keyValue })
            {
                var dsn = Dsn.Parse(text);
                Assert.Equal(password, dsn.Password);
                Assert.DoesNotContain(password, dsn.Masked, StringComparison.Ordinal);
                Assert.DoesNotContain(password, dsn.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.EscapeDataString(password), dsn.Masked, StringComparison.Ordinal);
            }

            // Broken on purpose (bad port, bad escape): the error never echoes the password either.
            foreach (var broken in new[] { uri.Replace(":5432/", ":54x/", StringComparison.Ordinal), uri.Replace("@db", "%zz@db", StringComparison.Ordinal) })
            {
                Assert.False(Dsn.TryParse(broken, out _, out var error));
                Assert.DoesNotContain(password, error, StringComparison.Ordinal);
            }
        }
    }

    private static string BaseUri(string host, int? port, string? database, Dictionary<string, string> parameters)
    {
        var sb = new StringBuilder("postgres://x@");
        sb.Append(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : Uri.EscapeDataString(host));
        if (port is not null) sb.Append(':').Append(port.Value);
        sb.Append('/').Append(database is null ? "" : Uri.EscapeDataString(database));
        var first = true;
        foreach (var (k, v) in parameters)
        {
            sb.Append(first ? '?' : '&').Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
            first = false;
        }

        return sb.ToString();
    }

    private static string Text(Random random, int min, int max)
    {
        var length = random.Next(min, max + 1);
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            var pool = random.Next(10) switch { < 5 => Plain, < 9 => Reserved, _ => Unicode };
            var start = random.Next(pool.Length);
            // Keep surrogate pairs whole.
            if (char.IsLowSurrogate(pool[start])) start--;
            sb.Append(pool, start, char.IsHighSurrogate(pool[start]) ? 2 : 1);
        }

        return sb.ToString();
    }
}
