using Velvet.Core.Ports;

namespace Velvet.Store.Tests;

public abstract partial class JobStoreContract
{
    private static KeyRingElement Element(string name, string sealedText, DateTimeOffset at) =>
        new() { FriendlyName = name, SealedElement = sealedText, CreatedAt = at };

    [Fact]
    public async Task Key_ring_elements_are_listed_oldest_first_as_they_were_added()
    {
        var ring = JobStoreFactory.KeyRing(await IsolatedStoreAsync());
        Assert.Empty(await ring.ListKeyRingElementsAsync(Ct));

        var first = await ring.AddKeyRingElementAsync(Element("key-1", "v1.sealed-one", TestData.T0), Ct);
        // Friendly names are not unique: Data Protection may write two revocations in the same instant.
        var second = await ring.AddKeyRingElementAsync(Element("key-1", "v1.sealed-two", TestData.T0.AddDays(1)), Ct);
        Assert.True(second.Id > first.Id);

        var listed = await ring.ListKeyRingElementsAsync(Ct);
        Assert.Equal([first, second], listed);
        Assert.Equal("v1.sealed-one", listed[0].SealedElement);
        Assert.Equal(TestData.T0, listed[0].CreatedAt);
        Assert.Equal("key-1", listed[1].FriendlyName);
    }

    [Fact]
    public async Task Key_ring_refuses_an_element_without_a_name_or_content()
    {
        var ring = JobStoreFactory.KeyRing(await IsolatedStoreAsync());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ring.AddKeyRingElementAsync(Element(" ", "v1.x", TestData.T0), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ring.AddKeyRingElementAsync(Element("key-2", "", TestData.T0), Ct));
        Assert.Empty(await ring.ListKeyRingElementsAsync(Ct));
    }
}
