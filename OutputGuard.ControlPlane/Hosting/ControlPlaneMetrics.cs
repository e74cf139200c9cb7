using System.Diagnostics.Metrics;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Sync;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>
/// The control plane's own series on /metrics: the revision this replica has published and the gateway
/// streams it serves. The resolver's counters come from its own meter.
/// </summary>
public sealed class ControlPlaneMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OutputGuard.ControlPlane";

    /// <summary>Creates the instruments on <paramref name="meterFactory"/>.</summary>
    public ControlPlaneMetrics(IMeterFactory meterFactory, ChangeFeed feed, GatewayRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("outputguard_revision", () => Math.Max(0, feed.PublishedRevision),
            description: "The newest desired-state revision this replica has handed to its gateway streams");
        meter.CreateObservableGauge("outputguard_gateway_streams", () => registry.ConnectedCount,
            description: "Gateway sync streams this replica serves");
        meter.CreateObservableGauge("outputguard_gateway_queued_messages", () => registry.QueuedTotal,
            description: "Messages waiting in the gateway streams' bounded queues on this replica");
    }
}
