using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>With a long grace: learned addresses survive an agent restart (table gone, control plane away), and leave at once with their entry.</summary>
public sealed class DnsProxyRestartEndToEndTests : DnsLab
{
    protected override int GraceSeconds => 600;

    protected override IEnumerable<(IPAddress Address, string Name)> Records => [(Lab.Unlisted, "a.wild.test")];

    [Fact]
    public async Task Restart_keeps_learned_addresses_enforced_before_the_control_plane_answers()
    {
        var server = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        Assert.NotEmpty(DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "a.wild.test")));
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, server.Endpoint));
        await Eventually.True(() => File.Exists(StateFile + ".dns") && File.ReadAllText(StateFile + ".dns").Contains(Lab.Unlisted.ToString(), StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the learned address is saved");

        await ControlPlane.KillAsync();
        await Agent.DisposeAsync();
        Lab.Dispose_Table();
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, server.Endpoint), "no table, nothing forwarded");

        Agent = await StartAgentAsync();
        Assert.True(Learned(Lab.Unlisted), "put back before the agent said ready");
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, server.Endpoint));
    }

    [Fact]
    public async Task Deleted_entry_cuts_its_learned_addresses_at_once()
    {
        var server = Lab.Serve(Lab.Unlisted, 80);
        var entry = await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        Assert.NotEmpty(DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "a.wild.test")));
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, server.Endpoint));

        await ControlPlane.DeleteAsync(entry);
        await Eventually.True(() => !Learned(Lab.Unlisted), TimeSpan.FromSeconds(10), "the learned address is cut (its grace is 600 s)");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, server.Endpoint));
    }
}
