using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// What a verification reads: the table's structure (table, chains, sets, rules, the marker) always; the contents
/// of the sets it names, or of every allow, client and internal set; and, for the hash and concatenated allow-sets,
/// just the elements others' events said were added or removed. Reading structure is cheap; reading a set of a
/// million elements takes seconds, so events name what changed.
/// </summary>
/// <param name="AllSets">Whether every set's contents are compared.</param>
/// <param name="Sets">The sets whose contents are read and compared otherwise.</param>
public sealed record DriftScope(bool AllSets, IReadOnlySet<string> Sets)
{
    /// <summary>The structure only.</summary>
    public static DriftScope Structure { get; } = new(false, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The structure and every set's contents.</summary>
    public static DriftScope Everything { get; } = new(true, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Per set: elements others added (<c>true</c>) or removed (<c>false</c>), as their events carried them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(NftSetElement Element, bool Added)>> Changes { get; init; } =
        new Dictionary<string, IReadOnlyList<(NftSetElement Element, bool Added)>>(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="set"/>'s contents are read and compared.</summary>
    public bool Includes(NftSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return AllSets || Sets.Contains(set.Name);
    }
}
