using System.Text;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Agent.Gateway.Tests.Sync;

/// <summary>The entry names the control plane sends, as the gateway keeps, saves and counts them (end to end: ResolvedEntrySeriesEndToEndTests).</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class EntryNamesTests : IDisposable
{
    private const string Store = "5f0c8e2d9a7b4c1e8f3a6b2d0c9e7f1a";
    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-names-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static WireDestination Wire(string prefix, bool own = false, params uint[] names)
    {
        var d = new WireDestination { Prefix = prefix, OwnEntry = own };
        d.EntryNames.AddRange(names);
        return d;
    }

    [Fact]
    public void Every_address_of_one_domain_shares_one_set_and_a_set_no_address_uses_is_forgotten()
    {
        var names = new EntryNames();
        names.Read([Wire("203.0.113.7/32", false, 0), Wire("203.0.113.8/32", false, 0), Wire("198.51.100.0/24")], ["api.example.com"], _ => true, clearUnnamed: false);

        Assert.Equal((2, 1), (names.Count, names.Sets));
        Assert.Same(names.Of(D("203.0.113.7/32")), names.Of(D("203.0.113.8/32")));
        Assert.Null(names.Of(D("198.51.100.0/24")));

        names.Set(D("203.0.113.7/32"), ["web.example.com", "api.example.com"], ownEntry: false);
        Assert.Equal((2, 2), (names.Count, names.Sets));
        names.Remove(D("203.0.113.8/32"));
        Assert.Equal((1, 1), (names.Count, names.Sets));
        Assert.Equal(["api.example.com", "web.example.com"], names.Of(D("203.0.113.7/32"))!.Names);
    }

    [Fact]
    public void Names_of_destinations_the_list_does_not_hold_malformed_ones_and_indices_past_the_table_are_not_kept()
    {
        var names = new EntryNames();
        names.Read(
            [Wire("203.0.113.7/32", false, 0), Wire("203.0.113.8/32", false, 0), Wire("203.0.113.9/24", false, 0), Wire("203.0.113.10/32", false, 5)],
            ["api.example.com"],
            d => d != D("203.0.113.8/32"),
            clearUnnamed: false);

        Assert.Equal([D("203.0.113.7/32")], names.All.Select(n => n.Key));
    }

    [Fact]
    public void A_renamed_destination_without_names_is_its_own_entry_again()
    {
        var names = new EntryNames();
        names.Set(D("203.0.113.7/32"), ["api.example.com"], ownEntry: false);

        names.Read([Wire("203.0.113.7/32")], [], _ => true, clearUnnamed: true);

        Assert.Equal((0, 0), (names.Count, names.Sets));
    }

    [Fact]
    public void Entries_by_prefix_unite_the_names_of_an_address_with_several_port_rules()
    {
        var names = new EntryNames();
        names.Set(D("203.0.113.7/32 6 443 443"), ["api.example.com"], ownEntry: false);
        names.Set(D("203.0.113.7/32 6 80 80"), ["web.example.com"], ownEntry: true);

        var byPrefix = names.ByPrefix();

        var set = byPrefix[IpPrefix.Parse("203.0.113.7/32")];
        Assert.Equal(["api.example.com", "web.example.com"], set.Names);
        Assert.True(set.OwnEntry);
    }

    [Fact]
    public void State_file_round_trips_entry_names_as_version_3()
    {
        var list = AllowList.Of(42, [D("203.0.113.7/32"), D("203.0.113.8/32 6 443 443"), D("198.51.100.0/24")], Store);
        var names = new EntryNames();
        names.Set(D("203.0.113.7/32"), ["api.example.com"], ownEntry: true);
        names.Set(D("203.0.113.8/32 6 443 443"), ["api.example.com", "cdn.example.net"], ownEntry: false);
        var file = new StateFile(Path.Combine(_dir, "state"));

        file.Write(list, [.. names.All]);
        var (read, readNames) = file.ReadWithNames()!.Value;

        Assert.StartsWith("outputguard-state 3\n", File.ReadAllText(file.Path), StringComparison.Ordinal);
        Assert.Equal(list.All.ToHashSet(), read.All.ToHashSet());
        Assert.Equal(2, readNames.Count);
        Assert.Equal(["api.example.com"], readNames.Of(D("203.0.113.7/32"))!.Names);
        Assert.True(readNames.Of(D("203.0.113.7/32"))!.OwnEntry);
        Assert.Equal(["api.example.com", "cdn.example.net"], readNames.Of(D("203.0.113.8/32 6 443 443"))!.Names);
        Assert.Null(readNames.Of(D("198.51.100.0/24")));
    }

    [Fact]
    public void State_without_names_is_written_as_version_2_and_an_old_version_2_file_loads_with_no_names()
    {
        var file = new StateFile(Path.Combine(_dir, "state"));
        file.Write(AllowList.Of(42, [D("203.0.113.7/32")], Store));
        Assert.StartsWith("outputguard-state 2\n", File.ReadAllText(file.Path), StringComparison.Ordinal);

        // A file as gateways before entry names wrote it, byte for byte.
        var body = $"outputguard-state 2\nstore {Store}\nrevision 7\ndestinations 2\n203.0.113.10/32\n203.0.113.12/32 6 443 443\n";
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(body)));
        File.WriteAllText(file.Path, body + $"sha256 {hash}\n");
        var (read, names) = file.ReadWithNames()!.Value;

        Assert.Equal(7, read.Revision);
        Assert.Equal(new[] { D("203.0.113.10/32"), D("203.0.113.12/32 6 443 443") }.ToHashSet(), read.All.ToHashSet());
        Assert.Equal(0, names.Count);
    }

    [Fact]
    public void Named_line_out_of_its_canonical_form_is_refused_even_with_a_matching_checksum()
    {
        var body = $"outputguard-state 3\nstore {Store}\nrevision 7\ndestinations 1\n203.0.113.10/32\nnames 1\napi.example.com\nnamed 1\n203.0.113.10/32 = 1\n";
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(body)));
        var file = new StateFile(Path.Combine(_dir, "state"));
        File.WriteAllText(file.Path, body + $"sha256 {hash}\n");

        var refused = Assert.Throws<InvalidDataException>(() => file.ReadWithNames());

        Assert.Contains("line 9", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_entry_series_sum_a_domain_s_published_addresses_and_count_an_ip_entry_of_one_of_them_too()
    {
        var names = new EntryNames();
        names.Set(D("203.0.113.7/32"), ["api.example.com"], ownEntry: false);
        names.Set(D("203.0.113.8/32"), ["api.example.com"], ownEntry: true);
        var series = new CounterSeries(100, TimeSpan.Zero, published: names.ByPrefix);
        var snapshot = new CounterSnapshot(
            [Counter("203.0.113.7", 100), Counter("203.0.113.8", 30), Counter("198.51.100.0/24", 7)], [], 0, [], 0);

        var entries = series.Choose(snapshot).Entries.Where(e => e.Type == "INPUT").ToDictionary(e => e.Key, e => e.Bytes);

        Assert.Equal(130UL, entries["api.example.com"]);
        Assert.Equal(30UL, entries["203.0.113.8"]);
        Assert.Equal(7UL, entries["198.51.100.0/24"]);
        Assert.False(entries.ContainsKey("203.0.113.7"));
    }

    private static DestinationCounter Counter(string label, ulong bytes) =>
        new(label, IpPrefix.Parse(label.Contains('/', StringComparison.Ordinal) ? label : label + "/32"), "INPUT", bytes, 1);
}
