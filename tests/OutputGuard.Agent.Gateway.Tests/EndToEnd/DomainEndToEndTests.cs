using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

public sealed class DomainEndToEndTests : GatewayLab
{
    private const string Name = "api.lab.test";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private Dnsmasq _dns = null!;

    protected override string ControlPlaneYaml => $"""
        resolver_name_servers: ["127.0.0.1:{_dns.Port}"]
        resolver_grace_period_s: 0
        """;

    public override async Task InitializeAsync()
    {
        _dns = await Dnsmasq.StartAsync(Name, Lab.Allowed);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task Domain_entry_follows_its_dns_record()
    {
        var first = Lab.Serve(Lab.Allowed, 80);
        var second = Lab.Serve(Lab.NetHost, 80);
        var entry = await ControlPlane.AllowAsync(Name);
        var resolved = await ControlPlane.ResolveAsync(entry);
        Assert.True(resolved.ToString().Contains(Lab.Allowed.ToString(), StringComparison.Ordinal), resolved.ToString());
        await SyncedAsync();
        await Eventually.True(async () => await HttpProbe.GetAsync(Lab.Client, first.Endpoint, 10, TimeSpan.FromMilliseconds(300)) == 10, Deadline, "the resolved address is reachable");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, second.Endpoint));

        _dns.Change(Name, Lab.NetHost);
        await Eventually.True(async () =>
        {
            await ControlPlane.ResolveAsync(entry);
            return await HttpProbe.GetAsync(Lab.Client, second.Endpoint, 10, TimeSpan.FromMilliseconds(300)) == 10;
        }, Deadline, "the new address is reachable");
    }
}
