using System.Net;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>An address in an answer, with the smallest TTL on its way (CNAME chain and address record).</summary>
/// <param name="Address">The address.</param>
/// <param name="TtlSeconds">The TTL in seconds.</param>
public readonly record struct AnsweredAddress(IPAddress Address, int TtlSeconds);
