using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

public sealed class DomainEndToEndTests : DomainGatewayLab
{
    private const string Name = "api.lab.test";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    protected override string DomainName => Name;

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

        await ChangeDomainAsync(Lab.NetHost);
        await Eventually.True(async () =>
        {
            await ControlPlane.ResolveAsync(entry);
            return await HttpProbe.GetAsync(Lab.Client, second.Endpoint, 10, TimeSpan.FromMilliseconds(300)) == 10;
        }, Deadline, "the new address is reachable");
    }
}
