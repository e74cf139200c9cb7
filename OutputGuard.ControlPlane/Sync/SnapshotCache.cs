using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>A whole desired state as the sync stream sends it: its parts, built once and shared read-only by every stream.</summary>
/// <param name="Revision">The revision of the snapshot.</param>
/// <param name="Count">How many destinations it holds.</param>
/// <param name="Parts">The messages, in order; the last one has <c>last</c> set. Never changed after they are built.</param>
public sealed record SharedSnapshot(long Revision, int Count, IReadOnlyList<ControlMessage> Parts);

/// <summary>
/// The newest snapshot, read from the store once per revision however many streams need it, so memory follows
/// the state, not the streams: 1,000 gateways that reconnect at once share one copy. Loads are single-flight.
/// </summary>
public sealed class SnapshotCache(IControlPlaneStore store, IOptions<ControlPlaneOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private SharedSnapshot? _latest;
    private long _loads;

    /// <summary>How many times the store was read for a snapshot (tests compare it with the streams served).</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <inheritdoc />
    public void Dispose() => _loading.Dispose();

    /// <summary>A snapshot at <paramref name="atLeastRevision"/> or newer: the cached one when it is, else one read now.</summary>
    public async Task<SharedSnapshot> GetAsync(long atLeastRevision, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _latest) is { } cached && cached.Revision >= atLeastRevision)
        {
            return cached;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _latest) is { } loaded && loaded.Revision >= atLeastRevision)
            {
                return loaded;
            }

            var state = await store.GetDesiredStateAsync(cancellationToken);
            var storeId = await store.GetStoreIdAsync(cancellationToken);
            Interlocked.Increment(ref _loads);
            var partSize = options.Value.SnapshotPartSize;
            var parts = new List<ControlMessage>(Math.Max(1, (state.Destinations.Count + partSize - 1) / partSize));
            var offset = 0;
            do
            {
                var message = new Snapshot { Revision = state.Revision, Part = parts.Count, StoreId = storeId };
                var names = new EntryNameTable(message.EntryNames);
                for (var i = offset; i < Math.Min(offset + partSize, state.Destinations.Count); i++)
                {
                    var d = state.Destinations[i];
                    message.Destinations.Add(state.Entries.Count == 0 ? d.ToProto() : names.Name(d.ToProto(), state.Entries.GetValueOrDefault(d)));
                }

                offset += partSize;
                message.Last = offset >= state.Destinations.Count;
                parts.Add(new ControlMessage { Snapshot = message });
            }
            while (offset < state.Destinations.Count);

            var snapshot = new SharedSnapshot(state.Revision, state.Destinations.Count, parts);
            Volatile.Write(ref _latest, snapshot);
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }
}
