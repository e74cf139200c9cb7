using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.State;
using V1 = OutputGuard.V1;

namespace OutputGuard.ControlPlane.Api;

/// <summary>Domain records to wire messages; the generated types stay at this edge.</summary>
public static class ProtoMapping
{
    /// <summary>An entry as the API shows it.</summary>
    public static V1.Entry ToProto(this Entry e)
    {
        var proto = new V1.Entry
        {
            Name = e.Name,
            Value = e.Kind == EntryKind.Ip ? HostText(e.Value) : e.Value,
            Kind = e.Kind switch
            {
                EntryKind.Domain => V1.EntryKind.Domain,
                EntryKind.Ip => V1.EntryKind.Ip,
                EntryKind.Cidr => V1.EntryKind.Cidr,
                _ => V1.EntryKind.Unspecified,
            },
            Note = e.Note,
            Undeletable = e.Undeletable,
            CreateUser = e.CreatedBy,
            CreateTime = Timestamp.FromDateTimeOffset(e.CreatedAt),
        };
        proto.Ports.AddRange(e.Ports.Select(p => p.ToString()));
        return proto;
    }

    /// <summary>A destination as the sync stream and the desired-state API carry it.</summary>
    public static V1.Destination ToProto(this Destination d) => new()
    {
        Prefix = d.Prefix.ToString(),
        Protocol = d.Port is { } p ? (V1.L4Protocol)(int)p.Protocol : V1.L4Protocol.Any,
        PortFrom = d.Port is { } from ? (uint)from.From : 0,
        PortTo = d.Port is { } to ? (uint)to.To : 0,
    };

    /// <summary>A gateway as operators see it.</summary>
    public static V1.Gateway ToProto(this GatewayView view) => new()
    {
        Id = view.Record.Id,
        Hostname = view.Record.Hostname,
        Version = view.Record.Version,
        AppliedRevision = view.Record.AppliedRevision,
        LastSeen = Timestamp.FromDateTimeOffset(view.Record.LastSeen),
        Connected = view.Record.Connected,
        ElementCount = view.Record.ElementCount,
        TokenName = view.Record.TokenName,
        Replica = view.Record.Replica,
        QueuedMessages = view.Queued,
        SnapshotsSent = view.SnapshotsSent,
    };

    /// <summary>An audit event as the API shows it.</summary>
    public static V1.AuditEvent ToProto(this AuditEvent a) => new()
    {
        Id = a.Id,
        Time = Timestamp.FromDateTimeOffset(a.Time),
        Actor = a.Actor,
        Action = a.Action,
        Entry = a.EntryId is { } id ? FormattableString.Invariant($"entries/{id}") : string.Empty,
        Before = a.Before ?? string.Empty,
        After = a.After ?? string.Empty,
        Revision = a.Revision,
    };

    // An IP entry is stored as its host prefix; operators typed an address and see one.
    private static string HostText(string prefix)
    {
        var p = Netlink.Addressing.IpPrefix.Parse(prefix);
        return p.IsHost ? p.Address.ToString() : prefix;
    }

    /// <summary>Whether the destination is IPv4 (for counts in the API).</summary>
    public static bool IsIPv4(this Destination d) => d.Prefix.Family == AddressFamily.InterNetwork;
}
