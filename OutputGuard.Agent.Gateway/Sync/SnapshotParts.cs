using OutputGuard.V1;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The parts of one snapshot as they arrive, each mapped to <see cref="Addressing.Destination"/> values at once (the
/// refused set aside), so that the gateway never holds a million wire objects and strings — only the values.
/// </summary>
public sealed class SnapshotParts(long revision)
{
    /// <summary>The snapshot's revision.</summary>
    public long Revision { get; } = revision;

    /// <summary>The destinations accepted so far.</summary>
    public List<Addressing.Destination> Accepted { get; } = [];

    /// <summary>The destinations refused so far, with their reasons.</summary>
    public List<RefusedDestination> Refused { get; } = [];

    /// <summary>How many destinations the parts so far held.</summary>
    public int Count => Accepted.Count + Refused.Count;

    /// <summary>Maps one part's destinations.</summary>
    public void Add(IReadOnlyCollection<WireDestination> part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var (accepted, refused) = DestinationMapper.Map(part);
        Accepted.AddRange(accepted);
        Refused.AddRange(refused);
    }
}
