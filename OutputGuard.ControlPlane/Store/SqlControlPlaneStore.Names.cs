using System.Data.Common;
using System.Globalization;
using Dapper;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.State;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// The entry names of destinations (the gateways' per-entry series): which domain entries a destination is an address
/// of, read with the desired state and with the change log; and which destinations' names a write changes while they
/// stay in the state (change-log rows of op <c>n</c>, a revision of their own when nothing else changes).
/// </summary>
public abstract partial class SqlControlPlaneStore
{
    /// <summary>Above this many destinations a revision's names are read from every domain source at once, not key by key.</summary>
    private const int NamesByKeyLimit = 20_000;

    private static readonly string DomainKind = ((int)EntryKind.Domain).ToString(CultureInfo.InvariantCulture);

    // Every domain entry's sources, each with whether a non-domain entry holds the same destination.
    private static readonly string DomainSourcesSql =
        "SELECT s.dkey AS Dkey, e.value AS Name, CASE WHEN EXISTS (SELECT 1 FROM destination_sources o JOIN entries oe ON oe.id = o.entry_id " +
        $"WHERE o.dkey = s.dkey AND oe.kind <> {DomainKind}) THEN 1 ELSE 0 END AS Own " +
        $"FROM entries e JOIN destination_sources s ON s.entry_id = e.id WHERE e.kind = {DomainKind}";

    /// <summary>
    /// Of <paramref name="kept"/> (destinations that stay in the state but gained or lost a source of one entry), those
    /// whose names change: all of them when the entry is a domain; else those a domain entry holds too (an IP or CIDR
    /// entry of the same value came or went, so whether the destination is also its own entry changed).
    /// </summary>
    private async Task<List<string>> RenamedAsync(WriteScope w, EntryKind kind, IEnumerable<string> kept)
    {
        var keys = kept.Distinct(StringComparer.Ordinal).ToList();
        if (kind == EntryKind.Domain || keys.Count == 0)
        {
            return keys;
        }

        return await SelectInAsync<string>(
            w, $"SELECT DISTINCT s.dkey FROM destination_sources s JOIN entries e ON e.id = s.entry_id WHERE e.kind = {DomainKind} AND s.dkey IN @Values", keys);
    }

    /// <summary>The entries of every destination a domain entry holds.</summary>
    private static async Task<Dictionary<Destination, DestinationEntries>> ReadAllEntryNamesAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Group(await connection.QueryAsync<NameRow>(Command(DomainSourcesSql, null, transaction, cancellationToken)), keep: null);

    /// <summary>The entries of those of <paramref name="keys"/> that a domain entry holds.</summary>
    private async Task<Dictionary<Destination, DestinationEntries>> ReadEntryNamesAsync(
        DbConnection connection, DbTransaction transaction, HashSet<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        if (keys.Count > NamesByKeyLimit)
        {
            // A bulk revision: one read of every domain source costs less than thousands of IN lists.
            return Group(await connection.QueryAsync<NameRow>(Command(DomainSourcesSql, null, transaction, cancellationToken)), keys);
        }

        var rows = new List<NameRow>();
        foreach (var chunk in keys.Chunk(ParametersPerStatement))
        {
            var sources = await connection.QueryAsync<NameRow>(Command(
                "SELECT s.dkey AS Dkey, e.value AS Name, e.kind AS Kind FROM destination_sources s JOIN entries e ON e.id = s.entry_id WHERE s.dkey IN @Values",
                new { Values = chunk }, transaction, cancellationToken));
            foreach (var byKey in sources.GroupBy(s => s.Dkey, StringComparer.Ordinal))
            {
                var own = byKey.Any(s => s.Kind != (int)EntryKind.Domain) ? 1 : 0;
                rows.AddRange(byKey.Where(s => s.Kind == (int)EntryKind.Domain).Select(s => new NameRow { Dkey = s.Dkey, Name = s.Name, Own = own }));
            }
        }

        return Group(rows, keep: null);
    }

    private static Dictionary<Destination, DestinationEntries> Group(IEnumerable<NameRow> rows, HashSet<string>? keep)
    {
        var result = new Dictionary<Destination, DestinationEntries>();
        foreach (var byKey in rows.GroupBy(r => r.Dkey, StringComparer.Ordinal))
        {
            if (keep is null || keep.Contains(byKey.Key))
            {
                var names = byKey.Select(r => r.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                result[Destination.Parse(byKey.Key)] = new DestinationEntries(names, byKey.Any(r => r.Own != 0));
            }
        }

        return result;
    }

    /// <summary>A source of a destination: its entry's name and kind, or (of a domain) whether a non-domain entry holds it too.</summary>
    private sealed class NameRow
    {
        public string Dkey { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public long Kind { get; set; }

        public long Own { get; set; }
    }
}
