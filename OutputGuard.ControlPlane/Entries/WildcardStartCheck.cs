using OutputGuard.Configuration.Startup;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// A start with wildcard entries in the store needs the Public Suffix List: without it the start fails, naming the
/// file and an entry that needs it (a wildcard's check cannot be skipped quietly).
/// </summary>
public static class WildcardStartCheck
{
    /// <summary>Throws <see cref="StartupException"/> when the list is missing and the store holds a wildcard entry.</summary>
    public static async Task RunAsync(IControlPlaneStore store, EntryValidator validator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(validator);
        if (validator.PublicSuffixes is not null)
        {
            return;
        }

        var wildcards = await store.ListEntriesAsync(new EntryFilter(Kind: EntryKind.Domain, ValueContains: "*."), 0, 1, cancellationToken);
        if (wildcards.Count > 0)
        {
            throw new StartupException($"{validator.PublicSuffixProblem}; the store holds wildcard entries ({wildcards[0].Value}), which need it");
        }
    }
}
