using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.V1;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The parts of one snapshot as they arrive, each mapped at once and added straight into the <see cref="AllowList"/>
/// the snapshot becomes (the refused set aside): the gateway never holds a million wire objects and strings, nor a
/// list of values beside the set — only the set, about 16 bytes per IPv4 host.
/// </summary>
public sealed class SnapshotParts(long revision)
{
    private readonly AllowList _accepted = AllowList.Of(revision, []);

    /// <summary>The snapshot's revision.</summary>
    public long Revision { get; } = revision;

    /// <summary>The destinations refused so far, with their reasons.</summary>
    public List<RefusedDestination> Refused { get; } = [];

    /// <summary>How many destinations the parts so far held (repeats included: this is what the size limit counts).</summary>
    public int Count { get; private set; }

    /// <summary>How many distinct destinations were accepted so far.</summary>
    public int AcceptedCount => _accepted.Count;

    /// <summary>Maps one part's destinations into the list.</summary>
    public void Add(IReadOnlyCollection<WireDestination> part)
    {
        ArgumentNullException.ThrowIfNull(part);
        foreach (var d in part)
        {
            if (DestinationMapper.TryMap(d, out var mapped, out var reason))
            {
                _accepted.Add(mapped);
            }
            else
            {
                Refused.Add(new RefusedDestination { Destination = d, Reason = reason });
            }
        }

        Count += part.Count;
    }

    /// <summary>The accepted destinations as the list of <see cref="Revision"/> from store <paramref name="storeId"/>.</summary>
    public AllowList ToAllowList(string storeId)
    {
        ArgumentNullException.ThrowIfNull(storeId);
        _accepted.StoreId = storeId;
        return _accepted;
    }
}
