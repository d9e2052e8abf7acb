using Velvet.Core.Secrets;

namespace Velvet.Core.Tests.Secrets;

public class SecretMaskerTests
{
    [Fact]
    public void Text_without_secrets_is_returned_unchanged()
    {
        var m = new SecretMasker();
        m.Register("s3cr3t-value-1");
        const string line = "job 42 distribute=succeeded";
        Assert.Same(line, m.Scrub(line));
    }

    [Fact]
    public void A_form_containing_another_is_masked_whole()
    {
        var m = new SecretMasker();
        m.Register("abcdef");
        m.Register("abcdef-longer");
        Assert.Equal("x=*** y=***", m.Scrub("x=abcdef-longer y=abcdef"));
    }

    [Fact]
    public void Keeps_the_most_recently_used_values_up_to_capacity()
    {
        var m = new SecretMasker();
        m.Register("value-number-00000");
        for (var i = 1; i <= SecretMasker.Capacity; i++)
        {
            if (i == SecretMasker.Capacity / 2) m.Register("value-number-00000"); // read again: stays
            m.Register($"value-number-{i:D5}");
        }
        Assert.Equal("***", m.Scrub("value-number-00000"));
        Assert.Equal("value-number-00001", m.Scrub("value-number-00001")); // the least recently used left
        Assert.Equal("***", m.Scrub($"value-number-{SecretMasker.Capacity:D5}"));
    }

    [Fact]
    public void Registering_the_same_value_again_adds_nothing()
    {
        var m = new SecretMasker();
        m.Register("repeated-value");
        var count = m.Count;
        for (var i = 0; i < 100; i++) m.Register("repeated-value");
        Assert.Equal(count, m.Count);
    }
}
