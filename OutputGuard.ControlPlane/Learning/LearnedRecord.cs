namespace OutputGuard.ControlPlane.Learning;

/// <summary>An address a gateway's DNS proxy learned for a domain entry, as stored.</summary>
/// <param name="EntryId">The entry.</param>
/// <param name="GatewayId">The gateway that learned it.</param>
/// <param name="Address">The address, canonical text.</param>
/// <param name="Name">The name the client asked.</param>
/// <param name="TtlSeconds">The answer's TTL.</param>
/// <param name="FirstSeen">First learned.</param>
/// <param name="LastSeen">Last answered.</param>
/// <param name="Expires">When gateways let it go.</param>
public sealed record LearnedRecord(
    long EntryId, string GatewayId, string Address, string Name, int TtlSeconds, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateTimeOffset Expires);
