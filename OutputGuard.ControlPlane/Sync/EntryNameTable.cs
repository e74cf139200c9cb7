using Google.Protobuf.Collections;
using OutputGuard.ControlPlane.State;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>
/// The names table of one Snapshot part or Delta (<c>entry_names</c>): each domain entry's name once, and per wire
/// destination the indices of its entries' names (<c>Destination.entry_names</c>, <c>own_entry</c>). Destinations
/// without entries get nothing, so IP and CIDR destinations cost no byte more.
/// </summary>
internal sealed class EntryNameTable(RepeatedField<string> names)
{
    private readonly Dictionary<string, uint> _index = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="entries"/> (none: nothing) into <paramref name="destination"/>, adding new names to the table.</summary>
    public V1.Destination Name(V1.Destination destination, DestinationEntries? entries)
    {
        if (entries is null)
        {
            return destination;
        }

        foreach (var name in entries.Domains)
        {
            if (!_index.TryGetValue(name, out var i))
            {
                i = (uint)names.Count;
                _index[name] = i;
                names.Add(name);
            }

            destination.EntryNames.Add(i);
        }

        destination.OwnEntry = entries.OwnEntry;
        return destination;
    }
}
