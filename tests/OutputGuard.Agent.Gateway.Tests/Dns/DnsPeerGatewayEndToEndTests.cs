using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Testing;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>
/// Two real gateway agents on one control plane (the ECMP case): gateway A's proxy answers the client; gateway B, in a
/// lab of its own with the same client range, sees no DNS query and still allows the address A learned, until TTL +
/// grace ends it on both.
/// </summary>
public sealed class DnsPeerGatewayEndToEndTests : DnsLab
{
    private readonly string _stateDirB = Directory.CreateTempSubdirectory("og-gw-stateb-").FullName;
    private Lab? _labB;
    private GatewayAgent? _agentB;

    protected override IEnumerable<(IPAddress Address, string Name)> Records => [(Lab.Unlisted, "a.wild.test")];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _labB = new Lab();

        // Gateway B reaches the control plane, which listens on lab A's root address, over its own root link.
        Tool.In(_labB.Gateway, "ip", "route", "add", $"{Lab.RootAddress}/32", "via", _labB.RootAddress.ToString());
        _agentB = await GatewayAgent.StartAsync(_labB, ControlPlane.GrpcUri, Path.Combine(_stateDirB, "state"), AgentFlags);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            if (_agentB is not null)
            {
                await _agentB.DisposeAsync();
            }

            _labB?.Dispose();
            Directory.Delete(_stateDirB, recursive: true);
        }
        finally
        {
            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task Address_learned_by_one_gateway_is_allowed_by_the_other_until_ttl_and_grace()
    {
        var labB = _labB!;
        var serverB = labB.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        await Eventually.True(() => _agentB!.Output.Contains("Received 1 domain rules", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "gateway B received the rule");
        Assert.False(await HttpProbe.CanConnectAsync(labB.Client, serverB.Endpoint), "gateway B allows nothing before a client resolves");

        Assert.Equal([Lab.Unlisted], DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "a.wild.test")));
        Assert.True(Learned(Lab.Unlisted), "gateway A learned what it answered");

        // Gateway B saw no query: it holds the address because the control plane passed on what A reported.
        await Eventually.True(() => Learned(labB.Gateway, Lab.Unlisted), TimeSpan.FromSeconds(20), "gateway B holds the address gateway A learned");
        Assert.True(await HttpProbe.CanConnectAsync(labB.Client, serverB.Endpoint), "gateway B allows the connection");

        // TTL 1 s + grace 2 s (+ the refresh slack): both kernels let it go on their own.
        await Eventually.True(() => !Learned(Lab.Unlisted) && !Learned(labB.Gateway, Lab.Unlisted), TimeSpan.FromSeconds(30), "the address aged out on both gateways");
        Assert.False(await HttpProbe.CanConnectAsync(labB.Client, serverB.Endpoint), "gateway B refuses after TTL + grace");
    }
}
