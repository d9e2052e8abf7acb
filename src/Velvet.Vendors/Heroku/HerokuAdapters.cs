using Velvet.Core.Manifest;
using Velvet.Core.Ports;
using Velvet.Core.Secrets;
using Velvet.Vendors.Heroku.Postgres;
using Velvet.Vendors.Http;

namespace Velvet.Vendors.Heroku;

/// <summary>The Heroku kinds for the catalog. One rate gate for all of them: Heroku's budget is per account, not per adapter.</summary>
internal sealed class HerokuAdapters(HttpCaller http, SecretMasker masker, TimeProvider time)
{
    public static readonly IReadOnlyList<AdapterKind> Kinds =
    [
        new(HerokuTokenVendor.KindName, AdapterRole.Vendor, [], ["scopes", "expires_in", "auth_token_name", "authorization_id", "base_url"], IsLocal: false,
            "Heroku Platform API token (OAuth authorization): verify GET /account, mint POST /oauth/authorizations, revoke with the new token"),
        new(HerokuPostgresVendor.KindName, AdapterRole.Vendor, ["addon", "credential", "auth_token_name"], ["create_if_missing", "base_url", "data_base_url"], IsLocal: false,
            "Named Heroku Postgres credential (Data API): rotate in place, the value is its connection URL; Essential-tier plans refused"),
        new(HerokuConfigVarConsumer.KindName, AdapterRole.Consumer, ["app", "key"], ["base_url"], IsLocal: false,
            "One config var of a Heroku app (PATCH /apps/{app}/config-vars), authenticated by update_auth_token_name"),
    ];

    private readonly HerokuRateGate _gate = new(time);

    public ICredentialVendor Token(CredentialSpec credential)
    {
        var options = HerokuTokenOptions.FromSpec(credential);
        return new HerokuTokenVendor(options, new HerokuClient(http, _gate, options.BaseUrl), masker);
    }

    public ICredentialVendor Postgres(CredentialSpec credential)
    {
        var options = HerokuPostgresOptions.FromSpec(credential);
        var api = new HerokuPostgresApi(new HerokuClient(http, _gate, options.PlatformUrl), new HerokuClient(http, _gate, options.DataUrl, HerokuApi.Data));
        return new HerokuPostgresVendor(options, api, masker);
    }

    public IConsumerAdapter ConfigVar(ConsumerSpec consumer, IHealthcheck? healthcheck)
    {
        var options = HerokuConfigVarOptions.FromSpec(consumer);
        return new HerokuConfigVarConsumer(options, new HerokuClient(http, _gate, options.BaseUrl), healthcheck);
    }
}
