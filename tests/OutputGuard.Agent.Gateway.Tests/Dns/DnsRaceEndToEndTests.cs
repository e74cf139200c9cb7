using System.Diagnostics;
using System.Globalization;
using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>
/// The race the proxy closes, measured: the upstream rotates one name through 20 addresses (TTL 1 s, rewritten every
/// second); a client resolves and connects at once, 1,000 times, through the gateway's proxy (0 failures), and again
/// resolving directly at the public resolver with only the control plane's own resolution (the baseline).
/// </summary>
public sealed class DnsRaceEndToEndTests(ITestOutputHelper output) : DnsLab
{
    private const string Name = "race.lab.test";
    private const int Loops = 1000;
    private static readonly IPAddress[] Rotation = [.. Enumerable.Range(100, 20).Select(i => IPAddress.Parse($"203.0.113.{i}"))];

    protected override IEnumerable<(IPAddress Address, string Name)> Records => [(Rotation[0], Name)];

    // The control plane at its fastest: every second, with the same grace as the proxy.
    protected override string ResolverYaml => """
        resolver_grace_period_s: 2
        resolver_interval_s: 1
        resolver_ttl_floor_s: 1
        """;

    [Fact]
    public async Task Clients_resolving_through_the_proxy_never_race_the_allow_list()
    {
        foreach (var a in Rotation)
        {
            AddInternetAddress(a);
        }

        Lab.Serve(IPAddress.Any, 80);
        await ControlPlane.AllowAsync(Name);
        await ControlPlane.AllowAsync(DnsUpstreams.PublicResolver.ToString(), "udp/53");
        await RulesReceivedAsync(1);
        await SyncedAsync();

        using var stop = new CancellationTokenSource();
        var rotator = RotateAsync(stop.Token);
        try
        {
            var (proxyFailures, proxyUnresolved, proxyTime) = await LoopAsync(Proxy4, TimeSpan.FromSeconds(2));
            var (directFailures, directUnresolved, directTime) = await LoopAsync(new IPEndPoint(DnsUpstreams.PublicResolver, 53), TimeSpan.FromMilliseconds(300));
            var report = string.Create(CultureInfo.InvariantCulture,
                $"race, {Loops} resolve+connect loops, 20 addresses, TTL 1 s: through the proxy {proxyFailures} failures ({proxyUnresolved} unresolved, {proxyTime.TotalSeconds:0.0} s); resolving directly (control-plane polling only) {directFailures} failures ({directUnresolved} unresolved, {directTime.TotalSeconds:0.0} s)");
            output.WriteLine(report);
            Console.WriteLine(report);
            Assert.Equal(0, proxyUnresolved);
            Assert.Equal(0, proxyFailures);
        }
        finally
        {
            await stop.CancelAsync();
            await rotator;
        }
    }

    private async Task<(int Failures, int Unresolved, TimeSpan Time)> LoopAsync(IPEndPoint resolver, TimeSpan connectTimeout)
    {
        int failures = 0, unresolved = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Loops; i++)
        {
            var address = DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, resolver, Name, timeout: TimeSpan.FromSeconds(3))).FirstOrDefault();
            if (address is null)
            {
                unresolved++;
                failures++;
                continue;
            }

            if (!await HttpProbe.CanConnectAsync(Lab.Client, new IPEndPoint(address, 80), connectTimeout))
            {
                failures++;
            }
        }

        return (failures, unresolved, Stopwatch.GetElapsedTime(started));
    }

    private async Task RotateAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var next = 1;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Upstreams.Change([(Rotation[next++ % Rotation.Length], Name)]);
            }
        }
        catch (OperationCanceledException)
        {
            // The loops are done.
        }
    }
}
