namespace Velvet.Vendors.Heroku.Postgres;

/// <summary>
/// Which Heroku Postgres plans can hold named credentials. The Heroku CLI treats plans named <c>essential*</c>, or
/// ending in dev, basic or mini (the legacy hobby plans), as Essential-tier: those have only the default credential.
/// </summary>
public static class HerokuPostgresPlans
{
    /// <summary>True for Essential-tier plans, e.g. <c>heroku-postgresql:essential-0</c> or <c>heroku-postgresql:hobby-dev</c>.</summary>
    public static bool IsEssential(string plan)
    {
        var tier = plan[(plan.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return tier.StartsWith("essential", StringComparison.Ordinal)
            || tier.EndsWith("dev", StringComparison.Ordinal) || tier.EndsWith("basic", StringComparison.Ordinal) || tier.EndsWith("mini", StringComparison.Ordinal);
    }

    /// <summary>The refusal, in the words of the provisioning runbook (failure mode B).</summary>
    public static string EssentialRefusal(string addon, string plan, string credential) =>
        $"add-on {addon} is on plan {plan}: You can't create a custom credential on Essential-tier databases. Essential plans have only the default " +
        $"owner credential, so the named credential {credential} (role separation) is impossible there. Fix: upgrade the add-on to Standard-0, the " +
        $"minimum tier with named credentials (heroku addons:upgrade {addon} heroku-postgresql:standard-0 -a APP), then verify again";
}
