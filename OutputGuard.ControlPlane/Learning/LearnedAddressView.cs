using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Learning;

/// <summary>Puts the live learned addresses under their domain entries in API answers.</summary>
public static class LearnedAddressView
{
    /// <summary>The most learned addresses shown per entry.</summary>
    public const int PerEntry = 1000;

    /// <summary>Fills <c>learned_addresses</c> of the domain entries among <paramref name="entries"/>.</summary>
    public static async Task AttachAsync(IControlPlaneStore store, IEnumerable<(Entries.Entry Entry, V1.Entry Proto)> entries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var domains = entries.Where(e => e.Entry.Kind == Entries.EntryKind.Domain).ToList();
        if (domains.Count == 0)
        {
            return;
        }

        var learned = await store.GetLearnedAsync([.. domains.Select(d => d.Entry.Id)], now, PerEntry, cancellationToken);
        foreach (var (entry, proto) in domains)
        {
            if (learned.TryGetValue(entry.Id, out var rows))
            {
                proto.LearnedAddresses.AddRange(rows.Select(LearnedAddressIntake.ToProto));
            }
        }
    }
}
