using Velvet.Core.Ports;

namespace Velvet.Store.Common;

/// <summary>Key-ring rules and column list both backends share.</summary>
internal static class KeyRingRows
{
    public const string Columns = "id, friendly_name, sealed_element, created_at";

    /// <summary>A malformed element is a caller bug (Data Protection always names its elements), so it throws.</summary>
    public static void Valid(KeyRingElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrWhiteSpace(element.FriendlyName);
        ArgumentException.ThrowIfNullOrWhiteSpace(element.SealedElement);
    }
}
