namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The entries one or more published destinations belong to, as the control plane named them: the domain entries they
/// are addresses of, and whether an IP or CIDR entry of the same value holds them too. Interned by
/// <see cref="EntryNames"/>: every address of one domain shares one instance.
/// </summary>
public sealed class EntryNameSet
{
    internal EntryNameSet(string[] names, bool ownEntry, string key)
    {
        Names = names;
        OwnEntry = ownEntry;
        Key = key;
    }

    /// <summary>The domain entries' names ("api.example.com"), sorted, distinct, at least one.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether an IP or CIDR entry holds the destination too (then it also counts toward its own label).</summary>
    public bool OwnEntry { get; }

    /// <summary>The interning key: the names and the flag in one string.</summary>
    internal string Key { get; }

    /// <summary>How many destinations use this set (it is forgotten at 0).</summary>
    internal int Uses { get; set; }

    /// <summary>The key of <paramref name="names"/> (sorted, distinct) with <paramref name="ownEntry"/>.</summary>
    internal static string KeyOf(string[] names, bool ownEntry) => (ownEntry ? "+" : "-") + string.Join('\n', names);
}
