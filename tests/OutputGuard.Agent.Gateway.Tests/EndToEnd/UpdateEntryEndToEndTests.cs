using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>
/// Changing an entry's ports in place reaches the gateway as one delta that it applies in one kernel batch: during
/// a burst of connections to the port the entry keeps, not one connection fails and not one packet to it is dropped,
/// while the new port opens.
/// </summary>
public sealed class UpdateEntryEndToEndTests : GatewayLab
{
    private const int Loops = 4;

    [Theory]
    [InlineData(8443, "tcp/443", "tcp/8443")]
    [InlineData(444, "tcp/443-444")]
    public async Task Changing_the_ports_never_drops_a_packet_to_the_port_the_entry_keeps(int newPort, params string[] ports)
    {
        var kept = Lab.Serve(Lab.PortRestricted, 443);
        var opened = Lab.Serve(Lab.PortRestricted, newPort);
        var entry = await ControlPlane.AllowAsync(Lab.PortRestricted.ToString(), "tcp/443");
        await SyncedAsync();
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, opened.Endpoint));
        var droppedBefore = await Eventually.Until(
            () => Agent.MetricAsync("outputguard_denied_packets", $"ip=\"{Lab.PortRestricted}\""), v => v >= 1, TimeSpan.FromSeconds(20), "the probe of the closed port is counted");

        var ok = 0;
        var failed = 0;
        using var stop = new CancellationTokenSource();
        var burst = Enumerable.Range(0, Loops).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // A drop shows in the denied counter (asserted below); the connect timeout only bounds a probe, and gives
                // a loaded machine the kernel's SYN retry.
                var body = await HttpProbe.GetAsync(Lab.Client, kept.Endpoint, 20_000, TimeSpan.FromSeconds(3));
                Interlocked.Increment(ref body == 20_000 ? ref ok : ref failed);
            }
        })).ToList();
        try
        {
            await Eventually.True(() => Task.FromResult(Volatile.Read(ref ok) >= 40), TimeSpan.FromSeconds(20), "the burst is under way");
            var updated = await ControlPlane.UpdatePortsAsync(entry, ports);
            await SyncedAsync();
            var okAtUpdate = Volatile.Read(ref ok);
            await Eventually.True(() => Task.FromResult(Volatile.Read(ref ok) >= okAtUpdate + 40), TimeSpan.FromSeconds(20), "the burst goes on after the update");
            Assert.Equal(ports, updated.Ports);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(burst);
        }

        // Drops of the kept port, not of the closed one: the probe of the closed port gave up after 1 s, and the kernel
        // may send its SYN once more after the count was read (a CI run counted that one).
        var dropped = await Agent.MetricAsync("outputguard_denied_packets", $"ip=\"{Lab.PortRestricted}\"", "port=\"443\"");

        Assert.Equal(0, failed);
        Assert.True(ok >= 80, $"{ok} connections");
        Assert.True(droppedBefore >= 1);
        Assert.True((dropped ?? 0) == 0, $"{dropped} packets to {Lab.PortRestricted}:443 dropped during the burst");
        Assert.Equal(100, await HttpProbe.GetAsync(Lab.Client, opened.Endpoint, 100));
        Assert.Equal(entry.Name, (await ControlPlane.Entries.GetEntryAsync(new V1.GetEntryRequest { Name = entry.Name })).Name);
    }
}
