namespace OutputGuard.ControlPlane.Admin.Components.Shared;

/// <summary>The values of a few entries, to show names instead of ids.</summary>
public static class EntryNames
{
    /// <summary>Each existing entry's value by id (at most 100 looked up).</summary>
    public static async Task<Dictionary<long, string>> OfAsync(Store.IControlPlaneStore store, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var names = new Dictionary<long, string>();
        foreach (var id in ids.Distinct().Take(100))
        {
            if (await store.GetEntryAsync(id, cancellationToken) is { } entry)
            {
                names[id] = entry.Value;
            }
        }

        return names;
    }
}
