using System.Net;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>One address a domain entry resolved to, as stored.</summary>
/// <param name="Address">The address.</param>
/// <param name="FirstSeen">When a lookup first returned it.</param>
/// <param name="LastSeen">When a lookup last returned it.</param>
/// <param name="TtlSeconds">The record's TTL as of <paramref name="LastSeen"/>.</param>
/// <param name="State">Live or in grace.</param>
public sealed record ResolvedAddress(IPAddress Address, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int TtlSeconds, ResolvedAddressState State);
