using System.Diagnostics.Metrics;

namespace Velvet.Core.Engine;

/// <summary>
/// The engine's metrics (System.Diagnostics.Metrics, no exporter dependency here): hosts export the "Velvet" meter,
/// e.g. to Prometheus. Labels never carry a value; credential and consumer ids only.
/// </summary>
public static class VelvetMetrics
{
    public const string MeterName = "Velvet";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>velvet_job_transitions_total{from,to,flow}.</summary>
    public static readonly Counter<long> Transitions = Meter.CreateCounter<long>("velvet_job_transitions", description: "Job status transitions");

    /// <summary>velvet_step_duration_seconds{step,outcome}: one vendor or consumer call including retries.</summary>
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("velvet_step_duration", unit: "s", description: "Vendor/consumer call duration including retries");

    /// <summary>velvet_vendor_errors_total{kind,outcome}: failed calls by classification (transient/permanent...).</summary>
    public static readonly Counter<long> VendorErrors = Meter.CreateCounter<long>("velvet_vendor_errors", description: "Failed vendor/consumer calls by kind");
}
