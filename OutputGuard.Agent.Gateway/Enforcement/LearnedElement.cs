using System.Net;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>One element of a learned set: an address (all ports when <paramref name="Protocol"/> is 0, else one protocol and port) and its lifetime.</summary>
/// <param name="Address">The learned address.</param>
/// <param name="Protocol">0 (every port), 6 or 17.</param>
/// <param name="Port">The port when <paramref name="Protocol"/> is not 0.</param>
/// <param name="Timeout">How long the kernel keeps it.</param>
public sealed record LearnedElement(IPAddress Address, byte Protocol, ushort Port, TimeSpan Timeout);
