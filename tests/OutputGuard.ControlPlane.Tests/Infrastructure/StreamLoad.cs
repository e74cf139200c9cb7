using System.Globalization;
using Grpc.Core;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>Loads for the sync stream's memory tests and benchmark (shared with bench/): a large state, and streams that never read.</summary>
public static class StreamLoad
{
    private const int PortsPerEntry = 64;

    /// <summary>Creates CIDR entries of 64 port rules each (4 at a time) until the desired state holds <paramref name="destinations"/>.</summary>
    public static async Task PopulateAsync(EntryService.EntryServiceClient entries, int destinations)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var ports = Enumerable.Range(0, PortsPerEntry).Select(p => string.Create(CultureInfo.InvariantCulture, $"tcp/{1000 + p}")).ToArray();
        var count = (destinations + PortsPerEntry - 1) / PortsPerEntry;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await entries.CreateEntryAsync(new CreateEntryRequest
                {
                    Entry = new Entry
                    {
                        Value = string.Create(CultureInfo.InvariantCulture, $"2001:db8:{i / 256:x}:{i % 256:x}00::/56"),
                        Ports = { ports.Take(Math.Min(PortsPerEntry, destinations - (i * PortsPerEntry))) },
                    },
                });
            }
        })));
    }

    /// <summary>One gateway that reads a whole snapshot, so that the shared snapshot exists before a baseline is taken.</summary>
    public static async Task ReadOneSnapshotAsync(GatewaySync.GatewaySyncClient sync, string gatewayId)
    {
        ArgumentNullException.ThrowIfNull(sync);
        using var call = sync.Sync();
        await call.RequestStream.WriteAsync(new GatewayMessage { Hello = new Hello { GatewayId = gatewayId } });
        while (await call.ResponseStream.MoveNext(CancellationToken.None) && call.ResponseStream.Current.Snapshot is not { Last: true })
        {
        }
    }

    /// <summary>
    /// Opens <paramref name="count"/> streams (ids <paramref name="idPrefix"/>0, 1, ...) that send Hello at revision 0 and
    /// never read, and waits until <paramref name="gateways"/> lists them all connected. The caller disposes them.
    /// </summary>
    public static async Task<List<AsyncDuplexStreamingCall<GatewayMessage, ControlMessage>>> OpenNonReadingAsync(
        GatewaySync.GatewaySyncClient sync, GatewayService.GatewayServiceClient gateways, string idPrefix, int count)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(gateways);
        var calls = new List<AsyncDuplexStreamingCall<GatewayMessage, ControlMessage>>();
        for (var n = 0; n < count; n++)
        {
            var call = sync.Sync();
            calls.Add(call);
            await call.RequestStream.WriteAsync(new GatewayMessage { Hello = new Hello { GatewayId = string.Create(CultureInfo.InvariantCulture, $"{idPrefix}{n}") } });
        }

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (count > 0 && (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Count(g => g.Connected && g.Id.StartsWith(idPrefix, StringComparison.Ordinal)) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{count} streams were not all served within 2 minutes");
            }

            await Task.Delay(200);
        }

        return calls;
    }
}
