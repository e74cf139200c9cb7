using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Traffic;
using V1 = OutputGuard.V1;

namespace OutputGuard.ControlPlane.Api;

/// <summary>Domain records to wire messages; the generated types stay at this edge.</summary>
public static class ProtoMapping
{
    /// <summary>An entry as the API shows it, with a domain entry's resolved addresses and lookup status.</summary>
    public static V1.Entry ToProto(this Entry e, EntryResolution? resolution)
    {
        ArgumentNullException.ThrowIfNull(e);
        var proto = e.ToProto();
        if (e.Kind != EntryKind.Domain)
        {
            return proto;
        }

        var status = new V1.ResolutionStatus();
        if (!DomainResolver.Resolves(e))
        {
            status.WildcardNotResolved = true;
            status.Note = "a wildcard is stored and listed but not resolved (it cannot be looked up); " +
                "gateways will learn its addresses from the DNS answers their clients receive";
            proto.Resolution = status;
            return proto;
        }

        resolution ??= EntryResolution.None;
        proto.ResolvedAddresses.AddRange(resolution.Addresses.Select(a => new V1.ResolvedAddress
        {
            Address = a.Address.ToString(),
            FirstSeen = Timestamp.FromDateTimeOffset(a.FirstSeen),
            LastSeen = Timestamp.FromDateTimeOffset(a.LastSeen),
            TtlSeconds = (uint)Math.Max(0, a.TtlSeconds),
            State = a.State == ResolvedAddressState.InGrace ? V1.ResolvedAddressState.InGrace : V1.ResolvedAddressState.Live,
        }));
        if (resolution.Status is { } s)
        {
            status.LastAttemptTime = Timestamp.FromDateTimeOffset(s.LastAttempt);
            if (s.LastSuccess is { } success)
            {
                status.LastSuccessTime = Timestamp.FromDateTimeOffset(success);
            }

            status.LastError = s.LastError;
            status.ConsecutiveFailures = s.ConsecutiveFailures;
            status.SkippedInternal.AddRange(s.SkippedInternal);
            status.ExcessCount = s.ExcessCount;
            status.ExcessAddresses.AddRange(s.ExcessAddresses);
            status.Answers.AddRange(s.Answers.Select(a => new V1.RecordTypeAnswer
            {
                NameServer = a.NameServer,
                RecordType = a.RecordType,
                Outcome = a.Outcome switch
                {
                    LookupOutcome.Answered => V1.RecordTypeOutcome.Answered,
                    LookupOutcome.NxDomain => V1.RecordTypeOutcome.Nxdomain,
                    _ => V1.RecordTypeOutcome.Failed,
                },
                AddressCount = a.Addresses,
                Error = a.Error,
            }));
            status.PartialTypes.AddRange(s.PartialTypes);
            status.Note = Note(s, resolution.Addresses.Count);
        }
        else
        {
            status.Note = "not resolved yet";
        }

        proto.Resolution = status;
        return proto;
    }

    /// <summary>An entry as the API shows it, without resolver data.</summary>
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
            State = e.SuppressedBy is null ? V1.EntryState.Active : V1.EntryState.SuppressedInternal,
            SuppressedBy = e.SuppressedBy ?? string.Empty,
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

    /// <summary>Traffic of one destination as the API shows it.</summary>
    public static V1.DestinationTraffic ToProto(this DestinationTotals t) => new()
    {
        Destination = t.Destination.ToProto(),
        OutputBytes = t.OutputBytes,
        OutputPackets = t.OutputPackets,
        InputBytes = t.InputBytes,
        InputPackets = t.InputPackets,
        Gateways = t.Gateways,
        UpdateTime = Timestamp.FromDateTimeOffset(t.UpdatedAt),
    };

    /// <summary>A denied destination as the API shows it.</summary>
    public static V1.DeniedDestination ToProto(this DeniedTotals d) => new()
    {
        Address = d.Address,
        Protocol = (uint)d.Protocol,
        Port = (uint)d.Port,
        Packets = d.Packets,
        Bytes = d.Bytes,
        LastSeen = Timestamp.FromDateTimeOffset(d.LastSeen),
        Gateways = d.Gateways,
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
        Gone = view.Gone,
        PruneTime = Timestamp.FromDateTimeOffset(view.PruneAt),
        StoreId = view.Record.StoreId,
        Observe = view.Record.Observe,
        Kind = view.Record.Kind == GatewayRecord.LegacyKind ? V1.GatewayKind.Legacy : V1.GatewayKind.Unspecified,
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

    private static string Note(ResolutionStatus s, int published)
    {
        var parts = new List<string> { FormattableString.Invariant($"{published} address(es) published") };
        if (s.PartialTypes.Count > 0)
        {
            var partial = string.Join(" and ", s.PartialTypes);
            parts.Add($"the last lookup was partial: {partial} failed at {string.Join(", ", s.Answers.Where(a => a.Outcome == LookupOutcome.Failed).Select(a => a.NameServer).Distinct(StringComparer.Ordinal))}, " +
                $"so no {partial} address ages out; the other answers are published");
        }
        else if (s.LastError.Length > 0)
        {
            parts.Add(s.ConsecutiveFailures > 0
                ? FormattableString.Invariant($"the last {s.ConsecutiveFailures} lookup(s) failed; a failed lookup removes nothing")
                : "the last lookup reported a problem");
        }

        if (s.SkippedInternal.Count > 0)
        {
            parts.Add(FormattableString.Invariant($"{s.SkippedInternal.Count} internal address(es) in the answer were not published"));
        }

        if (s.ExcessCount > 0)
        {
            parts.Add(FormattableString.Invariant($"{s.ExcessCount} address(es) over the per-domain cap were not published"));
        }

        return string.Join("; ", parts);
    }

    // An IP entry is stored as its host prefix; operators typed an address and see one.
    private static string HostText(string prefix)
    {
        var p = Addressing.IpPrefix.Parse(prefix);
        return p.IsHost ? p.Address.ToString() : prefix;
    }

    /// <summary>Whether the destination is IPv4 (for counts in the API).</summary>
    public static bool IsIPv4(this Destination d) => d.Prefix.Family == AddressFamily.InterNetwork;
}
