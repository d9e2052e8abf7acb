namespace Velvet.Dsn.Tests;

public sealed class DsnParseTests
{
    [Theory]
    // URI: percent-encoded reserved characters in the password and user
    [InlineData("postgres://app:s3cr%40t@db.example.com:6543/main?sslmode=require", "app", "s3cr@t", "db.example.com", 6543, "main")]
    [InlineData("postgres://app:p%3Aw%2Fd%40x%3F%23%25@h:5432/d", "app", "p:w/d@x?#%", "h", 5432, "d")]
    [InlineData("postgres://us%40er:pw@h/d", "us@er", "pw", "h", null, "d")]
    [InlineData("postgresql://app:%C3%A9t%C3%A9@h/d", "app", "été", "h", null, "d")]
    // '+' is literal in a URI (libpq decodes %XX only)
    [InlineData("postgres://app:a+b@h/d", "app", "a+b", "h", null, "d")]
    // unencoded '@' in the password: the last '@' ends the user info (what Python's urlsplit does)
    [InlineData("postgres://app:p@ss@h:5433/d", "app", "p@ss", "h", 5433, "d")]
    // IPv6 with and without a port
    [InlineData("postgresql://app@[::1]:5432/db", "app", null, "::1", 5432, "db")]
    [InlineData("postgresql://app:pw@[2001:db8::7]/db", "app", "pw", "2001:db8::7", null, "db")]
    // missing port, missing database, missing user, missing host
    [InlineData("postgres://app:pw@db.internal/appdb", "app", "pw", "db.internal", null, "appdb")]
    [InlineData("postgres://app:pw@db.internal:5432", "app", "pw", "db.internal", 5432, null)]
    [InlineData("postgres://app:pw@db.internal:5432/", "app", "pw", "db.internal", 5432, null)]
    [InlineData("postgresql://localhost/raptor_dev", null, null, "localhost", null, "raptor_dev")]
    [InlineData("postgresql:///appdb", null, null, null, null, "appdb")]
    [InlineData("postgres://app:@h/d", "app", "", "h", null, "d")]
    // SQLAlchemy driver suffix
    [InlineData("postgresql+psycopg2://app:pw@h:5432/d", "app", "pw", "h", 5432, "d")]
    // query parameters naming the parts; the socket directory as host
    [InlineData("postgresql:///d?host=%2Fvar%2Frun%2Fpostgresql&user=app&password=pw&port=6000", "app", "pw", "/var/run/postgresql", 6000, "d")]
    [InlineData("POSTGRES://App:PW@H/D", "App", "PW", "H", null, "D")]
    // libpq key=value: quoting, escapes, spaces around '='
    [InlineData("host=h port=5433 user=u password='p w' dbname=d", "u", "p w", "h", 5433, "d")]
    [InlineData("host = h user = u password = 'it\\'s;x' dbname=d", "u", "it's;x", "h", null, "d")]
    [InlineData("host=h user=u password=a\\ b dbname=d", "u", "a b", "h", null, "d")]
    [InlineData("host=h user=u password=ab://c@d dbname=d", "u", "ab://c@d", "h", null, "d")]
    // ADO.NET (Npgsql) form: synonyms, double-quoted values with ';'
    [InlineData("Host=h;Port=5433;Username=u;Password=pw;Database=d", "u", "pw", "h", 5433, "d")]
    [InlineData("Server=h;User ID=u;Password=\"a;b=\"\"c\"\"\";Database=d;Pooling=false", "u", "a;b=\"c\"", "h", null, "d")]
    [InlineData("User ID=u", "u", null, null, null, null)]
    public void Parses_the_parts(string text, string? user, string? password, string? host, int? port, string? db)
    {
        var dsn = Dsn.Parse(text);
        Assert.Equal(DsnKind.Postgres, dsn.Kind);
        Assert.Equal((user, password, host, port, db), (dsn.User, dsn.Password, dsn.Host, dsn.Port, dsn.Database));
        if (!string.IsNullOrEmpty(password))
        {
            Assert.DoesNotContain(password, dsn.Masked, StringComparison.Ordinal);
            Assert.DoesNotContain(password, dsn.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("postgres://app:pw@db.example.com:6543/main?sslmode=require", "postgres://app@db.example.com:6543/main")]
    [InlineData("postgres://app:pw@db/main", "postgres://app@db:5432/main")]
    [InlineData("postgresql://app:pw@[::1]/main", "postgresql://app@[::1]:5432/main")]
    [InlineData("postgres://us%40er:pw@h/d", "postgres://us%40er@h:5432/d")]
    [InlineData("postgresql+psycopg2://app:pw@h/d", "postgresql+psycopg2://app@h:5432/d")]
    [InlineData("host=h user=u password=secret dbname=d", "postgres://u@h:5432/d")]
    [InlineData("postgresql:///d?host=/tmp", "postgresql://%2Ftmp:5432/d")]
    [InlineData("sqlite:////abs/app.db", "sqlite:////abs/app.db")]
    public void Masked_is_scheme_user_host_port_db(string text, string masked) => Assert.Equal(masked, Dsn.Parse(text).Masked);

    [Theory]
    [InlineData("sqlite:///rel/app.db", "rel/app.db")]
    [InlineData("sqlite:////abs/app.db", "/abs/app.db")]
    [InlineData("sqlite::memory:", ":memory:")]
    [InlineData("sqlite:///:memory:", ":memory:")]
    [InlineData("sqlite://", ":memory:")]
    [InlineData("sqlite:app.db", "app.db")]
    [InlineData("sqlite+pysqlite:///app.db?timeout=5", "app.db")]
    [InlineData("SQLITE:///My%20File.db", "My File.db")]
    public void Parses_sqlite_forms(string text, string path)
    {
        var dsn = Dsn.Parse(text);
        Assert.Equal(DsnKind.Sqlite, dsn.Kind);
        Assert.Equal(path, dsn.Path);
        Assert.Null(dsn.User);
        Assert.Throws<InvalidOperationException>(() => dsn.ToConnectionString());
    }

    [Theory]
    [InlineData(null, "the DSN is empty")]
    [InlineData("", "the DSN is empty")]
    [InlineData("   ", "the DSN is empty")]
    [InlineData("hunter2-canary", "not a DSN")]
    [InlineData("localhost:5432", "not a DSN")]
    [InlineData("mysql://u:pw@h/d", "unsupported scheme 'mysql'")]
    [InlineData("postgres://u:pw@h:99999/d", "invalid port")]
    [InlineData("postgres://u:pw@h:0/d", "invalid port")]
    [InlineData("postgres://u:pw@h:54x/d", "invalid port")]
    [InlineData("postgres://u:pa/ss@h/d", "must be percent-encoded")]
    [InlineData("postgres://u:pw@::1/d", "IPv6 address must be in brackets")]
    [InlineData("postgres://u:pw@[::1/d", "missing ']'")]
    [InlineData("postgres://u:pw@[::1]x/d", "unexpected characters after ']'")]
    [InlineData("postgres://u:pw@h1:5432,h2:5433/d", "multiple hosts")]
    [InlineData("postgres://u:p%zzw@h/d", "invalid percent-encoding in the password")]
    [InlineData("postgres://u:p%4@h/d", "invalid percent-encoding in the password")]
    [InlineData("postgres://u%00:pw@h/d", "%00 is not allowed")]
    [InlineData("postgres://u:%FF%FE@h/d", "not UTF-8")]
    [InlineData("postgres://u:pw@h/d?application_name=%G1", "invalid percent-encoding in the value of query parameter 'application_name'")]
    [InlineData("host=h password='opensesame", "unterminated quote in the value of 'password'")]
    [InlineData("host=h =x", "expected key=value")]
    [InlineData("Host=h;Password=\"open;", "malformed connection string")]
    [InlineData("host=h port=abc", "invalid port")]
    public void Rejects_bad_input_with_a_message_that_never_echoes_it(string? text, string expected)
    {
        Assert.False(Dsn.TryParse(text, out var dsn, out var error));
        Assert.Null(dsn);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        var ex = Assert.Throws<DsnFormatException>(() => Dsn.Parse(text));
        Assert.Equal(error, ex.Message);
        foreach (var secret in new[] { "pw", "hunter2", "p%zzw", "ss@h", "opensesame", "open;" })
        {
            if (text?.Contains(secret, StringComparison.Ordinal) == true) Assert.DoesNotContain(secret, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_key_value_string_with_a_url_in_its_password_is_not_mistaken_for_a_scheme()
    {
        // "host=h password=canary" before "://" once produced "unsupported scheme 'host=h password=canary'".
        Assert.False(Dsn.TryParse("host=h password=canary://x x", out _, out var error));
        Assert.DoesNotContain("canary", error, StringComparison.Ordinal);
        Assert.Equal("canary://x", Dsn.Parse("host=h password=canary://x").Password);
    }

    [Fact]
    public void Query_parameters_are_kept_decoded_and_parts_are_not_repeated()
    {
        var dsn = Dsn.Parse("postgres://u:pw@h/d?sslmode=verify-full&application_name=my%20app&options=-c%20search_path%3Dx&user=ignored&flag");
        Assert.Equal("u", dsn.User);
        Assert.Equal("verify-full", dsn.Parameters["SSLMODE"]);
        Assert.Equal("my app", dsn.Parameters["application_name"]);
        Assert.Equal("-c search_path=x", dsn.Parameters["options"]);
        Assert.Equal("", dsn.Parameters["flag"]);
        Assert.False(dsn.Parameters.ContainsKey("user"));
    }

    [Fact]
    public void Connection_string_maps_libpq_parameters_to_npgsql_keywords_and_quotes_values()
    {
        var cs = Dsn.Parse("postgres://u:p%3Bw%3D%22@h:6000/d?sslmode=verify-full&connect_timeout=7&application_name=x&unknown_libpq=1")
            .ToConnectionString();
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = cs };
        Assert.Equal("h", parsed["host"]);
        Assert.Equal("6000", parsed["port"]);
        Assert.Equal("u", parsed["username"]);
        Assert.Equal("p;w=\"", parsed["password"]);
        Assert.Equal("d", parsed["database"]);
        Assert.Equal("VerifyFull", parsed["ssl mode"]);
        Assert.Equal("7", parsed["timeout"]);
        Assert.Equal("x", parsed["application name"]);
        Assert.False(parsed.ContainsKey("unknown_libpq"));
    }

    [Fact]
    public void Connection_string_form_keeps_its_driver_keywords()
    {
        var cs = Dsn.Parse("Host=h;Username=u;Password=pw;Pooling=false;SSL Mode=Require").ToConnectionString();
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = cs };
        Assert.Equal("false", parsed["pooling"]);
        Assert.Equal("Require", parsed["ssl mode"]);
    }

    [Fact]
    public void ToUri_of_a_connection_string_form_uses_libpq_parameter_names()
    {
        var uri = Dsn.Parse("Host=h;Username=u;Password=pw;Database=d;SSL Mode=VerifyFull;Pooling=false").ToUri("app", "new");
        Assert.Equal("postgres://app:new@h/d?sslmode=verify-full", uri);
    }
}
