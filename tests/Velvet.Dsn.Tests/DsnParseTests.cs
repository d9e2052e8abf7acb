namespace Velvet.Dsn.Tests;

public sealed class DsnParseTests
{
    [Theory]
    [InlineData("postgres://app:s3cr%40t@db.example.com:6543/main?sslmode=require", "app", "s3cr@t", "db.example.com", 6543, "main")]
    [InlineData("postgresql://app@[::1]:5432/db", "app", null, "::1", 5432, "db")]
    [InlineData("host=h port=5433 user=u password='p w' dbname=d", "u", "p w", "h", 5433, "d")]
    [InlineData("Host=h;Port=5433;Username=u;Password=pw;Database=d", "u", "pw", "h", 5433, "d")]
    public void Parses_the_parts(string text, string user, string? password, string host, int port, string db)
    {
        var dsn = Dsn.Parse(text);
        Assert.Equal((user, password, host, port, db), (dsn.User, dsn.Password, dsn.Host, dsn.Port, dsn.Database));
        if (password is not null) Assert.DoesNotContain(password, dsn.Masked, StringComparison.Ordinal);
    }
}
