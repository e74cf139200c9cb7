using System.Net;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>An address the proxy learned from an answer to a client, for one domain entry.</summary>
/// <param name="EntryId">The entry whose rule matched.</param>
/// <param name="Name">The name the client asked.</param>
/// <param name="Address">An answered A or AAAA address (CNAMEs followed).</param>
/// <param name="TtlSeconds">The answer's TTL.</param>
/// <param name="FirstSeen">When it was first learned (for this entry).</param>
/// <param name="LastSeen">When it was last answered.</param>
/// <param name="Expires">Last answer + TTL + grace: when the kernel lets it go.</param>
/// <param name="Ports">The entry's port rules when it was learned; empty: every port.</param>
public sealed record LearnedAddress(
    long EntryId, string Name, IPAddress Address, int TtlSeconds, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateTimeOffset Expires, IReadOnlyList<PortSpan> Ports);
