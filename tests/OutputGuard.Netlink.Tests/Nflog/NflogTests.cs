using System.Text;
using OutputGuard.Netlink.Nflog;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nflog;

/// <summary>Packets that a <c>log group N</c> rule sends arrive with their metadata.</summary>
public sealed class NflogTests : IDisposable
{
    private readonly VethPair _pair = new();

    public void Dispose() => _pair.Dispose();

    [Fact]
    public async Task Logged_udp_packet_arrives_with_interface_addresses_ports_and_payload()
    {
        using var nft = NftConnection.OpenIn(_pair.Server.Name);
        var input = NftChain.Base(NftFamily.Inet, "og", "input", NftHook.Input);
        using (var batch = nft.BeginBatch())
        {
            batch.AddTable(new NftTable(NftFamily.Inet, "og"));
            batch.AddChain(input);
            batch.AddRule(new NftRule
            {
                Family = NftFamily.Inet,
                Table = "og",
                Chain = "input",
                Expressions = [new NftMeta(NftMetaKey.L4Proto), new NftCmp(NftCmpOp.Eq, [17]), new NftLog { Group = 5, Prefix = "og-test " }, NftImmediate.Drop],
            });
            batch.Commit();
        }

        using var log = NflogListener.Subscribe(5, _pair.Server.Name);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        Tool.In(_pair.Client.Name, "bash", "-c", "echo -n hello-nflog > /dev/udp/10.77.0.2/5353");

        var packet = await log.ReadAsync(timeout.Token);
        Assert.Equal(("og-test ", (ushort)5, _pair.ServerLink.Index), (packet.Prefix, packet.Group, packet.InputInterface));
        Assert.Equal((VethPair.ClientAddress, VethPair.ServerAddress, (byte)17, (ushort?)5353), (packet.Source, packet.Destination, packet.Protocol, packet.DestinationPort));
        Assert.Equal("hello-nflog", Encoding.ASCII.GetString(packet.TransportPayload.Span));
        Assert.Equal(0x0800, packet.HardwareProtocol);
        Assert.Equal(1, packet.Hook); // NF_INET_LOCAL_IN
    }
}
