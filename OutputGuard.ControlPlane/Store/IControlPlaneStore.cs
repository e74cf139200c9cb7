using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Traffic;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// The control plane's persistence: entries, the desired state with its revision and change log,
/// the audit log, the gateway registry. One implementation per SQL dialect (SQLite, MySQL/MariaDB),
/// both passing the same contract tests.
/// </summary>
/// <remarks>
/// Every change of the desired state, its change-log rows and its audit row are written in one
/// transaction. Writers are serialised (SQLite: BEGIN IMMEDIATE; MySQL: the single <c>state</c> row
/// locked FOR UPDATE first), so revisions are gap-free and strictly increasing even with several
/// control-plane processes on one database. An undeletable entry is protected by the SQL itself
/// (a trigger), not only by this code.
/// </remarks>
public interface IControlPlaneStore
{
    /// <summary>"sqlite" or "mysql".</summary>
    string Backend { get; }

    /// <summary>Applies the embedded numbered migrations that are not applied yet.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The store's id, made once when the store was created (its identity migration). Gateways name the id their
    /// state came from; a gateway that names another gets a full snapshot.
    /// </summary>
    Task<string> GetStoreIdAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Re-checks every IP and CIDR entry against <paramref name="ranges"/> in one transaction: an entry a range now
    /// overlaps is marked suppressed by it and contributes no destination; a suppressed entry no range overlaps any
    /// more is published again. One revision for all of it (when a destination moved) and one audit row per entry
    /// changed by <paramref name="actor"/>.
    /// </summary>
    Task<SuppressionChange> ApplyInternalRangesAsync(Addressing.InternalRanges ranges, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Creates an entry and, for IP and CIDR entries, its destinations: a destination not yet in the
    /// desired state is added with a new revision and change-log rows; the audit row names the actor.
    /// </summary>
    Task<EntryWriteResult> CreateEntryAsync(NewEntry entry, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Creates several entries in one transaction and at most one revision, each as <see cref="CreateEntryAsync"/> would
    /// (an item equal to a stored entry, or to an earlier item, is AlreadyIdentical; another definition of a stored
    /// value or an earlier item's is Conflict). With <paramref name="allOrNothing"/>, a conflict writes nothing.
    /// </summary>
    Task<BatchWriteResult> CreateEntriesAsync(IReadOnlyList<NewEntry> entries, string actor, bool allOrNothing, CancellationToken cancellationToken);

    /// <summary>
    /// Changes an entry's ports and/or note in one transaction: the destinations of the old port rules that the new
    /// ones do not keep leave the desired state and the new ones join it, in one revision with its change-log rows,
    /// and one audit row ("entry.update") holds the entry before and after. AlreadyIdentical (nothing written) when
    /// the patch changes nothing; Undeletable when it would change an undeletable entry's ports; NotFound.
    /// </summary>
    Task<EntryWriteResult> UpdateEntryAsync(long id, EntryPatch patch, string actor, CancellationToken cancellationToken);

    /// <summary>Deletes an entry unless it is undeletable; destinations no other entry contributes leave the desired state.</summary>
    Task<EntryWriteResult> DeleteEntryAsync(long id, string actor, CancellationToken cancellationToken);

    /// <summary>The entry whose normalised value is <paramref name="value"/>, or null.</summary>
    Task<Entry?> FindEntryByValueAsync(string value, CancellationToken cancellationToken);

    /// <summary>One entry, or null.</summary>
    Task<Entry?> GetEntryAsync(long id, CancellationToken cancellationToken);

    /// <summary>Entries with an id above <paramref name="afterId"/> that match, in id order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Entry>> ListEntriesAsync(EntryFilter filter, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A counter that every insert, delete and change of an entry's value, kind, ports or suppression raises, whoever
    /// writes (a trigger keeps it): when it has not moved, no list of entries read before has changed. One row's read.
    /// </summary>
    Task<long> GetEntriesVersionAsync(CancellationToken cancellationToken);

    /// <summary>The current revision (0 before the first change).</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>The whole desired state and its revision, read consistently.</summary>
    Task<DesiredStateSnapshot> GetDesiredStateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The changes of the revisions after <paramref name="afterRevision"/>, oldest first, at most
    /// <paramref name="maxRevisions"/> revisions; null when the change log no longer reaches back to
    /// <paramref name="afterRevision"/> (the caller sends a snapshot instead).
    /// </summary>
    Task<IReadOnlyList<RevisionChange>?> GetChangesAsync(long afterRevision, int maxRevisions, CancellationToken cancellationToken);

    /// <summary>Drops change-log rows older than the newest <paramref name="keepRevisions"/> revisions and raises the floor; returns rows removed.</summary>
    Task<int> TrimChangeLogAsync(long keepRevisions, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a gateway's registry row.</summary>
    Task UpsertGatewayAsync(GatewayRecord gateway, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces many gateways' registry rows, 200 to a transaction (a reconnect storm's Hellos, a fan-out's acks).</summary>
    Task UpsertGatewaysAsync(IReadOnlyCollection<GatewayRecord> gateways, CancellationToken cancellationToken);

    /// <summary>Sets last_seen of the connected rows of <paramref name="gatewayIds"/> that <paramref name="replica"/> serves (its heartbeat).</summary>
    Task TouchGatewaysAsync(IReadOnlyCollection<string> gatewayIds, string replica, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks a gateway's row disconnected, unless another replica holds its stream by now.</summary>
    Task MarkGatewayDisconnectedAsync(string gatewayId, string replica, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Deletes the rows (registry and traffic) of gateways last seen before <paramref name="lastSeenBefore"/>; returns how many gateways.</summary>
    Task<int> PruneGatewaysAsync(DateTimeOffset lastSeenBefore, CancellationToken cancellationToken);

    /// <summary>Every gateway, most recently seen first.</summary>
    Task<IReadOnlyList<GatewayRecord>> ListGatewaysAsync(CancellationToken cancellationToken);

    /// <summary>Audit events with an id below <paramref name="beforeId"/> (0 = from the newest) that match, newest first.</summary>
    Task<IReadOnlyList<AuditEvent>> ListAuditEventsAsync(AuditFilter filter, long beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>Appends an audit event that is not about an entry (e.g. "token.bootstrap").</summary>
    Task AppendAuditAsync(string actor, string action, string? after, CancellationToken cancellationToken);

    /// <summary>The stored self-created tokens, retired ones included (their hash is empty).</summary>
    Task<IReadOnlyList<StoredToken>> ListStoredTokensAsync(CancellationToken cancellationToken);

    /// <summary>Retires every live self-created token: erases its hash and keeps a tombstone; returns how many.</summary>
    Task<int> RetireStoredTokensAsync(CancellationToken cancellationToken);

    /// <summary>Stores a self-created token only if none is stored yet (so two replicas starting at once create one); returns whether it was stored.</summary>
    Task<bool> TryCreateFirstTokenAsync(StoredToken token, CancellationToken cancellationToken);

    /// <summary>The resolved addresses and lookup status of each of <paramref name="entryIds"/> (every id gets a value).</summary>
    Task<IReadOnlyDictionary<long, EntryResolution>> GetResolutionsAsync(IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a lookup of domain entry <paramref name="entryId"/> in one transaction: its resolved-address
    /// rows, its destination sources (each address with the entry's port rules), at most one new revision
    /// with its change-log rows, an audit row when the desired state changed, and its status row.
    /// Returns <see cref="ResolutionChange.EntryExists"/> false, writing nothing, when the entry is gone.
    /// </summary>
    Task<ResolutionChange> ApplyResolutionAsync(long entryId, LookupResult lookup, ResolutionPolicy policy, CancellationToken cancellationToken);

    /// <summary>A gateway's stored report: its time and each destination's counters (what a new report is checked against).</summary>
    Task<TrafficBaseline> GetTrafficBaselineAsync(string gatewayId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a gateway's traffic report (per-destination totals and denied destinations), writing only what differs
    /// from <paramref name="previous"/> (read now when null): new and changed rows in short transactions of at most
    /// <see cref="SqlControlPlaneStore.TrafficRowsPerChunk"/> rows, after each of which <paramref name="pace"/> (rows
    /// written, time taken) is awaited, then the rows the report no longer holds. Counters above 2^63 - 1 are stored
    /// as 2^63 - 1.
    /// </summary>
    Task ReplaceTrafficAsync(
        string gatewayId,
        DateTimeOffset time,
        IReadOnlyList<DestinationTotals> destinations,
        IReadOnlyList<DeniedTotals> denied,
        TrafficBaseline? previous,
        Func<int, TimeSpan, CancellationToken, Task>? pace,
        CancellationToken cancellationToken);

    /// <summary>Traffic by destination summed over the gateways' latest reports (or one gateway's), busiest first; sums saturate at 2^64 - 1.</summary>
    Task<IReadOnlyList<DestinationTotals>> ListTrafficAsync(string? gatewayId, int limit, CancellationToken cancellationToken);

    /// <summary>Denied destinations summed over the gateways' latest reports (or one gateway's), most packets first; sums saturate at 2^64 - 1.</summary>
    Task<IReadOnlyList<DeniedTotals>> ListDeniedAsync(string? gatewayId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records what a gateway's DNS proxy learned (new rows, or refreshed name, TTL, last seen and expiry; first seen
    /// kept), in chunks of <see cref="SqlControlPlaneStore.TrafficRowsPerChunk"/>, and removes every expired row.
    /// </summary>
    Task RecordLearnedAsync(string gatewayId, IReadOnlyList<Learning.LearnedRecord> addresses, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The live learned addresses of <paramref name="entryIds"/>, newest first, at most <paramref name="perEntry"/> each.</summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<Learning.LearnedRecord>>> GetLearnedAsync(
        IReadOnlyCollection<long> entryIds, DateTimeOffset now, int perEntry, CancellationToken cancellationToken);
}
