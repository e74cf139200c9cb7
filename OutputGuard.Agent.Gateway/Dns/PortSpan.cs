namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>A protocol (6 TCP, 17 UDP) and an inclusive port range of a domain rule.</summary>
public readonly record struct PortSpan(byte Protocol, ushort From, ushort To);
