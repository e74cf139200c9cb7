using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>Every field from the control plane is range-checked; a bad destination is refused and reported, never widened.</summary>
public sealed class WireValidationEndToEndTests : IAsyncLifetime
{
    private readonly Lab _lab = new();
    private readonly string _stateDir = Directory.CreateTempSubdirectory("og-gw-wire-").FullName;
    private FakeControlPlane _controlPlane = null!;
    private GatewayAgent? _agent;

    public async Task InitializeAsync() =>
        _controlPlane = await FakeControlPlane.StartAsync(_lab.RootAddress, _ => [new ControlMessage { Snapshot = Snapshot() }]);

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        await _controlPlane.DisposeAsync();
        _lab.Dispose();
        Directory.Delete(_stateDir, recursive: true);
    }

    [Fact]
    public async Task Destinations_with_protocol_256_port_0_or_prefix_33_are_refused_reported_and_nothing_is_widened()
    {
        var valid = _lab.Serve(Lab.Allowed, 80);
        var widened = _lab.Serve(Lab.Unlisted, 80);
        var refusedPort = _lab.Serve(Lab.Unlisted, 443);
        var zeroPort = _lab.Serve(Lab.PortRestricted, 80);

        _agent = await GatewayAgent.StartAsync(_lab, _controlPlane.Uri, Path.Combine(_stateDir, "state"));
        await _agent.WaitForRevisionAsync(1);

        Assert.Equal(10, await HttpProbe.GetAsync(_lab.Client, valid.Endpoint, 10));
        Assert.False(await HttpProbe.CanConnectAsync(_lab.Client, widened.Endpoint));
        Assert.False(await HttpProbe.CanConnectAsync(_lab.Client, refusedPort.Endpoint));
        Assert.False(await HttpProbe.CanConnectAsync(_lab.Client, zeroPort.Endpoint));
        var table = TableOracle.Objects(_lab.Gateway)!;
        Assert.Empty(TableOracle.Elements(table, "hosts4"));
        Assert.Empty(TableOracle.Elements(table, "nets4"));
        Assert.Equal(1, await _agent.MetricAsync("outputguard_elements"));

        await Eventually.True(() => _controlPlane.Received.Any(m => m.Refused is not null), TimeSpan.FromSeconds(10), "the refusal reported to the control plane");
        var report = _controlPlane.Received.First(m => m.Refused is not null).Refused;
        Assert.Equal((1L, 4), (report.Revision, report.Total));
        var reasons = string.Join("\n", report.Destinations.Select(d => d.Reason));
        Assert.Contains("protocol 256", reasons, StringComparison.Ordinal);
        Assert.Contains("port range 0-0", reasons, StringComparison.Ordinal);
        Assert.Contains("'33' is not a prefix length", reasons, StringComparison.Ordinal);
        Assert.Contains("canonical", reasons, StringComparison.Ordinal);
        Assert.Equal(4, await _agent.MetricAsync("outputguard_refused_destinations_total"));
        Assert.Contains("Refused a destination of revision 1", _agent.Output, StringComparison.Ordinal);
        Assert.Contains(_controlPlane.Received, m => m.Ack is { Revision: 1 });
    }

    private static Snapshot Snapshot()
    {
        var snapshot = new Snapshot { Revision = 1, Last = true, StoreId = "test-control-plane" };
        snapshot.Destinations.Add(new Destination { Prefix = $"{Lab.Allowed}/32", Protocol = L4Protocol.Tcp, PortFrom = 80, PortTo = 80 });
        snapshot.Destinations.Add(new Destination { Prefix = $"{Lab.Unlisted}/32", Protocol = (L4Protocol)256, PortFrom = 443, PortTo = 443 });
        snapshot.Destinations.Add(new Destination { Prefix = $"{Lab.PortRestricted}/32", Protocol = L4Protocol.Tcp, PortFrom = 0, PortTo = 0 });
        snapshot.Destinations.Add(new Destination { Prefix = "203.0.113.0/33", Protocol = L4Protocol.Any });
        snapshot.Destinations.Add(new Destination { Prefix = "198.51.100.20", Protocol = L4Protocol.Any });
        return snapshot;
    }
}
