namespace Velvet.Database.Tests;

public sealed class FixtureTests(PgDatabaseFixture db) : IClassFixture<PgDatabaseFixture>
{
    [Fact]
    public async Task Owner_can_create_a_table_in_the_throwaway_database()
    {
        db.Require();
        await PgDatabaseFixture.ExecAsync(db.OwnerConnectionString, "CREATE TABLE fixture_probe (id int)", "DROP TABLE fixture_probe");
    }
}
