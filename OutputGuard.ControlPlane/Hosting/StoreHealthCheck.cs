using Microsoft.Extensions.Diagnostics.HealthChecks;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>Healthy while the store answers a read.</summary>
public sealed class StoreHealthCheck(IControlPlaneStore store) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var revision = await store.GetRevisionAsync(cancellationToken);
            return HealthCheckResult.Healthy(FormattableString.Invariant($"{store.Backend} store at revision {revision}"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{store.Backend} store does not answer: {e.Message}");
        }
    }
}
