using Velvet.Core.Ports;
using Velvet.Core.Secrets;

namespace Velvet.Vendors;

/// <summary>The value a consumer holds now, or why it cannot be read. The value is registered with the masker.</summary>
public sealed record HeldValue(SecretValue? Value, Outcome? Problem);

/// <summary>
/// A consumer that can read back the copy it holds (a dotenv file can; a write-only config API cannot). Vendors
/// that can test a value themselves, such as a database login, use it to check the consumer's own copy.
/// </summary>
public interface IHeldValueReader
{
    HeldValue ReadHeld();
}
