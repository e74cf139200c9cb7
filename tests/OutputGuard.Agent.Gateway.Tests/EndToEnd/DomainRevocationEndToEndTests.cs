using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>An address that drops out of a domain's DNS keeps its connections for the grace period, then loses them.</summary>
public sealed class DomainRevocationEndToEndTests : DomainGatewayLab
{
    private const string Name = "stream.lab.test";
    private const int Grace = 4;

    protected override string DomainName => Name;

    protected override int GraceSeconds => Grace;

    [Fact]
    public async Task Address_aged_out_after_its_grace_period_stops_an_open_connection_within_a_second()
    {
        var entry = await ControlPlane.AllowAsync(Name);
        await ControlPlane.ResolveAsync(entry);
        await SyncedAsync();
        await using var loop = await ConnectionLoop.StartAsync(Lab, Lab.Allowed, 7002);
        await loop.FlowingAsync();
        await ControlPlane.ResolveAsync(entry); // last seen now: the grace period starts with the next answer

        await ChangeDomainAsync(Lab.NetHost);
        await Eventually.True(async () => (await ControlPlane.ResolveAsync(entry)).Entry.ResolvedAddresses.Any(a => a.Address == Lab.NetHost.ToString()),
            TimeSpan.FromSeconds(10), "the new address resolved");
        var inGrace = loop.Received;
        await Eventually.True(
            async () => !(await ControlPlane.ResolveAsync(entry)).Entry.ResolvedAddresses.Any(a => a.Address == Lab.Allowed.ToString()),
            TimeSpan.FromSeconds(Grace + 10),
            "the old address aged out");
        var revoked = loop.Now;

        Assert.True(loop.Received > inGrace, "the connection kept flowing during the grace period");
        await loop.AssertCutAsync(revoked);
    }
}
