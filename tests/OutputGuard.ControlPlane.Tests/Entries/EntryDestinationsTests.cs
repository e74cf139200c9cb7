using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Tests.Entries;

/// <summary>Which destinations an entry contributes is the entry's own rule, whoever stores it.</summary>
public sealed class EntryDestinationsTests
{
    private static readonly PortRule Https = new(L4Protocol.Tcp, 443, 443);
    private static readonly PortRule Dns = new(L4Protocol.Udp, 53, 53);

    [Fact]
    public void Ip_entry_contributes_its_host_prefix_with_each_port_rule()
    {
        var entry = new NewEntry("203.0.113.7/32", EntryKind.Ip, [Https, Dns], string.Empty, false);

        Assert.Equal(["203.0.113.7/32 tcp/443", "203.0.113.7/32 udp/53"], entry.Destinations().Select(d => d.ToString()));
    }

    [Fact]
    public void Cidr_entry_without_ports_contributes_its_prefix_for_every_port()
    {
        var entry = new NewEntry("198.51.100.0/24", EntryKind.Cidr, [], string.Empty, false);

        Assert.Equal([Destination.Any(IpPrefix.Parse("198.51.100.0/24"))], entry.Destinations());
    }

    [Fact]
    public void Domain_entry_contributes_nothing_by_itself_and_its_addresses_with_its_ports()
    {
        var entry = new NewEntry("api.example.com", EntryKind.Domain, [Https], string.Empty, false);
        IpPrefix[] resolved = [IpPrefix.Parse("203.0.113.9/32"), IpPrefix.Parse("2001:db8::9/128"), IpPrefix.Parse("203.0.113.9/32")];

        Assert.Empty(entry.Destinations());
        Assert.Equal(["203.0.113.9/32 tcp/443", "2001:db8::9/128 tcp/443"], entry.DestinationsAt(resolved).Select(d => d.ToString()));
    }

    [Fact]
    public void Stored_entry_contributes_what_its_definition_does()
    {
        var stored = new Entry(7, "203.0.113.7/32", EntryKind.Ip, [Https], "note", false, "ops", DateTimeOffset.UnixEpoch);

        Assert.Equal(["203.0.113.7/32 tcp/443"], stored.Definition.Destinations().Select(d => d.ToString()));
        Assert.True(stored.SameDefinitionAs(stored.Definition));
    }
}
