namespace OutputGuard.Addressing;

/// <summary>
/// An internal range with the name an operator reads in an error message:
/// <c>10.0.0.0/8</c>, "private-use (RFC 1918)".
/// </summary>
/// <param name="Prefix">The range as a CIDR prefix.</param>
/// <param name="Name">What the range is, with the RFC that reserves it, or "configured internal".</param>
public sealed record NamedRange(IpPrefix Prefix, string Name)
{
    /// <summary>"10.0.0.0/8, private-use (RFC 1918)".</summary>
    public override string ToString() => $"{Prefix}, {Name}";
}
