using OutputGuard.ControlPlane.Admin.Queries;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// The reads the admin page needs beyond the API's (counts, traffic per entry, denied per gateway) and the bounded
/// traffic history it charts. Implemented by both SQL dialects next to <see cref="IControlPlaneStore"/>.
/// </summary>
public interface IAdminStore
{
    /// <summary>Entries by kind (and how many are undeletable or suppressed) among those <paramref name="filter"/> keeps.</summary>
    Task<EntryCounts> CountEntriesAsync(EntryFilter filter, CancellationToken cancellationToken);

    /// <summary>Traffic of the destinations each entry contributes, summed over the gateways' latest reports, busiest first.</summary>
    Task<IReadOnlyList<EntryTraffic>> ListEntryTrafficAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Traffic of each destination entry <paramref name="entryId"/> contributes, busiest first.</summary>
    Task<IReadOnlyList<EntryTraffic>> ListTrafficOfEntryAsync(long entryId, int limit, CancellationToken cancellationToken);

    /// <summary>The entries that contribute each of <paramref name="destinationKeys"/> (keys without one are left out).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<long>>> EntriesOfDestinationsAsync(IReadOnlyCollection<string> destinationKeys, CancellationToken cancellationToken);

    /// <summary>Denied destinations as each gateway reported them, most packets first.</summary>
    Task<IReadOnlyList<GatewayDenied>> ListDeniedByGatewayAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records one sample of the traffic totals (all destinations, key "") and of the busiest destinations at
    /// <paramref name="at"/>, replacing a sample of the same time, and drops samples before <paramref name="keepFrom"/>.
    /// </summary>
    Task AppendTrafficSampleAsync(DateTimeOffset at, int topDestinations, DateTimeOffset keepFrom, CancellationToken cancellationToken);

    /// <summary>The samples from <paramref name="from"/> on, oldest first.</summary>
    Task<IReadOnlyList<TrafficSample>> ListTrafficSamplesAsync(DateTimeOffset from, CancellationToken cancellationToken);
}
