using Velvet.Core.Manifest;

namespace Velvet.Core.Ports;

/// <summary>Where one copy of a credential lives, for people: a kind label and a target built from settings (never a value).</summary>
/// <param name="Label">e.g. "Heroku config var", "GitHub Actions secret", "SSM".</param>
/// <param name="Target">e.g. <c>raxx-api-prod/HEROKU_API_KEY</c>, <c>MooseQuest/raxx/HEROKU_API_KEY</c>, <c>us-east-1:/raxx/x</c>.</param>
public sealed record ConsumerTarget(string Label, string Target);

/// <summary>Describes consumers by kind (inventory, health, reports).</summary>
public interface IConsumerTargets
{
    ConsumerTarget Describe(ConsumerSpec consumer);
}
