using Velvet.Core.Manifest;
using Velvet.Core.Ports;

namespace Velvet.Core.Inventory;

/// <summary>Fallback when no adapter package describes targets: the kind and the consumer id.</summary>
public sealed class KindOnlyTargets : IConsumerTargets
{
    public ConsumerTarget Describe(ConsumerSpec consumer) => new(consumer.Kind, consumer.ConsumerId);
}
