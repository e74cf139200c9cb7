using System.Net;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// One element of a learned set: an address (all ports when <paramref name="Protocol"/> is 0, else one protocol and a
/// port, or a port range when <paramref name="LastPort"/> is above <paramref name="Port"/>) and its lifetime.
/// </summary>
/// <param name="Address">The learned address.</param>
/// <param name="Protocol">0 (every port), 6 or 17.</param>
/// <param name="Port">The port (the first of the range) when <paramref name="Protocol"/> is not 0.</param>
/// <param name="Timeout">How long the kernel keeps it.</param>
/// <param name="LastPort">The last port of a range (an element of the learned ranges set); 0 for a single port.</param>
public sealed record LearnedElement(IPAddress Address, byte Protocol, ushort Port, TimeSpan Timeout, ushort LastPort = 0)
{
    /// <summary>Whether this is a port range (learned ranges set) rather than one port.</summary>
    public bool IsRange => LastPort > Port;
}
