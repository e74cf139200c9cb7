using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Learning;

/// <summary>
/// What gateways' DNS proxies report they learned: checked (a report of more than <see cref="MaxPerReport"/> breaks the
/// stream's rules; a malformed row is left out), stored under its entry, and passed on to the other gateways that run a
/// proxy, so that a client that asks one gateway and connects through another (ECMP) finds its address allowed there too.
/// </summary>
public sealed partial class LearnedAddressIntake(IControlPlaneStore store, DomainRuleSource sessions, TimeProvider time, ILogger<LearnedAddressIntake> logger)
{
    /// <summary>The most addresses one report may carry.</summary>
    public const int MaxPerReport = 10_000;

    /// <summary>The longest lifetime accepted (TTL one day + grace one day).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(2);

    /// <summary>Stores a gateway's report and passes it on; throws <see cref="RpcException"/> InvalidArgument when it is too large.</summary>
    public async Task RecordAsync(GatewaySession from, LearnedAddresses report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Addresses.Count > MaxPerReport)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"learned: {report.Addresses.Count} addresses in one report; at most {MaxPerReport}"));
        }

        var now = time.GetUtcNow();
        var records = new List<LearnedRecord>();
        var refused = 0;
        foreach (var a in report.Addresses)
        {
            if (Check(a, from.GatewayId, now) is { } record)
            {
                records.Add(record);
            }
            else
            {
                refused++;
            }
        }

        if (refused > 0)
        {
            LogRefused(logger, from.GatewayId, refused);
        }

        if (records.Count == 0)
        {
            return;
        }

        await store.RecordLearnedAsync(from.GatewayId, records, now, cancellationToken);
        var passOn = new LearnedAddresses();
        passOn.Addresses.AddRange(records.Select(ToProto));
        sessions.Broadcast(new FeedItem(null) { Learned = passOn }, except: from);
    }

    /// <summary>The proto form, with the gateway that learned it.</summary>
    public static LearnedAddress ToProto(LearnedRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new LearnedAddress
        {
            EntryId = r.EntryId,
            Name = r.Name,
            Address = r.Address,
            TtlSeconds = r.TtlSeconds,
            FirstSeen = Timestamp.FromDateTimeOffset(r.FirstSeen),
            LastSeen = Timestamp.FromDateTimeOffset(r.LastSeen),
            ExpireTime = Timestamp.FromDateTimeOffset(r.Expires),
            GatewayId = r.GatewayId,
        };
    }

    private static LearnedRecord? Check(LearnedAddress a, string gatewayId, DateTimeOffset now)
    {
        if (a.EntryId <= 0 || a.Name.Length is 0 or > 255 || !IPAddress.TryParse(a.Address, out var address) || a.TtlSeconds < 0
            || a.FirstSeen is null || a.LastSeen is null || a.ExpireTime is null)
        {
            return null;
        }

        var expires = a.ExpireTime.ToDateTimeOffset();
        if (expires <= now || expires > now + MaxLifetime)
        {
            return null;
        }

        return new LearnedRecord(a.EntryId, gatewayId, address.ToString(), a.Name, a.TtlSeconds, a.FirstSeen.ToDateTimeOffset(), a.LastSeen.ToDateTimeOffset(), expires);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayId} reported {Count} malformed learned address(es); they are left out")]
    private static partial void LogRefused(ILogger logger, string gatewayId, int count);
}
